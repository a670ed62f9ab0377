import Graph from "graphology";
import type { EdgeRecord, NodeKind, NodeRecord } from "./types";

// The graph model. The canvas shows exactly `graph`; sigma renders it, reducers style it.
// The view is a union of parts (the query's result, each expansion, things that arrived live), each a set of
// ids; records hold the newest known version of every node and edge. sync() makes the graph equal to
// that union: collapsing an expansion drops what only it brought, and a live update never gets reverted
// by an older copy held by a part.

export interface NodeAttributes {
  label: string;
  kind: NodeKind;
  color: string;
  size: number;
  x: number;
  y: number;
  /** Pinned by the analyst: the layout leaves it where it was dropped. */
  fixed?: boolean;
}

export interface EdgeAttributes {
  type: string;
  color: string;
  /** The review status: Confirmed, Proposed or Disputed. */
  status?: string;
}

/** Every edge's drawn width (the renderer's reducer widens some); not stored per edge. */
export const EDGE_SIZE = 1.5;

const edgeAttributesByLook = new Map<string, EdgeAttributes>();

/**
 * The attributes of every edge with this type and review status: one object, shared, instead of one per edge (50k
 * at 50k edges). Frozen: an edge whose type or status changes gets another object (ViewModel.mergeEdge replaces
 * attributes, never merges into them), and anything writing into one throws instead of restyling other edges.
 */
export function sharedEdgeAttributes(type: string, status: string): EdgeAttributes {
  const key = `${type}\u0000${status}`;
  let attributes = edgeAttributesByLook.get(key);
  if (!attributes) {
    attributes = Object.freeze({ type, color: STATUS_COLORS[status] ?? EDGE_COLOR, status });
    edgeAttributesByLook.set(key, attributes);
  }
  return attributes;
}

export type ExplorerGraph = Graph<NodeAttributes, EdgeAttributes>;

export const KIND_COLORS: Record<NodeKind, string> = {
  Nation: "#1f6fb2",
  Organization: "#c0392b",
  Mission: "#1e8449",
  Region: "#7d3c98",
  Theme: "#935f00",
};

export const EDGE_COLOR = "#9aa5b1";

/** Edges not (yet) confirmed by review are drawn apart: proposed amber, disputed red. */
export const STATUS_COLORS: Record<string, string> = { Proposed: "#d48806", Disputed: "#c0392b" };

/**
 * The heap switch (the page benchmark's before/after, bench.ts lean=0): false keeps what this pass changed to hold
 * fewer JS objects per node and edge as it was (adjacency objects in fast mode, a label and a size stored on
 * every edge, the reducers' display data as literals).
 */
export const lean = { on: true };

export function createGraph(): ExplorerGraph {
  if (lean.on) dictionaryAdjacency();
  return new Graph<NodeAttributes, EdgeAttributes>({ multi: true, type: "directed", allowSelfLoops: true });
}

/**
 * graphology keeps each node's in- and out-neighbors in two plain objects keyed by neighbor id. V8 gives every such
 * object a hidden class of its own (no two nodes have the same neighbors in the same order), with a descriptor
 * array, an enum cache and a transition chain: at 10k nodes, ~120k objects of bookkeeping that every major GC
 * marks and moves. Started in dictionary mode (a hash table: two objects each), they stay there. A V8 matter: the
 * objects behave the same either way. graphology (pinned) makes them in its node data's clear(), which this wraps.
 */
function dictionaryAdjacency(): void {
  const probe = new Graph({ multi: true, type: "directed" });
  probe.addNode("probe");
  const nodeData = (probe as unknown as { _nodes: Map<string, object> })._nodes.get("probe");
  const proto = nodeData && (Object.getPrototypeOf(nodeData) as { clear?: () => void; dictionaryAdjacency?: boolean });
  if (!proto?.clear || proto.dictionaryAdjacency) return;
  const clear = proto.clear;
  proto.clear = function (this: { in?: object; out?: object }) {
    clear.call(this);
    if (this.in !== undefined) this.in = dictionary();
    if (this.out !== undefined) this.out = dictionary();
  };
  proto.dictionaryAdjacency = true;
}

/**
 * An empty plain object in dictionary mode: V8 makes an object without a prototype in that mode, with a small
 * table (~70 bytes with five neighbors; an object normalized by a delete starts at ~300), and it stays there when
 * given Object's prototype back (graphology calls hasOwnProperty on it).
 */
function dictionary(): object {
  return Object.setPrototypeOf(Object.create(null), Object.prototype) as object;
}

