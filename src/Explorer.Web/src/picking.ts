// sigma's picking index, held in two arrays. sigma maps the id a node or edge is drawn with in its picking pass
// (the colour under the pointer) to that node or edge with an object per node and edge ({ type, id }): 60k objects
// at 10k nodes / 50k edges, live for as long as the graph is shown, each marked and moved by every major garbage
// collection. sigma reads the index only when the pointer picks (getNodeAtPosition / getEdgeAtPosition), and
// partial.ts writes it for an item added or removed live; a read here makes a fresh { type, id }.

export interface PickedItem {
  type: "node" | "edge";
  id: string;
}

export type PickingIndex = Record<number, PickedItem>;

/** An index with sigma's object interface (index[id], index[id] = item, delete index[id]) over two arrays. */
export function compactPickingIndex(): PickingIndex {
  const ids: (string | undefined)[] = [];
  let edges = new Uint8Array(1024);
  const at = (property: string | symbol): number => (typeof property === "string" && /^\d+$/.test(property) ? Number(property) : -1);
  return new Proxy({} as PickingIndex, {
    get(_, property) {
      const i = at(property);
      const id = i >= 0 ? ids[i] : undefined;
      return id === undefined ? undefined : { type: edges[i] === 1 ? "edge" : "node", id };
    },
    set(_, property, item: PickedItem) {
      const i = at(property);
      if (i < 0) return false;
      if (i >= edges.length) {
        const grown = new Uint8Array(Math.max(i + 1, edges.length * 2));
        grown.set(edges);
        edges = grown;
      }
      ids[i] = item.id;
      edges[i] = item.type === "edge" ? 1 : 0;
      return true;
    },
    deleteProperty(_, property) {
      const i = at(property);
      if (i >= 0 && i < ids.length) ids[i] = undefined;
      return true;
    },
    has(_, property) {
      const i = at(property);
      return i >= 0 && ids[i] !== undefined;
    },
  });
}

// The colour an item is drawn with in sigma's picking pass, from its picking id. sigma's indexToColor caches each
// id's colour in a module-private object for as long as the page lives: one heap number per node and edge (60k
// at 10k nodes / 50k edges), which every major GC marks and moves, and one more for every id a live change takes.
// Computing it costs a few integer operations and two typed-array accesses; programs.ts writes it instead.
const pickingBytes = new Int32Array(1);
const pickingFloat = new Float32Array(pickingBytes.buffer);

/** sigma 3.0.3's indexToColor(index), bit for bit, without its cache (test/heap.test.ts compares them). */
export function pickingColor(index: number): number {
  const r = (index & 0x00ff0000) >>> 16;
  const g = (index & 0x0000ff00) >>> 8;
  const b = index & 0x000000ff;
  // Alpha is 255 as sigma writes it, with its lowest bit cleared (sigma's rgbaToFloat masking).
  pickingBytes[0] = ((0xff << 24) | (b << 16) | (g << 8) | r) & 0xfeffffff;
  return pickingFloat[0]!;
}
