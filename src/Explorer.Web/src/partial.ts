import type Sigma from "sigma";
import type { Settings } from "sigma/settings";
import type { EdgeDisplayData, NodeDisplayData } from "sigma/types";
import { createNormalizationFunction, graphExtent, matrixFromCamera } from "sigma/utils";
import { lean, type EdgeAttributes, type ExplorerGraph, type NodeAttributes } from "./model";
import { compactPickingIndex } from "./picking";

// Redrawing only what changed. sigma re-indexes the whole graph (every node and edge through the reducers and
// into the WebGL buffers, ~100 ms at 10k nodes / 50k edges) on any refresh() without a partialGraph, on every
// setSetting(), on every node or edge attribute update (even a rename) and on every node or edge added.
// sigma's own partial refresh (`refresh({ partialGraph, skipIndexation: true })`) re-runs the reducers of the
// given nodes and edges and rewrites only their slots in the buffers. This class uses it:
// - for one node's or edge's attribute update, and for the renderer's transient state (hover, selection...);
// - when a node moves or changes size (a drag, a live node placed next to its neighbor, a degree change), it
//   also rewrites the node's edges and moves its label-grid entry (sigma's index of labels by screen cell);
// - a node or edge added takes a free slot at the end of its program's buffer (programs.ts keeps some).
// A node placed outside the box sigma normalized the graph to is drawn where it is (as sigma does with a custom
// bounding box); the box is recomputed on the next re-index, or before fitting the view (settle()).
// - a node or edge removed has its slot cleared (as sigma draws a hidden item: zeros) and its label-grid entry
//   removed; the slot is reclaimed at the next re-index;
// - a write of every node's position (the layout, which says so in its hints) moves every node and rewrites
//   every slot in place, as sigma's re-index would, without re-running the reducers, re-sorting or re-allocating.
// What still re-indexes, as sigma would: a change of z-order or program type, no free slot left, and any other
// whole-graph write.

/** sigma 3.0.3's members this relies on (not in its public types; the package is pinned). */
interface SigmaInternals {
  activeListeners: Record<string, (payload: { key: string }) => void>;
  settings: Settings;
  needToProcess: boolean;
  customBBox: { x: [number, number]; y: [number, number] } | null;
  nodeExtent: { x: [number, number]; y: [number, number] };
  width: number;
  height: number;
  normalizationFunction: { applyTo(data: { x: number; y: number }): void };
  nodeDataCache: Record<string, NodeDisplayData>;
  edgeDataCache: Record<string, EdgeDisplayData>;
  nodePrograms: Record<string, SlotProgram>;
  edgePrograms: Record<string, SlotProgram>;
  nodeIndices: Record<string, number>;
  edgeIndices: Record<string, number>;
  nodeProgramIndex: Record<string, number>;
  edgeProgramIndex: Record<string, number>;
  itemIDsIndex: Record<number, { type: "node" | "edge"; id: string }>;
  nodeZExtent: [number, number];
  edgeZExtent: [number, number];
  labelGrid: {
    cells: Record<number, { key: string; size: number }[]>;
    getIndex(position: { x: number; y: number }): number;
    add(key: string, size: number, position: { x: number; y: number }): void;
    resizeAndClear(dimensions: { width: number; height: number }, cellSize: number): void;
    organize(): void;
  };
  addNode(key: string): void;
  updateNode(key: string): void;
  removeNode(key: string): void;
  addEdge(key: string): void;
  removeEdge(key: string): void;
  addNodeToProgram(key: string, fingerprint: number, slot: number): void;
  addEdgeToProgram(key: string, fingerprint: number, slot: number): void;
}

/** A program, or a compound of programs (an arrow is a line plus a head) sharing one slot layout. */
interface SlotProgram {
  capacity?: number;
  programs?: { capacity: number }[];
  /** sigma's writer of one slot; a hidden item is written as zeros (drawn as nothing). */
  process(id: number, slot: number, ...data: unknown[]): void;
}

const HIDDEN = { hidden: true };

/** What graphology passes to its event listeners (the fields these handlers read). */
interface GraphEvent {
  key?: string;
  source?: string;
  target?: string;
  hints?: { attributes?: string[] };
}

/** sigma's order of a label-grid cell (LabelCandidate.compare): the bigger first, then by key. */
function drawnFirst(a: { key: string; size: number }, b: { key: string; size: number }): boolean {
  return a.size > b.size || (a.size === b.size && a.key < b.key);
}

