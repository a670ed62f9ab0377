// Which parts of a program's vertex array to upload (programs.ts): the slots written since the last upload,
// as runs. In a module of its own, without sigma's WebGL code, so it can be tested outside a browser.

/** Slots closer than this are uploaded as one run (one call instead of two, a few bytes more). */
const RUN_GAP = 64;
/** More runs than this are uploaded as one, from the first to the last. */
const MAX_RUNS = 32;

/** Runs [start, end) of the slots written, sorted, joining those less than RUN_GAP apart. */
export function slotRuns(slots: Iterable<number>): [number, number][] {
  const sorted = Float64Array.from(slots).sort();
  const runs: [number, number][] = [];
  for (const slot of sorted) {
    const last = runs[runs.length - 1];
    if (last && slot - last[1] < RUN_GAP) last[1] = Math.max(last[1], slot + 1);
    else runs.push([slot, slot + 1]);
  }
  return runs.length > MAX_RUNS ? [[runs[0]![0], runs[runs.length - 1]![1]]] : runs;
}

