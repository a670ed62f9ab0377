// Reads a V8 heap snapshot (the JSON CDP's HeapProfiler.takeHeapSnapshot streams) and says what the page's JS
// heap holds: objects counted by kind and constructor, with their shallow sizes. A major GC's pause grows with
// the live objects it marks and moves; this is what to make fewer of.
//   node bench/heap.mjs heap-10000.heapsnapshot [--top 40] [--retainers 8]
// --retainers N: for the N largest groups, what holds their objects (the holder's group and the field's name).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** @returns figures (heap totals for run.mjs) and lines (the report: the groups with the most objects) */
export function summarizeHeap(snapshot, { top = 40, retainers = 0 } = {}) {
  const meta = snapshot.snapshot.meta;
  const fields = meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const types = meta.node_types[typeAt];
  const { nodes, strings } = snapshot;
  const groups = new Map();
  /** Each node's group key (by node index), for --retainers. */
  const keys = [];
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const size = nodes[i + sizeAt];
    // Entries of no size are the snapshot's own (small integers, the texts of numbers), not objects in the heap.
    if (size === 0) continue;
    const type = types[nodes[i + typeAt]];
    // Strings are grouped by kind, not by their text; objects by constructor; the rest by kind and name.
    const name = type === "string" || type === "concatenated string" || type === "sliced string" || type === "number" ? "" : strings[nodes[i + nameAt]];
    const key = `${type} ${name.length > 60 ? name.slice(0, 60) + "…" : name}`;
    keys[i / width] = key;
    const g = groups.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += size;
    groups.set(key, g);
    count++;
    bytes += size;
  }
  const lines = [`heap: ${count} objects, ${(bytes / 2 ** 20).toFixed(1)} MiB shallow`];
  for (const [key, g] of [...groups].sort((a, b) => b[1].count - a[1].count).slice(0, top)) {
    lines.push(`${String(g.count).padStart(9)} ${(g.bytes / 2 ** 20).toFixed(2).padStart(7)} MiB  ${key}`);
  }
  if (retainers > 0) {
    const wanted = new Set([...groups].sort((a, b) => b[1].count - a[1].count).slice(0, retainers).map(([key]) => key));
    const edgeFields = meta.edge_fields;
    const edgeWidth = edgeFields.length;
    const edgeTypes = meta.edge_types[edgeFields.indexOf("type")];
    const [typeOf, nameOf, toOf] = ["type", "name_or_index", "to_node"].map((f) => edgeFields.indexOf(f));
    const edgeCountAt = fields.indexOf("edge_count");
    const held = new Map();
    let e = 0;
    for (let i = 0; i < nodes.length; i += width) {
      const owner = keys[i / width] ?? `${types[nodes[i + typeAt]]} ${strings[nodes[i + nameAt]]}`.slice(0, 60);
      for (let k = 0; k < nodes[i + edgeCountAt]; k++, e += edgeWidth) {
        const edgeType = edgeTypes[snapshot.edges[e + typeOf]];
        if (edgeType === "weak" || edgeType === "shortcut") continue;
        const target = keys[snapshot.edges[e + toOf] / width];
        if (!target || !wanted.has(target)) continue;
        const edgeName = edgeType === "element" || edgeType === "hidden" ? `[${edgeType}]` : String(strings[snapshot.edges[e + nameOf]]).slice(0, 30);
        const key = `${target}  <-  ${owner}.${edgeName}`;
        held.set(key, (held.get(key) ?? 0) + 1);
      }
    }
    lines.push("what holds them (target <- holder.field):");
    for (const [key, n] of [...held].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${String(n).padStart(9)}  ${key}`);
  }
  return { figures: { heapObjects: count, heapMiB: bytes / 2 ** 20 }, lines };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const file = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
  for (const line of summarizeHeap(JSON.parse(readFileSync(file, "utf8")), { top: option("top", 40), retainers: option("retainers", 0) }).lines) console.log(line);
}
