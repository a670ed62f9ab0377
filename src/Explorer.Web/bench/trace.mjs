// Reads a Chromium trace of the page benchmark's live changes (run.mjs TRACE=prefix) and says, for each change,
// its wall time (what the benchmark timed: LiveSync.receive plus the next render, performance.now()) against
// the main thread's CPU time over the same spans (the trace's thread time), and, for the slow ones, what ran
// on the main thread meanwhile (tasks, garbage collections, waits on the GPU process) with wall and thread
// time each, and what the GPU process was doing.
//   node bench/trace.mjs trace-10000.json [--over 16] [--detail 0.3]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const GC = /^(MinorGC|MajorGC|V8\.GC_SCAVENGER$|V8\.GC_MARK_COMPACTOR$|V8\.GC_MC_BACKGROUND|V8\.GCIncrementalMarking$|V8\.GCFinalizeMC$|V8\.GCScavenger$|V8\.GCCompactor$)/;
const TOP_GC = /^(MinorGC|MajorGC)$/;

// The main thread's tasks as intervals with wall and thread time, nested (X events and B/E pairs).
function slices(events, pid, tid) {
  const out = [];
  const stack = [];
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid) continue;
    if (e.ph === "X") out.push({ name: e.name, cat: e.cat, ts: e.ts, dur: e.dur ?? 0, tts: e.tts, tdur: e.tdur, args: e.args });
    else if (e.ph === "B") stack.push(e);
    else if (e.ph === "E") {
      const b = stack.pop();
      if (b) out.push({ name: b.name, cat: b.cat, ts: b.ts, dur: e.ts - b.ts, tts: b.tts, tdur: b.tts !== undefined && e.tts !== undefined ? e.tts - b.tts : undefined, args: b.args });
    }
  }
  out.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Depth: how many earlier slices still enclose this one.
  const enclosing = [];
  for (const s of out) {
    while (enclosing.length && enclosing.at(-1).ts + enclosing.at(-1).dur < s.ts + s.dur - 0.01) enclosing.pop();
    s.depth = enclosing.length;
    s.parent = enclosing.at(-1) ?? null;
    enclosing.push(s);
  }
  return out;
}

/**
 * The main thread's CPU time inside [from, to]: the innermost slice with thread time that holds the span (the
 * benchmark's marks and the trace's slices disagree by a few microseconds: 0.3 ms of slack), less its children
 * wholly outside the span (the rest of that task). What remains of the holder outside the span is counted in
 * (an upper bound); no more than the span's wall time (one thread).
 */
function threadTimeIn(mainSlices, [from, to]) {
  const slack = Math.min(300, (to - from) / 4);
  let holder = null;
  for (const s of mainSlices) {
    if (s.ts > from + slack) break;
    if (s.tdur !== undefined && s.ts + s.dur >= to - slack && (!holder || s.depth > holder.depth)) holder = s;
  }
  if (!holder) return { ms: NaN, holder: null, loose: true };
  let cpu = holder.tdur;
  let wall = holder.dur;
  for (const s of mainSlices) {
    if (s.parent !== holder || s.tdur === undefined) continue;
    if (s.ts + s.dur <= from + slack || s.ts >= to - slack) {
      cpu -= s.tdur;
      wall -= s.dur;
    }
  }
  // loose: the holder's wall time outside the span (and outside any child) is over 2 ms, so its CPU there is in.
  return { ms: Math.min(Math.max(0, cpu), to - from) / 1000, holder, loose: wall - (to - from) > 2000 };
}

/**
 * The page benchmark's pan and zoom (run.mjs TRACE=prefix, its -pan.json trace): each render the page marked
 * ("pan N", sigma's beforeRender to afterRender) with its wall time and the main thread's CPU time over it.
 * Wall time counts the time the thread waited for one of the 2 cores (SwiftShader's raster threads and other
 * processes compete for them); CPU time is the page's own main-thread work.
 */