/** The camera the label grid is built with (sigma's process() uses a fresh Camera's state). */
const GRID_CAMERA = { x: 0.5, y: 0.5, ratio: 1, angle: 0 };

export class PartialRefresh {
  private readonly internals: SigmaInternals;
  /** Slots in use per program type since the last re-index, and the next free picking id. */
  private readonly usedSlots = { node: new Map<string, number>(), edge: new Map<string, number>() };
  private nextId = 1;
  /** Something was drawn outside the normalized box since the last re-index. */
  private outOfFrame = false;
  /**
   * The label grid's matrix (GRID_CAMERA's), kept while what it is computed from is unchanged: the viewport size,
   * the box the graph is normalized to and the stage padding. Each can change without a re-index (a resize, Fit's
   * custom box), so all are compared on each use; without it sigma computed the matrix afresh for every label.
   */
  private gridMatrixValue: Float32Array | null = null;
  private readonly gridMatrixKey = new Float64Array(7);

  /**
   * @param changed called whenever some node or edge is redrawn with new data (the label layer cached during a
   * camera move is then out of date), with the label-grid cells of the nodes whose display data or cell changed
   * (before and after; labelcache.ts looks at those cells' labels again), or without cells when any may have.
   */
  constructor(private readonly sigma: Sigma<NodeAttributes, EdgeAttributes>, private readonly graph: ExplorerGraph, private readonly changed: (cells?: Iterable<number>) => void = () => {}) {
    this.internals = sigma as unknown as SigmaInternals;
    sigma.on("afterProcess", () => this.countSlots());
    if (!this.internals.needToProcess) this.countSlots();
    // Replace sigma's handlers for one node or edge added, updated or dropped, and for positions written to
    // every node (they re-index everything).
    const listeners = this.internals.activeListeners as unknown as Record<string, (payload: GraphEvent) => void>;
    const replace = (event: "nodeAdded" | "edgeAdded" | "nodeAttributesUpdated" | "edgeAttributesUpdated" | "nodeDropped" | "edgeDropped" | "eachNodeAttributesUpdated", name: string, handler: (payload: GraphEvent, sigmas: (payload: GraphEvent) => void) => void) => {
      const sigmas = listeners[name]!;
      graph.removeListener(event, sigmas);
      listeners[name] = (payload) => handler(payload, sigmas);
      graph.on(event, listeners[name]);
    };
    replace("nodeAttributesUpdated", "updateNodeGraphUpdate", ({ key }) => this.items([key!], []));
    replace("edgeAttributesUpdated", "updateEdgeGraphUpdate", ({ key }) => this.items([], [key!]));
    replace("nodeAdded", "addNodeGraphUpdate", ({ key }) => this.addNode(key!));
    replace("edgeAdded", "addEdgeGraphUpdate", ({ key }) => this.addEdge(key!));
    replace("nodeDropped", "dropNodeGraphUpdate", ({ key }) => this.dropNode(key!));
    replace("edgeDropped", "dropEdgeGraphUpdate", ({ key, source, target }) => this.dropEdge(key!, source!, target!));
    replace("eachNodeAttributesUpdated", "eachNodeAttributesUpdatedGraphUpdate", (payload, sigmas) => {
      const fields = payload.hints?.attributes;
      if (fields && fields.length > 0 && fields.every((f) => f === "x" || f === "y")) this.moveAll();
      else sigmas(payload);
    });
  }

