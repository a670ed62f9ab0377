import type { ExplorerGraph } from "./model";

// Edges that join the same two nodes (either way round: "United States PROVIDED_AID_TO Haiti" and "United States
// PARTNERED_WITH Haiti") would be drawn as one straight line, the later one over the other: only one could be
// seen, hovered or clicked. Such edges are drawn as curves bending apart (@sigma/edge-curve's program), spread
// evenly on both sides of the straight line; with an odd count the middle one stays straight. The order is the
// edge ids', so every tab bends the same edge the same way. An edge alone between its ends is straight (0).

/**
 * Where @sigma/edge-curve puts a curve's control point, from the middle of its two ends: the curvature times the
 * edge's length, to the left of its direction on screen (y down). The curve's apex is half-way there.
 */
export function controlOffset(source: { x: number; y: number }, target: { x: number; y: number }, curvature: number): { x: number; y: number } {
  return { x: (target.y - source.y) * curvature, y: -(target.x - source.x) * curvature };
}

/** Curvature between neighbours in a bundle (the control point's offset, as a share of the edge's length). */
export const CURVATURE_STEP = 0.6;

/** The curvature of each of `edges` (all joining `low` and another node), in the edge's own direction. */
export function bundleCurvatures(edges: readonly { id: string; source: string }[], low: string): Map<string, number> {
  const sorted = [...edges].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const middle = (sorted.length - 1) / 2;
  const curvatures = new Map<string, number>();
  sorted.forEach((edge, i) => {
    // Offsets are measured from `low` to the other end; an edge the other way round bends by the opposite sign.
    const offset = (i - middle) * CURVATURE_STEP;
    curvatures.set(edge.id, offset === 0 ? 0 : edge.source === low ? offset : -offset);
  });
  return curvatures;
}

/**
 * Each drawn edge's curvature, kept as the graph changes: an edge added or dropped between two nodes that other
 * edges join changes those edges' curvatures, and `changed` is told which (the added edge itself is drawn with its
 * own when sigma reduces it).
 */
export class ParallelEdges {
  private readonly cache = new Map<string, number>();

  constructor(private readonly graph: ExplorerGraph, changed: (edges: string[]) => void) {
    const update = (key: string, source: string, target: string) => {
      const before = this.bundle(source, target).map((id) => [id, this.cache.get(id)] as const);
      this.cache.delete(key);
      for (const [id] of before) this.cache.delete(id);
      const moved = before.filter(([id, curvature]) => id !== key && curvature !== undefined && curvature !== this.curvature(id));
      if (moved.length > 0) changed(moved.map(([id]) => id));
    };
    graph.on("edgeAdded", ({ key, source, target }) => update(key, source, target));
    graph.on("edgeDropped", ({ key, source, target }) => update(key, source, target));
    graph.on("cleared", () => this.cache.clear());
    graph.on("edgesCleared", () => this.cache.clear());
  }

  /** The edge's curvature: 0 (straight) unless another edge joins its two ends. */
  curvature(edge: string): number {
    const known = this.cache.get(edge);
    if (known !== undefined) return known;
    const source = this.graph.source(edge);
    const target = this.graph.target(edge);
    const ids = this.bundle(source, target);
    const low = source < target ? source : target;
    const curvatures = ids.length < 2 ? new Map([[edge, 0]]) : bundleCurvatures(ids.map((id) => ({ id, source: this.graph.source(id) })), low);
    for (const [id, curvature] of curvatures) this.cache.set(id, curvature);
    return curvatures.get(edge) ?? 0;
  }

  /** The edges joining these two nodes, either way round (a loop: none drawn apart, sigma does not draw loops). */
  private bundle(source: string, target: string): string[] {
    if (source === target || !this.graph.hasNode(source) || !this.graph.hasNode(target)) return [];
    // (graphology's edges(a, b) on a directed multi graph gives both directions already; the set keeps each once.)
    return [...new Set([...this.graph.edges(source, target), ...this.graph.edges(target, source)])];
  }
}