export function summarizePan(trace) {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const spans = [];
  let main = null;
  for (const e of events) {
    if (e.cat !== "blink.user_timing" || !/^pan \d+$/.test(e.name)) continue;
    if (e.ph === "b") spans.push({ name: e.name, id: e.id ?? e.id2?.local ?? "", from: e.ts, to: NaN });
    else if (e.ph === "e") {
      const open = spans.find((s) => s.name === e.name && s.id === (e.id ?? e.id2?.local ?? "") && Number.isNaN(s.to));
      if (open) open.to = e.ts;
    }
    main ??= { pid: e.pid, tid: e.tid };
  }
  const done = spans.filter((s) => !Number.isNaN(s.to));
  if (!main || done.length === 0) return { tracePanRenders: 0 };
  const mainSlices = slices(events, main.pid, main.tid);
  const p95 = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const walls = done.map((s) => (s.to - s.from) / 1000);
  const cpus = done.map((s) => threadTimeIn(mainSlices, [s.from, s.to]).ms).filter((v) => !Number.isNaN(v));
  return {
    tracePanRenders: done.length,
    tracePanWallMedianMs: median(walls),
    tracePanWallP95Ms: p95(walls),
    tracePanThreadRenders: cpus.length,
    tracePanThreadMedianMs: cpus.length ? median(cpus) : NaN,
    tracePanThreadP95Ms: cpus.length ? p95(cpus) : NaN,
    tracePanThreadMaxMs: cpus.length ? Math.max(...cpus) : NaN,
    tracePanThreadOver8: cpus.filter((v) => v > 8).length,
  };
}

/**
 * @param trace the JSON Chromium writes ({ traceEvents } or an array)
 * @returns figures (per-run numbers for run.mjs) and lines (the report)
 */
