import { describe, expect, it } from "vitest";
import { createGraph, lean } from "../src/model";
import { compactPickingIndex } from "../src/picking";

describe("compact picking index", () => {
  it("answers as sigma's object of { type, id } does, for writes, overwrites and deletions", () => {
    const index = compactPickingIndex();
    const plain: Record<number, { type: "node" | "edge"; id: string }> = {};
    const write = (at: number, item: { type: "node" | "edge"; id: string }) => {
      index[at] = item;
      plain[at] = item;
    };
    for (let i = 1; i <= 3000; i++) write(i, i <= 1000 ? { type: "node", id: `n${i}` } : { type: "edge", id: `e${i}` });
    write(5000, { type: "edge", id: "late" });
    write(7, { type: "edge", id: "reused" });
    delete index[9];
    delete plain[9];
    for (const at of [0, 1, 7, 9, 1000, 1001, 2999, 3000, 3001, 4999, 5000, 5001]) {
      expect(index[at]).toEqual(plain[at]);
      expect(at in index).toBe(at in plain);
    }
    expect((index as unknown as Record<string, unknown>)["then"]).toBeUndefined();
  });
});

describe("graphology adjacency in dictionary mode", () => {
  it("keeps neighbors, edges and their order as graphology's own objects do", () => {
    const build = (dictionary: boolean) => {
      lean.on = dictionary;
      const graph = createGraph();
      for (let i = 0; i < 40; i++) graph.addNode(`n${i}`, { label: "", kind: "Nation", color: "", size: 1, x: 0, y: 0 });
      for (let i = 0; i < 200; i++) graph.addEdgeWithKey(`e${i}`, `n${(i * 7) % 40}`, `n${(i * 13 + 1) % 40}`, { type: "T", color: "" });
      graph.dropNode("n5");
      graph.dropEdge("e3");
      graph.clearEdges();
      for (let i = 0; i < 100; i++) graph.addEdgeWithKey(`f${i}`, `n${(i * 3) % 40 === 5 ? 6 : (i * 3) % 40}`, `n${(i * 11) % 40 === 5 ? 7 : (i * 11) % 40}`, { type: "T", color: "" });
      graph.dropEdge("f9");
      const nodeData = (graph as unknown as { _nodes: Map<string, { out: object }> })._nodes.get("n1")!;
      const patched = (Object.getPrototypeOf(nodeData) as { dictionaryAdjacency?: boolean }).dictionaryAdjacency === true;
      return { patched, adjacency: graph.mapNodes((n) => [n, graph.outNeighbors(n), graph.inNeighbors(n), graph.edges(n), graph.hasDirectedEdge(n, "n6")]) };
    };
    // graphology's own objects first: the wrapper, once in place, serves every graph made after it.
    const own = build(false);
    const dictionary = build(true);
    lean.on = true;
    expect(own.patched).toBe(false);
    expect(dictionary.patched).toBe(true);
    expect(dictionary.adjacency).toEqual(own.adjacency);
    expect(dictionary.adjacency.filter(([, , , edges]) => (edges as string[]).length >= 5).length).toBeGreaterThan(5);
  });
});
