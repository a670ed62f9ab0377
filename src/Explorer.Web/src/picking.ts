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