  /** Re-runs the reducers of these nodes and edges and redraws them on the next frame. */
  items(nodes: Iterable<string>, edges: Iterable<string>): void {
    const sigma = this.sigma;
    const nodeIds = [...new Set(nodes)].filter((id) => this.graph.hasNode(id));
    const edgeIds = new Set([...edges].filter((id) => this.graph.hasEdge(id)));
    if (nodeIds.length + edgeIds.size === 0) return;
    if (this.internals.needToProcess) {
      this.changed();
      // A re-index is due anyway: it writes every slot.
      sigma.refresh({ partialGraph: { nodes: nodeIds, edges: [...edgeIds] }, skipIndexation: false, schedule: true });
      return;
    }
    const nodesBefore = nodeIds.map((id) => sigma.getNodeDisplayData(id));
    const edgesBefore = [...edgeIds].map((id) => sigma.getEdgeDisplayData(id));
    try {
      sigma.refresh({ partialGraph: { nodes: nodeIds, edges: [...edgeIds] }, skipIndexation: true, schedule: true });
    } catch {
      // An item without a slot yet (sigma throws "can't be repaint"): only a re-index can place it.
      this.reindex();
      return;
    }
    const reordered = (before: { zIndex?: number; type?: string } | undefined, after: { zIndex?: number; type?: string } | undefined) =>
      !before || !after || before.zIndex !== after.zIndex || before.type !== after.type;
    if ([...edgeIds].some((id, i) => reordered(edgesBefore[i], sigma.getEdgeDisplayData(id)))) return this.reindex();
    // Nodes that moved or changed size: their edges' slots hold their old position and size.
    const moved: string[] = [];
    const cells: number[] = [];
    for (let i = 0; i < nodeIds.length; i++) {
      const id = nodeIds[i]!;
      const before = nodesBefore[i];
      const after = this.internals.nodeDataCache[id];
      if (reordered(before, after)) {
        this.changed();
        return this.reindex();
      }
      cells.push(this.gridCell(after!));
      if (before!.x === after!.x && before!.y === after!.y && before!.size === after!.size) continue;
      cells.push(this.gridCell(before!));
      this.checkFrame(id);
      this.moveLabel(id, before!, after!);
      moved.push(id);
    }
    this.changed(cells);
    const edgesOfMoved: string[] = [];
    for (const id of moved) this.graph.forEachEdge(id, (edge) => {
      if (!edgeIds.has(edge)) edgesOfMoved.push(edge);
    });
    if (edgesOfMoved.length > 0) sigma.refresh({ partialGraph: { edges: edgesOfMoved }, skipIndexation: true, schedule: true });
  }

  /** Re-runs these edges' reducers, then re-indexes: their program may have changed (straight or curved). */
  retype(edges: string[]): void {
    this.changed();
    this.sigma.refresh({ partialGraph: { nodes: [], edges: edges.filter((id) => this.graph.hasEdge(id)) }, skipIndexation: false, schedule: true });
  }

  /** Every node and edge (a new highlight dims them all); a re-index only if z-order changes. */
  all(): void {
    this.items(this.graph.nodes(), this.graph.edges());
  }

  /** Changes a setting that only affects drawing (sigma's setSetting re-indexes the whole graph). */
  setDrawSetting<K extends "renderEdgeLabels" | "renderLabels">(key: K, value: Settings[K]): void {
    if (this.internals.settings[key] === value) return;
    this.internals.settings[key] = value;
    // Edge labels: no node label changes.
    this.changed(key === "renderEdgeLabels" ? [] : undefined);
    this.sigma.scheduleRender();
  }

  // ----- additions -----

  private addNode(key: string): void {
    const internals = this.internals;
    // sigma's own handler: the node's display data (its reducer's output); a re-index does the rest.
    internals.addNode(key);
    if (internals.needToProcess) {
      this.changed();
      return this.reindex();
    }
    internals.updateNode(key);
    const data = internals.nodeDataCache[key]!;
    const slot = this.freeSlot("node", data.type, internals.nodePrograms[data.type]);
    // A node drawn below others needs sigma to re-sort the graph.
    if (slot === null || (internals.settings.zIndex && data.zIndex < internals.nodeZExtent[1])) {
      this.changed();
      return this.reindex();
    }
    this.changed([this.gridCell(data)]);
    this.checkFrame(key);
    const id = this.nextId++;
    internals.nodeIndices[key] = id;
    internals.itemIDsIndex[id] = { type: "node", id: key };
    internals.addNodeToProgram(key, id, slot);
    this.usedSlots.node.set(data.type, slot + 1);
    this.addLabel(key, data);
    this.sigma.scheduleRender();
  }

  private addEdge(key: string): void {
    const internals = this.internals;
    internals.addEdge(key);
    if (internals.needToProcess) return this.reindex();
    const [source, target] = this.graph.extremities(key);
    if (internals.nodeProgramIndex[source] === undefined || internals.nodeProgramIndex[target] === undefined) return this.reindex();
    const data = internals.edgeDataCache[key]!;
    const slot = this.freeSlot("edge", data.type, internals.edgePrograms[data.type]);
    if (slot === null || (internals.settings.zIndex && data.zIndex < internals.edgeZExtent[1])) return this.reindex();
    const id = this.nextId++;
    internals.edgeIndices[key] = id;
    internals.itemIDsIndex[id] = { type: "edge", id: key };
    internals.addEdgeToProgram(key, id, slot);
    this.usedSlots.edge.set(data.type, slot + 1);
    // The ends' sizes follow their degree.
    this.items([source, target], []);
    this.sigma.scheduleRender();
  }