/** ViewModel.place's scratch extent (reused: place is not re-entrant). */
const PLACE_EXTENT = new Float64Array(4);

interface Part {
  nodes: Set<string>;
  edges: Set<string>;
}

export const LIVE_PART = "live";
export const QUERY_PART = "query";

export class ViewModel {
  readonly graph: ExplorerGraph;
  readonly nodes = new Map<string, NodeRecord>();
  readonly edges = new Map<string, EdgeRecord>();
  private readonly parts = new Map<string, Part>();
  /** Nodes the analyst collapsed away; they stay out even when a part holds them. */
  readonly hidden = new Set<string>();
  private random: () => number;

  constructor(graph: ExplorerGraph = createGraph(), random: () => number = Math.random) {
    this.graph = graph;
    this.random = random;
  }

  /** Adds records to a part (creating it) and to the record cache. */
  addToPart(key: string, nodes: readonly NodeRecord[], edges: readonly EdgeRecord[]): void {
    const part = this.part(key);
    for (const node of nodes) {
      this.nodes.set(node.id, node);
      part.nodes.add(node.id);
    }
    for (const edge of edges) {
      this.shareEnds(edge);
      this.edges.set(edge.id, edge);
      part.edges.add(edge.id);
    }
  }

  /**
   * Points an edge record's ends at its nodes' own id strings when those are known: one string per node, not one
   * per edge end (a record parsed from JSON, or built from a template, holds copies of its own).
   */
  private shareEnds(edge: EdgeRecord): void {
    if (!lean.on) return;
    const source = this.nodes.get(edge.source)?.id;
    if (source !== undefined) edge.source = source;
    const target = this.nodes.get(edge.target)?.id;
    if (target !== undefined) edge.target = target;
  }

  hasPart(key: string): boolean {
    return this.parts.has(key);
  }

  dropPart(key: string): void {
    this.parts.delete(key);
  }

  /** Drops every part whose key starts with the prefix ("x:nato" drops "x:nato" and its pages). */
  dropParts(prefix: string): void {
    for (const key of [...this.parts.keys()]) {
      if (key === prefix || key.startsWith(prefix + "#")) this.parts.delete(key);
    }
  }

  clear(): void {
    this.parts.clear();
    this.hidden.clear();
    this.graph.clear();
  }

  partKeys(): string[] {
    return [...this.parts.keys()];
  }

  /** Makes the graph equal to the union of the parts, minus hidden nodes. Returns the ids of nodes it added. */
  sync(): string[] {
    const wantedNodes = new Set<string>();
    const wantedEdges = new Set<string>();
    for (const part of this.parts.values()) {
      for (const id of part.nodes) if (!this.hidden.has(id) && this.nodes.has(id)) wantedNodes.add(id);
      for (const id of part.edges) wantedEdges.add(id);
    }

    this.graph.forEachNode((id) => {
      if (!wantedNodes.has(id)) this.graph.dropNode(id);
    });
    this.graph.forEachEdge((id) => {
      if (!wantedEdges.has(id)) this.graph.dropEdge(id);
    });

    const added: string[] = [];
    for (const id of wantedNodes) {
      if (!this.graph.hasNode(id)) added.push(id);
      this.mergeNode(this.nodes.get(id)!);
    }
    for (const id of wantedEdges) {
      const edge = this.edges.get(id);
      if (edge && wantedNodes.has(edge.source) && wantedNodes.has(edge.target)) this.mergeEdge(edge);
    }
    this.place(added);
    return added;
  }

  /** Upserts a node's attributes (keeping its position). Idempotent. */
  mergeNode(record: NodeRecord): void {
    const existing = this.graph.hasNode(record.id) ? this.graph.getNodeAttributes(record.id) : null;
    this.graph.mergeNode(record.id, {
      label: record.name,
      kind: record.kind,
      color: KIND_COLORS[record.kind] ?? "#555",
      size: existing?.size ?? 6,
      x: existing?.x ?? 0,
      y: existing?.y ?? 0,
    });
  }

  /** Upserts an edge whose endpoints are both in the graph. Idempotent. */
  mergeEdge(record: EdgeRecord): boolean {
    if (!this.graph.hasNode(record.source) || !this.graph.hasNode(record.target)) return false;
    let shown = this.graph.hasEdge(record.id);
    if (shown) {
      const [source, target] = this.graph.extremities(record.id);
      if (source !== record.source || target !== record.target) {
        this.graph.dropEdge(record.id);
        shown = false;
      }
    }
    const status = record.status ?? "Confirmed";
    if (!lean.on) {
      // Before this pass: an attributes object of its own per edge, with a label and a size the reducer makes anyway.
      this.graph.mergeEdgeWithKey(record.id, record.source, record.target, {
        type: record.type, label: record.type, size: EDGE_SIZE, color: STATUS_COLORS[status] ?? EDGE_COLOR, status,
      } as EdgeAttributes);
      return true;
    }
    const attributes = sharedEdgeAttributes(record.type, status);
    if (shown) this.graph.replaceEdgeAttributes(record.id, attributes);
    else this.graph.addEdgeWithKey(record.id, record.source, record.target, attributes);
    return true;
  }