export function summarize(trace, { over = 16, detail = 0.3, quiet = false } = {}) {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const threadNames = new Map();
  const processNames = new Map();
  for (const e of events) {
    if (e.ph !== "M") continue;
    if (e.name === "thread_name") threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
    if (e.name === "process_name") processNames.set(e.pid, e.args.name);
  }
  // The benchmark's marks: "apply N kind" and "render N kind total" (async begin/end pairs on the main thread).
  const open = new Map();
  const marks = new Map();
  let main = null;
  for (const e of events) {
    if (e.cat !== "blink.user_timing" || !/^(apply|render) \d+ /.test(e.name)) continue;
    const key = `${e.name}|${e.id ?? e.id2?.local ?? ""}`;
    if (e.ph === "b") open.set(key, e);
    else if (e.ph === "e" && open.has(key)) {
      const b = open.get(key);
      open.delete(key);
      const [what, n, kind, total] = e.name.split(" ");
      const change = marks.get(n) ?? { n: Number(n), kind, apply: null, render: null, total: 0 };
      change[what] = [b.ts, e.ts];
      if (total) change.total = Number(total);
      marks.set(n, change);
      main ??= { pid: b.pid, tid: b.tid };
    }
  }
  const lines = [];
  const say = (line) => lines.push(line);
  if (!main) return { figures: { traceChanges: 0 }, lines: ["no live-change marks in this trace"] };

  const mainSlices = slices(events, main.pid, main.tid);

  const threadTime = (span) => threadTimeIn(mainSlices, span);
  const inside = ([from, to], s) => s.ts < to && s.ts + s.dur > from;

  const changes = [...marks.values()].filter((c) => c.apply && c.render).sort((a, b) => a.n - b.n);
  const rows = changes.map((c) => {
    const apply = threadTime(c.apply);
    const render = threadTime(c.render);
    const wall = (c.apply[1] - c.apply[0] + c.render[1] - c.render[0]) / 1000;
    const gc = mainSlices.filter((s) => TOP_GC.test(s.name) && (inside(c.apply, s) || inside(c.render, s)));
    return { ...c, wall, thread: apply.ms + render.ms, loose: apply.loose || render.loose, applyHolder: apply.holder, renderHolder: render.holder, gcMs: gc.reduce((n, s) => n + s.dur, 0) / 1000, gcCount: gc.length };
  });

  const gpuThreads = [...threadNames].filter(([key, name]) => {
    const pid = Number(key.split(":")[0]);
    return /GPU/i.test(processNames.get(pid) ?? "") && /CrGpuMain|VizCompositor|GpuMain/.test(name);
  }).map(([key, name]) => ({ key, name, slices: slices(events, ...key.split(":").map(Number)) }));

  for (const r of rows.filter((r) => r.wall > over)) {
    say(`change ${r.n} (${r.kind}): wall ${r.wall.toFixed(1)} ms (benchmark ${r.total}), main-thread CPU ${r.thread.toFixed(1)} ms, GC ${r.gcCount} (${r.gcMs.toFixed(1)} ms)`);
    for (const [what, span] of [["apply", r.apply], ["render", r.render]]) {
      say(`  ${what}: ${((span[1] - span[0]) / 1000).toFixed(1)} ms wall`);
      for (const s of mainSlices) {
        if (!inside(span, s) || s.dur / 1000 < detail) continue;
        const t = s.tdur === undefined ? "" : ` cpu ${(s.tdur / 1000).toFixed(1)}`;
        const data = s.args?.data?.functionName ?? s.args?.data?.url?.split("/").pop() ?? "";
        say(`    ${"  ".repeat(s.depth)}${s.name}${data ? ` [${data}]` : ""}: wall ${(s.dur / 1000).toFixed(1)}${t}`);
      }
      for (const g of gpuThreads) {
        const busy = g.slices.filter((s) => s.depth === 0 && inside(span, s));
        const ms = busy.reduce((n, s) => n + Math.min(s.ts + s.dur, span[1]) - Math.max(s.ts, span[0]), 0) / 1000;
        if (busy.length) say(`    (${g.name}: busy ${ms.toFixed(1)} ms of it, ${busy.slice(0, 3).map((s) => `${s.name} ${(s.dur / 1000).toFixed(0)}`).join(", ")})`);
      }
    }
  }
  // Every major GC's pause on the main thread during the trace, inside a change or not: its wall and CPU time
  // (what shrinks when the heap holds fewer objects), with its reason where the trace says it.
  const pauses = mainSlices.filter((s) => s.name === "MajorGC");
  for (const g of pauses) {
    const parts = mainSlices.filter((s) => s.parent === g && s.tdur !== undefined && s.tdur >= 1000).map((s) => `${s.name} ${(s.tdur / 1000).toFixed(1)}`);
    say(`major GC at ${((g.ts - changes[0].apply[0]) / 1000).toFixed(0)} ms: wall ${(g.dur / 1000).toFixed(1)} cpu ${((g.tdur ?? 0) / 1000).toFixed(1)} ms, reason ${g.args?.reason ?? g.args?.data?.reason ?? "?"}${parts.length ? `; ${parts.join(", ")}` : ""}`);
  }
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  const walls = sorted(rows.map((r) => r.wall));
  const threads = sorted(rows.map((r) => r.thread));
  const figures = {
    traceChanges: rows.length,
    traceWallMedianMs: walls[Math.floor(walls.length / 2)] ?? NaN,
    traceWallMaxMs: walls.at(-1) ?? NaN,
    traceWallOver16: walls.filter((v) => v > 16).length,
    traceThreadMedianMs: threads[Math.floor(threads.length / 2)] ?? NaN,
    traceThreadMaxMs: threads.at(-1) ?? NaN,
    traceThreadOver16: threads.filter((v) => v > 16).length,
    traceThreadLoose: rows.filter((r) => r.loose).length,
    traceGcInChanges: rows.reduce((n, r) => n + r.gcCount, 0),
    traceGcMsInChanges: rows.reduce((n, r) => n + r.gcMs, 0),
    traceMajorGcs: pauses.length,
    traceMajorGcMaxCpuMs: pauses.length ? Math.max(...pauses.map((g) => (g.tdur ?? 0) / 1000)) : 0,
    traceMajorGcMaxWallMs: pauses.length ? Math.max(...pauses.map((g) => g.dur / 1000)) : 0,
  };
  say(`${rows.length} changes: wall median ${figures.traceWallMedianMs.toFixed(1)} max ${figures.traceWallMaxMs.toFixed(1)} ms, ${figures.traceWallOver16} over 16; `
    + `main-thread CPU median ${figures.traceThreadMedianMs.toFixed(1)} max ${figures.traceThreadMaxMs.toFixed(1)} ms, ${figures.traceThreadOver16} over 16; `
    + `${figures.traceGcInChanges} GCs inside them (${figures.traceGcMsInChanges.toFixed(1)} ms)`);
  if (!quiet) for (const line of lines) console.log(line);
  return { figures, lines, rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const file = args.find((a) => !a.startsWith("--") && !/^[\d.]+$/.test(a));
  summarize(JSON.parse(readFileSync(file, "utf8")), { over: option("over", 16), detail: option("detail", 0.3) });
}