  // ----- removals -----

  /** Nodes whose size follows a degree that removals changed; redrawn together (a hub losing its edges once). */
  private readonly pendingEnds = new Set<string>();

  private dropEdge(key: string, source: string, target: string): void {
    const internals = this.internals;
    // No node label changes here (the ends' sizes are redrawn by items()).
    this.changed([]);
    const data = internals.edgeDataCache[key];
    const slot = internals.edgeProgramIndex[key];
    internals.removeEdge(key);
    if (internals.needToProcess || !data || slot === undefined) return this.reindex();
    internals.edgePrograms[data.type]?.process(0, slot, HIDDEN, HIDDEN, HIDDEN);
    this.forget(internals.edgeIndices, key);
    this.endsChanged(source, target);
    this.sigma.scheduleRender();
  }

  private dropNode(key: string): void {
    const internals = this.internals;
    const data = internals.nodeDataCache[key];
    const slot = internals.nodeProgramIndex[key];
    this.changed(data ? [this.gridCell(data)] : undefined);
    if (internals.needToProcess || !data || slot === undefined) {
      internals.removeNode(key);
      return this.reindex();
    }
    this.removeLabel(key, data);
    internals.removeNode(key);
    internals.nodePrograms[data.type]?.process(0, slot, HIDDEN);
    this.forget(internals.nodeIndices, key);
    this.sigma.scheduleRender();
  }

  private forget(indices: Record<string, number>, key: string): void {
    const id = indices[key];
    delete indices[key];
    if (id !== undefined) delete this.internals.itemIDsIndex[id];
  }

  private endsChanged(...nodes: string[]): void {
    if (this.pendingEnds.size === 0) queueMicrotask(() => {
      const ends = [...this.pendingEnds];
      this.pendingEnds.clear();
      // A node dropped with its edges is gone by now; items() skips it.
      this.items(ends, []);
    });
    for (const node of nodes) this.pendingEnds.add(node);
  }

  // ----- positions -----

  /**
   * Every node got a new position (and nothing else): what sigma's re-index does with positions (extent,
   * normalization, label grid, every slot rewritten in place), without reducers, sorting or re-allocation.
   */
  private moveAll(): void {
    const internals = this.internals;
    this.changed();
    if (internals.needToProcess || !internals.settings.autoRescale) return this.reindex();
    const graph = this.graph;
    const cache = internals.nodeDataCache;
    internals.nodeExtent = graphExtent(graph);
    internals.normalizationFunction = createNormalizationFunction(internals.customBBox || internals.nodeExtent);
    const normalize = internals.normalizationFunction;
    const dimensions = this.sigma.getDimensions();
    const grid = internals.labelGrid;
    grid.resizeAndClear(dimensions, internals.settings.labelGridCellSize);
    const matrix = this.gridMatrix();
    const missing = graph.someNode((id, attributes) => {
      const data = cache[id];
      if (!data || internals.nodeProgramIndex[id] === undefined) return true;
      data.x = attributes.x;
      data.y = attributes.y;
      normalize.applyTo(data);
      if (typeof data.label === "string" && !data.hidden) grid.add(id, data.size, this.sigma.framedGraphToViewport(data, { matrix }));
      internals.addNodeToProgram(id, internals.nodeIndices[id]!, internals.nodeProgramIndex[id]!);
      return false;
    });
    if (missing) return this.reindex();
    grid.organize();
    graph.forEachEdge((id) => internals.addEdgeToProgram(id, internals.edgeIndices[id]!, internals.edgeProgramIndex[id]!));
    this.outOfFrame = false;
    this.sigma.scheduleRender();
  }

  private freeSlot(kind: "node" | "edge", type: string, program: SlotProgram | undefined): number | null {
    if (!program) return null;
    const capacity = program.capacity ?? program.programs?.[0]?.capacity ?? 0;
    const slot = this.usedSlots[kind].get(type) ?? 0;
    return slot < capacity ? slot : null;
  }