  /** Puts new nodes next to a neighbor already placed, or on a ring around the drawing. */
  place(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const fresh = new Set(ids);
    // The drawing's extent (min x, max x, min y, max y) in a typed array: kept in variables the callback assigns,
    // each of the 4 doubles per node would be a new heap number (~0.5 MB of garbage per live node at 10k nodes).
    const extent = PLACE_EXTENT;
    extent[0] = Infinity; extent[1] = -Infinity; extent[2] = Infinity; extent[3] = -Infinity;
    this.graph.forEachNode((id, a) => {
      if (fresh.has(id)) return;
      const x = a.x, y = a.y;
      if (x < extent[0]!) extent[0] = x;
      if (x > extent[1]!) extent[1] = x;
      if (y < extent[2]!) extent[2] = y;
      if (y > extent[3]!) extent[3] = y;
    });
    const minX = extent[0]!, maxX = extent[1]!, minY = extent[2]!, maxY = extent[3]!;
    const empty = !Number.isFinite(minX);
    const spread = empty ? 100 : Math.max(10, maxX - minX, maxY - minY);
    const cx = empty ? 0 : (minX + maxX) / 2;
    const cy = empty ? 0 : (minY + maxY) / 2;
    let index = 0;
    for (const id of ids) {
      const anchor = this.graph.neighbors(id).find((n) => !fresh.has(n));
      const angle = this.random() * 2 * Math.PI;
      if (anchor) {
        const a = this.graph.getNodeAttributes(anchor);
        const r = spread * (0.05 + 0.1 * this.random());
        this.graph.mergeNodeAttributes(id, { x: a.x + r * Math.cos(angle), y: a.y + r * Math.sin(angle) });
      } else {
        const r = empty ? spread * Math.sqrt((index + 1) / ids.length) : spread * (0.55 + 0.2 * this.random());
        this.graph.mergeNodeAttributes(id, { x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle) });
      }
      index++;
    }
  }

  // ----- live deltas (idempotent) -----

  /** A node's new state: updates it where shown, adds it to the view when new. */
  upsertNode(record: NodeRecord, addIfAbsent: boolean): boolean {
    this.nodes.set(record.id, record);
    if (this.graph.hasNode(record.id)) {
      this.mergeNode(record);
      return true;
    }
    if (!addIfAbsent || this.hidden.has(record.id)) return false;
    this.part(LIVE_PART).nodes.add(record.id);
    this.mergeNode(record);
    this.place([record.id]);
    return true;
  }

  removeNode(id: string): boolean {
    this.nodes.delete(id);
    for (const part of this.parts.values()) part.nodes.delete(id);
    if (!this.graph.hasNode(id)) return false;
    this.graph.dropNode(id);
    return true;
  }

  /**
   * An edge's new state. Shown when both ends are; returns the ids of missing ends to fetch when exactly
   * one end is shown (so the change becomes visible), else [].
   */
  upsertEdge(record: EdgeRecord): { shown: boolean; missing: string[] } {
    this.shareEnds(record);
    this.edges.set(record.id, record);
    const hasSource = this.graph.hasNode(record.source);
    const hasTarget = this.graph.hasNode(record.target);
    if (hasSource && hasTarget) {
      this.part(LIVE_PART).edges.add(record.id);
      return { shown: this.mergeEdge(record), missing: [] };
    }
    if (this.graph.hasEdge(record.id)) this.graph.dropEdge(record.id);
    if (!hasSource && !hasTarget) return { shown: false, missing: [] };
    return { shown: false, missing: [hasSource ? record.target : record.source] };
  }

  removeEdge(id: string): boolean {
    this.edges.delete(id);
    for (const part of this.parts.values()) part.edges.delete(id);
    if (!this.graph.hasEdge(id)) return false;
    this.graph.dropEdge(id);
    return true;
  }

  private part(key: string): Part {
    let part = this.parts.get(key);
    if (!part) {
      part = { nodes: new Set(), edges: new Set() };
      this.parts.set(key, part);
    }
    return part;
  }
}
