import { describe, expect, it } from "vitest";
import { createGraph, EDGE_COLOR, lean, QUERY_PART, STATUS_COLORS, ViewModel } from "../src/model";
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

describe("edges sharing their attributes and their ends' id strings", () => {
  const node = (id: string) => ({ id, kind: "Nation" as const, name: id, aliases: [], description: "" });
  const edge = (id: string, source: string, target: string, status?: "Proposed" | "Confirmed") =>
    ({ id, type: "MEMBER_OF", source: `${source}`, target: `${target}`, evidence: [], ...(status ? { status } : {}) });

  it("restyles only the edge whose status changed, and moves an edge whose ends changed", () => {
    const model = new ViewModel(undefined, () => 0.5);
    model.addToPart(QUERY_PART, ["a", "b", "c"].map(node), [edge("e1", "a", "b"), edge("e2", "b", "c"), edge("e3", "a", "c", "Proposed")]);
    model.sync();
    const graph = model.graph;
    expect(graph.getEdgeAttributes("e1")).toBe(graph.getEdgeAttributes("e2"));
    expect(graph.getEdgeAttribute("e3", "color")).toBe(STATUS_COLORS["Proposed"]);

    model.upsertEdge(edge("e1", "a", "b", "Proposed"));
    expect(graph.getEdgeAttributes("e1")).toEqual({ type: "MEMBER_OF", color: STATUS_COLORS["Proposed"], status: "Proposed" });
    expect(graph.getEdgeAttributes("e2")).toEqual({ type: "MEMBER_OF", color: EDGE_COLOR, status: "Confirmed" });

    model.upsertEdge(edge("e2", "c", "a"));
    expect(graph.extremities("e2")).toEqual(["c", "a"]);
    expect(graph.getEdgeAttribute("e2", "status")).toBe("Confirmed");
    expect(() => (graph.getEdgeAttributes("e2") as { color: string }).color = "red").toThrow();
  });

  it("keeps an edge record's ends when it points them at its nodes' id strings", () => {
    // (Which string object a record holds shows only in a heap snapshot: bench HEAP=..., strings per edge.)
    const model = new ViewModel(undefined, () => 0.5);
    model.addToPart(QUERY_PART, ["n1", "n2"].map(node), [edge("e", ["n", 1].join(""), ["n", 2].join("")), edge("f", "n2", "elsewhere")]);
    expect([model.edges.get("e")!.source, model.edges.get("e")!.target]).toEqual(["n1", "n2"]);
    expect([model.edges.get("f")!.source, model.edges.get("f")!.target]).toEqual(["n2", "elsewhere"]);
  });
});

describe("picking colours without sigma's cache", () => {
  it("are sigma's indexToColor, bit for bit, for every id a 10k/50k graph takes and beyond", async () => {
    const { indexToColor } = await import("sigma/utils");
    const { pickingColor } = await import("../src/picking");
    const bits = (value: number) => new Uint32Array(Float32Array.of(value).buffer)[0];
    const ids = [0, 1, 255, 256, 65535, 65536, 0xffffff, 0x1000000, 0x7fffffff];
    for (let i = 1; i <= 70000; i++) ids.push(i);
    for (let i = 0; i < 2000; i++) ids.push(Math.floor(((i * 2654435761) % 2 ** 32) / 2 ** 8));
    const differing = ids.filter((id) => bits(pickingColor(id)) !== bits(indexToColor(id)));
    expect(differing).toEqual([]);
  });
});