  /** After sigma's re-index: slots 0..n-1 of each program hold its n items, picking ids run 1..order+size. */
  private countSlots(): void {
    this.outOfFrame = false;
    const { nodeDataCache, edgeDataCache, nodeProgramIndex, edgeProgramIndex } = this.internals;
    const count = (used: Map<string, number>, type: string, slot: number | undefined) => {
      if (slot !== undefined) used.set(type, Math.max(used.get(type) ?? 0, slot + 1));
    };
    this.usedSlots.node.clear();
    this.usedSlots.edge.clear();
    this.graph.forEachNode((id) => count(this.usedSlots.node, nodeDataCache[id]!.type, nodeProgramIndex[id]));
    this.graph.forEachEdge((id) => count(this.usedSlots.edge, edgeDataCache[id]!.type, edgeProgramIndex[id]));
    this.nextId = this.graph.order + this.graph.size + 1;
    if (lean.on) this.compactPicking();
  }

  /** sigma's picking index (an object per node and edge) as two arrays (picking.ts), filled from its indices. */
  private compactPicking(): void {
    const internals = this.internals;
    const index = compactPickingIndex();
    const { nodeIndices, edgeIndices } = internals;
    this.graph.forEachNode((id) => {
      const at = nodeIndices[id];
      if (at !== undefined) index[at] = { type: "node", id };
    });
    this.graph.forEachEdge((id) => {
      const at = edgeIndices[id];
      if (at !== undefined) index[at] = { type: "edge", id };
    });
    internals.itemIDsIndex = index;
  }

  // ----- the label grid -----

  private gridCell(data: { x: number; y: number }): number {
    return this.internals.labelGrid.getIndex(this.sigma.framedGraphToViewport(data, { matrix: this.gridMatrix() }));
  }

  /** GRID_CAMERA's matrix for the current viewport, normalization box and padding (sigma's getGraphDimensions). */
  private gridMatrix(): Float32Array {
    const { width, height, customBBox, nodeExtent } = this.internals;
    const box = customBBox || nodeExtent;
    const padding = this.sigma.getStagePadding();
    const key = this.gridMatrixKey;
    if (this.gridMatrixValue && key[0] === width && key[1] === height && key[2] === box.x[0] && key[3] === box.x[1]
      && key[4] === box.y[0] && key[5] === box.y[1] && key[6] === padding) return this.gridMatrixValue;
    key[0] = width;
    key[1] = height;
    key[2] = box.x[0];
    key[3] = box.x[1];
    key[4] = box.y[0];
    key[5] = box.y[1];
    key[6] = padding;
    return (this.gridMatrixValue = matrixFromCamera(GRID_CAMERA, { width, height }, this.sigma.getGraphDimensions(), padding));
  }

  private addLabel(key: string, data: NodeDisplayData): void {
    if (typeof data.label !== "string" || data.hidden) return;
    const grid = this.internals.labelGrid;
    grid.add(key, data.size, this.sigma.framedGraphToViewport(data, { matrix: this.gridMatrix() }));
    // Keep the cell in sigma's order (LabelCandidate.compare: biggest first, then by key): the new candidate, pushed
    // last, moved up to its place (a sort of the cell made garbage with each comparison).
    const cell = grid.cells[this.gridCell(data)];
    if (!cell) return;
    let at = cell.length - 1;
    const added = cell[at]!;
    while (at > 0 && drawnFirst(added, cell[at - 1]!)) {
      cell[at] = cell[at - 1]!;
      at--;
    }
    cell[at] = added;
  }

  private moveLabel(key: string, before: NodeDisplayData, after: NodeDisplayData): void {
    this.removeLabel(key, before);
    this.addLabel(key, after);
  }

  private removeLabel(key: string, data: NodeDisplayData): void {
    const cell = this.internals.labelGrid.cells[this.gridCell(data)];
    const index = cell?.findIndex((candidate) => candidate.key === key) ?? -1;
    if (index >= 0) cell!.splice(index, 1);
  }

  /** Notes a node outside the box sigma normalized the graph to (sigma's bounding box of the graph). */
  private checkFrame(key: string): void {
    if (this.internals.customBBox) return;
    const { x, y } = this.graph.getNodeAttributes(key);
    const box = this.sigma.getBBox();
    if (x < box.x[0] || x > box.x[1] || y < box.y[0] || y > box.y[1]) this.outOfFrame = true;
  }

  /** Before fitting the view: re-normalizes if something lies outside the box, so the fit includes it. */
  settle(): void {
    if (this.outOfFrame) this.sigma.refresh({ partialGraph: { nodes: [], edges: [] }, skipIndexation: false });
  }

  private reindex(): void {
    this.sigma.refresh({ partialGraph: { nodes: [], edges: [] }, skipIndexation: false, schedule: true });
  }
}
