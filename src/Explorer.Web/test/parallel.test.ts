import { describe, expect, it } from "vitest";
import { createGraph } from "../src/model";
import { bundleCurvatures, CURVATURE_STEP, ParallelEdges } from "../src/parallel";

describe("bundleCurvatures", () => {
  it("bends two edges the same way round to opposite sides", () => {
    const c = bundleCurvatures([{ id: "b", source: "us" }, { id: "a", source: "us" }], "haiti");
    // Both run us -> haiti, against the low end's direction: signs flipped, still opposite.
    expect(c.get("a")).toBe(CURVATURE_STEP / 2);
    expect(c.get("b")).toBe(-CURVATURE_STEP / 2);
  });

  it("bends two edges of opposite directions apart (each in its own direction)", () => {
    const c = bundleCurvatures([{ id: "a", source: "x" }, { id: "b", source: "y" }], "x");
    // Offsets -step/2 and +step/2 from x's side; b runs y -> x, so its own curvature is the opposite sign,
    // which puts it on the same side of x -> y as its offset says: the two stay apart.
    expect(c.get("a")).toBe(-CURVATURE_STEP / 2);
    expect(c.get("b")).toBe(-CURVATURE_STEP / 2);
  });

  it("keeps the middle one of an odd bundle straight and spreads the others evenly", () => {
    const c = bundleCurvatures(["c", "a", "b"].map((id) => ({ id, source: "x" })), "x");
    expect([c.get("a"), c.get("b"), c.get("c")]).toEqual([-CURVATURE_STEP, 0, CURVATURE_STEP]);
  });
});

describe("ParallelEdges", () => {
  const graph = () => {
    const g = createGraph();
    for (const id of ["us", "haiti", "un"]) g.addNode(id, { x: 0, y: 0, size: 5, label: id, color: "#000", kind: "Nation" } as never);
    return g;
  };

  it("draws an edge alone between its ends straight, and a loop straight", () => {
    const g = graph();
    g.addEdgeWithKey("aid", "us", "haiti", { type: "PROVIDED_AID_TO" } as never);
    g.addEdgeWithKey("loop", "un", "un", { type: "X" } as never);
    const parallel = new ParallelEdges(g, () => {});
    expect(parallel.curvature("aid")).toBe(0);
    expect(parallel.curvature("loop")).toBe(0);
  });

  it("bends an edge apart when another joins its ends, reports it, and straightens it when the other goes", () => {
    const g = graph();
    g.addEdgeWithKey("aid", "us", "haiti", { type: "PROVIDED_AID_TO" } as never);
    const changes: string[][] = [];
    const parallel = new ParallelEdges(g, (edges) => changes.push(edges));
    expect(parallel.curvature("aid")).toBe(0);

    g.addEdgeWithKey("partner", "us", "haiti", { type: "PARTNERED_WITH" } as never);
    // The edge already drawn is reported (it changes program); the new one is reduced with its own curvature.
    expect(changes).toEqual([["aid"]]);
    expect(parallel.curvature("aid")).not.toBe(0);
    expect(parallel.curvature("partner")).toBe(-parallel.curvature("aid"));

    // An edge the other way round joins the bundle: three, the middle one (by id) straight.
    g.addEdgeWithKey("back", "haiti", "us", { type: "PARTNERED_WITH" } as never);
    expect(parallel.curvature("back")).toBe(0);
    expect(new Set([parallel.curvature("aid"), parallel.curvature("partner")]).size).toBe(2);

    changes.length = 0;
    g.dropEdge("partner");
    g.dropEdge("back");
    expect(changes.flat()).toContain("aid");
    expect(parallel.curvature("aid")).toBe(0);
  });

  it("does not report edges elsewhere, nor edges whose curvature did not change", () => {
    const g = graph();
    g.addEdgeWithKey("aid", "us", "haiti", { type: "PROVIDED_AID_TO" } as never);
    g.addEdgeWithKey("member", "haiti", "un", { type: "MEMBER_OF" } as never);
    const changes: string[][] = [];
    const parallel = new ParallelEdges(g, (edges) => changes.push(edges));
    expect(parallel.curvature("aid") + parallel.curvature("member")).toBe(0);
    g.addEdgeWithKey("member2", "un", "us", { type: "SUPPORTS" } as never);
    expect(changes).toEqual([]);
  });
});
