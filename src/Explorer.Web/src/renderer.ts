import Sigma from "sigma";
import type { CameraState, EdgeDisplayData, NodeDisplayData } from "sigma/types";
import { fitInRegions, freeRegions, MAX_FIT_RATIO, MIN_FIT_RATIO, type FitItem, type Rect } from "./fit";
import { EdgeLabelRoom, type Point } from "./edgelabels";
import type { DrawnLabels } from "./export";
import { LabelCache } from "./labelcache";
import { WebGLLayers } from "./layers";
import { separateLabels, type LabelItem } from "./labelroom";
import { chooseLabelSides } from "./labelside";
import { packComponents } from "./pack";
import { drawnLabelStart, edgeAwareHover, edgeAwareLabel, font, settingColor } from "./labels";
import { EDGE_SIZE, lean, STATUS_COLORS, type EdgeAttributes, type ExplorerGraph, type NodeAttributes } from "./model";
import { PartialRefresh } from "./partial";
import { ParallelEdges } from "./parallel";
import { edgeArrowProgram, edgeCurvedArrowProgram, NodeDiscProgram } from "./programs";

// The canvas. Data lives in the graph; everything transient (hover, selection, the highlighted path,
// annotation markers, nodes that just arrived live) is state here, applied by sigma's reducers and made
// visible with a partial refresh of the nodes and edges whose look changed (partial.ts): on a large graph a
// hover, a selection or a live rename costs what changed, not a re-index of the whole graph.
// Nothing here changes the graph except dragging (positions and pins).

const DIM_NODE = "#dfe3e8";
const DIM_LABEL = "#5f6b7a";
const DIM_EDGE = "#eceff2";
const PATH_EDGE = "#17202a";
const FOCUS_EDGE = "#d35400";
const ANNOTATED_EDGE = "#7a6308";
const NEW_NODE_RING = "#f1c40f";
/** Below this camera ratio (zoomed in) every edge shows its type. */
const EDGE_LABEL_ZOOM = 0.45;
/** A view of at most this many nodes gets room for every label, and shows them all (makeRoomForLabels). */
export const LABEL_ALL = 100;
/** More lost WebGL contexts than this within LOSS_WINDOW_MS and the canvas stops starting again. */
const MAX_LOSSES = 3;
const LOSS_WINDOW_MS = 60_000;

// What the reducers give sigma, whole. sigma keeps the reducer's object as the item's display data, after adding
// the fields its defaults fill (hidden, forceLabel, type...). Added to an object literal after its creation, those
// fields are map transitions that V8 shares between all literals of that size; once the page's other objects
// have used up that map's transitions (graphology's adjacency objects do), each such object falls back to a
// dictionary: at 50k edges, 50k hash tables of ~300 bytes, a third of the page's heap, which every major GC
// marks and moves. Instances of these classes have every field from their constructor, on their own map.
class NodeLook {
  hidden = false;
  highlighted = false;
  forceLabel = false;
  type = "circle";
  labelColor: string | undefined = undefined;
  /** The label goes left of the node (labelside.ts). */
  labelLeft = false;
  constructor(public x: number, public y: number, public label: string | null, public color: string, public size: number, public zIndex: number) {}
}

class EdgeLook {
  hidden = false;
  forceLabel = false;
  type = "arrow";
  /** Bent apart from the other edges between the same two nodes ("curved" type; parallel.ts). */
  curvature = 0;
  constructor(public color: string, public size: number, public label: string | null, public zIndex: number) {}
}

export interface Highlight {
  nodes: Set<string>;
  edges: Set<string>;
  /** The path the analyst is looking at, drawn stronger than the others. */
  focusEdges: Set<string>;
}

export interface RendererEvents {
  clickNode(id: string): void;
  clickEdge(id: string): void;
  clickStage(): void;
  pinned(id: string, pinned: boolean): void;
  /** WebGL contexts were lost more often than the canvas starts again for: it stays blank until a reload. */
  drawingLost?(): void;
}

export class Renderer {
  private current: Sigma<NodeAttributes, EdgeAttributes>;
  private readonly attached: ((sigma: Sigma<NodeAttributes, EdgeAttributes>) => void)[] = [];
  /** When WebGL contexts were lost lately (performance.now()). */
  private losses: number[] = [];
  private replacing = false;
  /** Times a lost WebGL context made the canvas start again on a new sigma (the test hook reads it). */
  sigmaReplacements = 0;
  private partial!: PartialRefresh;
  /** Edges drawn as curves, bent apart from others between the same two nodes. */
  private readonly parallel: ParallelEdges;
  labels!: LabelCache;
  /** The node and edge WebGL layers, drawn again only when what they show changed (layers.ts). */
  layers!: WebGLLayers;
  private hoveredNode: string | null = null;
  private hoveredEdge: string | null = null;
  private selectedNode: string | null = null;
  private selectedEdge: string | null = null;
  private highlight: Highlight | null = null;
  private annotationCounts = new Map<string, number>();
  private more = new Map<string, number>();
  private fresh = new Map<string, number>();
  private zoomedIn = false;
  /** Every node's label is drawn (a small view whose nodes were given room for them). */
  private labelAll = false;
  /** On such a view, the nodes whose label is drawn left of them, clear of their edges (labelside.ts). */
  private leftLabels = new Set<string>();
  private measure: CanvasRenderingContext2D | null = null;
  /** Edges whose last reduced display data has a label (a few: a path, a hover, a selection); may hold dropped ones. */
  private readonly labelledEdges = new Set<string>();
  private dragged: string | null = null;
  private dragMoved = false;
  /** Where edge labels go: off node labels; the hovered or selected edge's is drawn even with no free spot. */
  private readonly edgeLabels = new EdgeLabelRoom((edge) => edge === this.hoveredEdge || edge === this.selectedEdge);
  /** What floats over the canvas (the toolbar, the legend), in the canvas's pixels: the view is fitted clear of it. */
  overlays: () => Rect[] = () => [];

  constructor(private readonly graph: ExplorerGraph, private readonly container: HTMLElement, private readonly events: RendererEvents) {
    this.parallel = new ParallelEdges(graph, (edges) => this.partial.retype(edges));
    this.current = this.create();
    // Edge labels on zoom: reducers run on refresh, not on camera moves, so refresh when crossing the line.
    // (On the camera, which outlives a sigma replaced after a lost WebGL context.)
    this.current.getCamera().on("updated", (state) => {
      const zoomedIn = state.ratio < EDGE_LABEL_ZOOM && this.graph.size <= 2000;
      if (zoomedIn !== this.zoomedIn) {
        this.zoomedIn = zoomedIn;
        this.edgeLabelsWanted();
        this.current.scheduleRefresh();
      }
    });
  }

  /** The sigma instance drawing the canvas now: another one replaces it after a lost WebGL context (onSigma). */
  get sigma(): Sigma<NodeAttributes, EdgeAttributes> {
    return this.current;
  }

  /** Runs `attach` on the canvas's sigma now, and again on each one that replaces it (its events; the camera stays). */
  onSigma(attach: (sigma: Sigma<NodeAttributes, EdgeAttributes>) => void): void {
    this.attached.push(attach);
    attach(this.current);
  }

  private create(): Sigma<NodeAttributes, EdgeAttributes> {
    const large = this.graph.size > 5000;
    // Labels near the right edge (the side panel) are drawn left of their node instead of being cut off.
    // (sigma draws once inside its constructor, before this.current is set: no edge to mind then.)
    let sigma: Sigma<NodeAttributes, EdgeAttributes> | undefined;
    const canvasWidth = () => sigma?.getDimensions().width ?? Number.POSITIVE_INFINITY;
    const drawLabel = edgeAwareLabel<NodeAttributes, EdgeAttributes>(canvasWidth);
    sigma = new Sigma<NodeAttributes, EdgeAttributes>(this.graph, this.container, {
      defaultEdgeType: "arrow",
      // sigma's own programs, uploading their buffers only when they changed (programs.ts).
      nodeProgramClasses: { circle: NodeDiscProgram },
      edgeProgramClasses: {
        arrow: edgeArrowProgram<NodeAttributes, EdgeAttributes, object>(),
        curved: edgeCurvedArrowProgram<NodeAttributes, EdgeAttributes, object>(this.edgeLabels.draw),
      },
      // Turned on only while an edge label can show (see edgeLabelsWanted): drawing the edge-label layer
      // walks the edges of every labelled node, which costs most of a frame on large graphs.
      renderEdgeLabels: false,
      enableEdgeEvents: !large,
      zIndex: true,
      labelFont: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
      labelSize: 13,
      labelWeight: "500",
      labelColor: { attribute: "labelColor", color: "#1b2631" },
      edgeLabelFont: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
      edgeLabelSize: 11,
      edgeLabelColor: { color: "#34495e" },
      defaultDrawNodeLabel: drawLabel,
      defaultDrawNodeHover: edgeAwareHover(canvasWidth, drawLabel),
      // Edge labels keep off node labels, discs and the toolbar and legend (edgelabels.ts).
      defaultDrawEdgeLabel: this.edgeLabels.draw,
      labelRenderedSizeThreshold: 7,
      labelDensity: 0.5,
      minCameraRatio: 0.05,
      maxCameraRatio: 10,
      stagePadding: 70,
      nodeReducer: (node, data) => this.reduceNode(node, data),
      edgeReducer: (edge, data) => this.reduceEdge(edge, data),
    });
    this.current = sigma;
    // While the camera moves, the label layers are the last full drawing moved with it (labelcache.ts).
    this.labels = new LabelCache(sigma as unknown as Sigma, () => this.labelledEdges, { room: this.edgeLabels, overlays: () => this.overlays() });
    this.layers = new WebGLLayers(sigma as unknown as Sigma);
    this.partial = new PartialRefresh(sigma, this.graph, (cells) => this.labels.changed(cells));
    this.wireEvents();
    this.watchContexts(sigma);
    return sigma;
  }

  // ----- a lost WebGL context -----

  /**
   * The browser can take a page's WebGL contexts away at any time (a GPU reset or driver update, too many contexts
   * across tabs); their canvases then stay blank for good. sigma cannot rebuild its programs on a restored context,
   * so the canvas gets a new sigma on new canvases, with the same graph, camera and state, at the next frame the
   * page shows (a hidden tab waits until it is shown, so it does not take contexts from the one in view).
   */
  private watchContexts(sigma: Sigma<NodeAttributes, EdgeAttributes>): void {
    const lost = (event: Event) => {
      event.preventDefault();
      if (sigma !== this.current || this.replacing) return;
      this.replacing = true;
      const now = performance.now();
      this.losses = this.losses.filter((at) => now - at < LOSS_WINDOW_MS);
      this.losses.push(now);
      // A context lost again and again (the GPU keeps failing): stop trying, and say so.
      if (this.losses.length > MAX_LOSSES) {
        this.events.drawingLost?.();
        return;
      }
      requestAnimationFrame(() => this.replaceSigma());
    };
    for (const canvas of Object.values(sigma.getCanvases())) canvas.addEventListener("webglcontextlost", lost);
  }

  private replaceSigma(): void {
    const old = this.current;
    // The camera carries over as it is (with an animation under way, and the listeners on it), so the view does
    // not move; sigma's kill leaves it alone apart from sigma's own listener.
    const camera = old.getCamera();
    const box = old.getCustomBBox();
    this.labels.kill();
    old.kill();
    const sigma = this.create();
    sigma.setCamera(camera);
    sigma.setCustomBBox(box);
    this.edgeLabelsWanted();
    for (const attach of this.attached) attach(sigma);
    this.replacing = false;
    this.sigmaReplacements++;
    sigma.refresh();
  }

  // ----- transient state -----

  /** Edge labels show on hover, selection, a highlighted path, or zoomed in on a small graph. */
  private edgeLabelsWanted(): void {
    const wanted = this.highlight !== null || this.hoveredEdge !== null || this.hoveredNode !== null || this.selectedEdge !== null || this.zoomedIn;
    this.partial.setDrawSetting("renderEdgeLabels", wanted);
  }

  setHighlight(highlight: Highlight | null): void {
    if (highlight === null && this.highlight === null) return;
    this.highlight = highlight;
    this.edgeLabelsWanted();
    // Dims or undims everything: every reducer runs (no re-index unless z-order changes, which it does).
    this.partial.all();
  }

  getHighlight(): Highlight | null {
    return this.highlight;
  }

  select(kind: "node" | "edge" | null, id: string | null = null): void {
    const nodes = [this.selectedNode, kind === "node" ? id : null];
    const edges = [this.selectedEdge, kind === "edge" ? id : null];
    this.selectedNode = kind === "node" ? id : null;
    this.selectedEdge = kind === "edge" ? id : null;
    this.edgeLabelsWanted();
    // Around a highlighted path, the selected node's neighborhood is not dimmed: it changes with the selection.
    this.refreshAround(nodes, edges, this.highlight !== null);
  }

  setAnnotationCounts(counts: Map<string, number>): void {
    const changed = [...this.annotationCounts.keys(), ...counts.keys()].filter((e) => this.annotationCounts.get(e) !== counts.get(e));
    this.annotationCounts = counts;
    this.partial.items([], changed);
  }

  /**
   * Nodes with more neighbors than drawn: their labels say "N more". True when a label changed on a view that
   * draws every label (its room and its fit were made for the old widths).
   */
  setMore(more: Map<string, number>): boolean {
    const changed = [...this.more.keys(), ...more.keys()].filter((n) => this.more.get(n) !== more.get(n));
    this.more = more;
    this.partial.items(changed, []);
    return this.labelAll && changed.length > 0;
  }

  /** Refreshes these nodes and edges, and with `neighborhoods` also the nodes' neighbors and edges. */
  private refreshAround(nodes: (string | null)[], edges: (string | null)[], neighborhoods: boolean): void {
    const nodeIds = new Set<string>();
    const edgeIds = new Set<string>();
    for (const id of nodes) {
      if (id === null || !this.graph.hasNode(id)) continue;
      nodeIds.add(id);
      if (!neighborhoods) continue;
      this.graph.forEachNeighbor(id, (n) => nodeIds.add(n));
      this.graph.forEachEdge(id, (e) => edgeIds.add(e));
    }
    for (const id of edges) if (id !== null) edgeIds.add(id);
    this.partial.items(nodeIds, edgeIds);
  }

  annotationCount(edge: string): number {
    return this.annotationCounts.get(edge) ?? 0;
  }

  /** Rings nodes that just arrived live for a few seconds. */
  flash(ids: readonly string[], ms = 4000): void {
    if (ids.length === 0) return;
    const until = performance.now() + ms;
    for (const id of ids) this.fresh.set(id, until);
    this.partial.items(ids, []);
    window.setTimeout(() => {
      const now = performance.now();
      const expired = [...this.fresh].filter(([, end]) => end <= now).map(([id]) => id);
      for (const id of expired) this.fresh.delete(id);
      this.partial.items(expired, []);
    }, ms + 50);
  }

  // ----- camera -----

  /** Frames the view (fittedCamera), animated. */
  fit(): void {
    this.partial.settle();
    const camera = this.sigma.getCamera();
    const target = this.fittedCamera();
    void (target ? camera.animate(target, { duration: 300 }) : camera.animatedReset({ duration: 300 }));
  }

  /** The parts of the canvas nothing floats over, where a fitted view goes (fit.ts). */
  freeRegions(): Rect[] {
    const { width, height } = this.sigma.getDimensions();
    return freeRegions(width, height, this.overlays());
  }

  /**
   * The camera at which every drawn node's disc, and its label on a view that draws every label, is as large as
   * fits in a free region of the canvas, centred there (fit.ts). null when there is nothing to frame.
   */
  fittedCamera(): CameraState | null {
    const sigma = this.sigma;
    const { width, height } = sigma.getDimensions();
    if (width <= 0 || height <= 0) return null;
    const centre = { x: width / 2, y: height / 2 };
    // Positions at camera ratio 1, from the viewport's centre: at ratio r they are 1/r as far from it (fit.ts's scale).
    const unit: CameraState = { x: 0.5, y: 0.5, ratio: 1, angle: 0 };
    const items: FitItem[] = [];
    this.graph.forEachNode((node, data) => {
      if (sigma.getNodeDisplayData(node)?.hidden) return;
      const at = sigma.graphToViewport(data, { cameraState: unit });
      const labelWidth = this.labelAll ? this.labelWidth(this.labelOf(node, data)) : 0;
      items.push({ x: at.x - centre.x, y: at.y - centre.y, radius: this.sizeOf(node), labelWidth, labelLeft: this.labelAll && this.leftLabels.has(node) });
    });
    if (items.length === 0) return null;
    const fit = fitInRegions(items, this.freeRegions(), this.sigma.getSettings().labelSize, 1, 1 / MAX_FIT_RATIO, 1 / MIN_FIT_RATIO);
    if (!fit) return null;
    const ratio = 1 / fit.scale;
    const { bounds, region } = fit;
    // Centred on the viewport's centre the boxes would lie around centre + their middle; the camera moves by what
    // takes that onto the region's middle.
    const shift = {
      x: (bounds.left + bounds.right) / 2 - ((region.left + region.right) / 2 - centre.x),
      y: (bounds.top + bounds.bottom) / 2 - ((region.top + region.bottom) / 2 - centre.y),
    };
    const at = sigma.viewportToFramedGraph({ x: centre.x + shift.x, y: centre.y + shift.y }, { cameraState: { x: 0.5, y: 0.5, ratio, angle: 0 } });
    return { x: at.x, y: at.y, ratio, angle: 0 };
  }

  /** A node label's width in screen pixels, as drawn (measured once per text by the label layer). */
  labelWidth(label: string): number {
    return this.labels.measureLabel(label);
  }

  zoom(factor: number): void {
    const camera = this.sigma.getCamera();
    void (factor > 1 ? camera.animatedZoom({ duration: 200, factor }) : camera.animatedUnzoom({ duration: 200, factor: 1 / factor }));
  }

  focusNode(id: string): void {
    const display = this.sigma.getNodeDisplayData(id);
    if (!display) return;
    void this.sigma.getCamera().animate({ x: display.x, y: display.y, ratio: Math.min(this.sigma.getCamera().ratio, 0.6) }, { duration: 400 });
  }

  // ----- reducers -----

  /** The label a node is drawn with. */
  private labelOf(node: string, data: NodeAttributes): string {
    return `${data.label}${data.fixed ? " (pinned)" : ""}${this.more.has(node) ? ` · ${this.more.get(node)} more` : ""}`;
  }

  /** A node's disc radius in screen pixels at camera ratio 1. */
  private sizeOf(node: string): number {
    return 5 + Math.min(14, 2.2 * Math.sqrt(this.graph.degree(node)));
  }

  /** Every node's label is drawn (makeRoomForLabels). */
  get labelsAll(): boolean {
    return this.labelAll;
  }

  /**
   * On a view of at most LABEL_ALL nodes, moves disconnected groups closer together (pack.ts), then nodes apart
   * until every label fits beside its node without overlapping another at the scale the view is fitted at
   * (labelroom.ts, fit.ts), puts the labels that edges run through on the other side of their node where that
   * side is clearer (labelside.ts), then draws every label;
   * larger views keep sigma's label grid. Called when the layout settles, before the view is fitted.
   */
  makeRoomForLabels(): void {
    const all = this.graph.order > 1 && this.graph.order <= LABEL_ALL;
    const left = new Set<string>();
    if (all) {
      const ids: string[] = [];
      const items: LabelItem[] = [];
      this.graph.forEachNode((node, data) => {
        ids.push(node);
        items.push({ x: data.x, y: data.y, radius: this.sizeOf(node), labelWidth: this.labelWidth(this.labelOf(node, data)), fixed: data.fixed === true });
      });
      const { width, height } = this.sigma.getDimensions();
      const viewport = { width, height, padding: this.sigma.getStagePadding(), regions: this.freeRegions() };
      const index = new Map(ids.map((id, i) => [id, i]));
      const links: [number, number][] = [];
      this.graph.forEachEdge((_, __, source, target) => links.push([index.get(source)!, index.get(target)!]));
      // Disconnected groups closer together first (pack.ts), then every label given room.
      const labelSize = this.sigma.getSettings().labelSize;
      const packed = packComponents(items, links, viewport, labelSize);
      const placed = separateLabels(items.map((item, i) => ({ ...item, ...packed[i]! })), viewport, labelSize);
      const sides = chooseLabelSides(items.map((item, i) => ({ ...item, ...placed[i]! })), links, viewport, labelSize);
      sides.forEach((isLeft, i) => {
        if (isLeft) left.add(ids[i]!);
      });
      this.graph.updateEachNodeAttributes((node, attributes) => {
        const at = index.get(node);
        if (at !== undefined) {
          attributes.x = placed[at]!.x;
          attributes.y = placed[at]!.y;
        }
        return attributes;
      }, { attributes: ["x", "y"] });
    }
    // Labels that changed sides are drawn again (moving every node above did not run their reducers).
    const sideChanged = [...this.leftLabels].filter((id) => !left.has(id)).concat([...left].filter((id) => !this.leftLabels.has(id)));
    this.leftLabels = left;
    if (all !== this.labelAll) {
      this.labelAll = all;
      this.partial.all();
    } else {
      this.partial.items(sideChanged, []);
    }
  }

  private reduceNode(node: string, data: NodeAttributes): Partial<NodeDisplayData> {
    const label = this.labelOf(node, data);
    const size = this.sizeOf(node);
    const res: Partial<NodeDisplayData> = lean.on ? new NodeLook(data.x, data.y, label, data.color, size, 1) : { x: data.x, y: data.y, label, color: data.color, size, zIndex: 1 };
    if (this.labelAll) {
      res.forceLabel = true;
      if (this.leftLabels.has(node)) (res as Record<string, unknown>)["labelLeft"] = true;
    }
    const h = this.highlight;
    // Around a highlighted path everything else is dimmed, except the selected node's own neighborhood.
    const selected = this.selectedNode;
    const nearSelection = selected !== null && (node === selected || (this.graph.hasNode(selected) && this.graph.areNeighbors(node, selected)));
    if (h && !h.nodes.has(node) && !nearSelection) {
      res.color = DIM_NODE;
      res.zIndex = 0;
      (res as Record<string, unknown>)["labelColor"] = DIM_LABEL;
    } else if (h && h.nodes.has(node)) {
      res.zIndex = 2;
      res.forceLabel = true;
    }
    // Highlighted nodes are drawn again on sigma's hover layer, above every node and label, so they keep their
    // z-order here: a changed zIndex would make sigma re-index the whole graph for a hover.
    if (this.fresh.has(node)) {
      res.highlighted = true;
      res.forceLabel = true;
      res.color = data.color ?? NEW_NODE_RING;
    }
    if (node === this.hoveredNode || node === this.selectedNode) {
      res.highlighted = true;
      res.forceLabel = true;
      res.color = data.color;
      res.label = res.label || data.label;
    }
    return res;
  }

  private reduceEdge(edge: string, data: EdgeAttributes): Partial<EdgeDisplayData> {
    const res: Partial<EdgeDisplayData> = lean.on ? new EdgeLook(data.color, EDGE_SIZE, null, 0) : { color: data.color, size: EDGE_SIZE, label: null, zIndex: 0 };
    const curvature = this.parallel.curvature(edge);
    if (curvature !== 0) {
      res.type = "curved";
      (res as { curvature?: number }).curvature = curvature;
    }
    const annotations = this.annotationCounts.get(edge) ?? 0;
    const review = data.status && data.status !== "Confirmed" ? ` (${data.status.toLowerCase()})` : "";
    const typeLabel = annotations > 0 ? `${data.type}${review} ✎${annotations}` : `${data.type}${review}`;
    if (annotations > 0) {
      res.color = ANNOTATED_EDGE;
      res.size = 2.5;
    }
    const h = this.highlight;
    if (h) {
      if (h.edges.has(edge)) {
        // A hop not confirmed by review keeps its status colour on a path (proposed amber, disputed red).
        res.color = h.focusEdges.has(edge) ? FOCUS_EDGE : (STATUS_COLORS[data.status ?? ""] ?? PATH_EDGE);
        res.size = h.focusEdges.has(edge) ? 5 : 3.5;
        res.zIndex = 2;
        res.label = typeLabel;
      } else if (!this.touchesSelection(edge)) {
        res.color = DIM_EDGE;
        res.size = 1;
      }
    }
    if (this.zoomedIn && !h) res.label = typeLabel;
    if (edge === this.hoveredEdge || edge === this.selectedEdge) {
      res.label = typeLabel;
      res.size = Math.max(res.size ?? 1, 4);
      res.color = FOCUS_EDGE;
      res.zIndex = 3;
    }
    if (this.hoveredNode && (this.graph.source(edge) === this.hoveredNode || this.graph.target(edge) === this.hoveredNode) && !h) {
      res.label = typeLabel;
    }
    // The edge-label layer is drawn from these (labelcache.ts).
    if (res.label) this.labelledEdges.add(edge);
    else this.labelledEdges.delete(edge);
    return res;
  }

  private touchesSelection(edge: string): boolean {
    const selected = this.selectedNode;
    return selected !== null && (this.graph.source(edge) === selected || this.graph.target(edge) === selected);
  }

  // ----- interaction -----

  private wireEvents(): void {
    const sigma = this.sigma;
    // Hovering a node labels its edges; hovering an edge restyles that edge.
    const hoverNode = (node: string | null) => {
      const previous = this.hoveredNode;
      this.hoveredNode = node;
      sigma.getContainer().classList.toggle("pointer", node !== null);
      this.edgeLabelsWanted();
      this.refreshAround([previous, node], [], false);
      for (const id of [previous, node]) if (id !== null && this.graph.hasNode(id)) this.partial.items([], this.graph.edges(id));
    };
    const hoverEdge = (edge: string | null) => {
      const previous = this.hoveredEdge;
      this.hoveredEdge = edge;
      sigma.getContainer().classList.toggle("pointer", edge !== null);
      this.edgeLabelsWanted();
      this.refreshAround([], [previous, edge], false);
    };
    sigma.on("enterNode", ({ node }) => hoverNode(node));
    sigma.on("leaveNode", () => hoverNode(null));
    sigma.on("enterEdge", ({ edge }) => hoverEdge(edge));
    sigma.on("leaveEdge", () => hoverEdge(null));
    sigma.on("clickNode", ({ node }) => this.events.clickNode(node));
    sigma.on("clickEdge", ({ edge }) => this.events.clickEdge(edge));
    sigma.on("clickStage", () => this.events.clickStage());

    // Drag to move; a dragged node stays pinned where it is dropped (the layout leaves it alone).
    sigma.on("downNode", ({ node }) => {
      this.dragged = node;
      this.dragMoved = false;
      if (!sigma.getCustomBBox()) sigma.setCustomBBox(sigma.getBBox());
    });
    const captor = sigma.getMouseCaptor();
    captor.on("mousemovebody", (event) => {
      if (!this.dragged) return;
      this.dragMoved = true;
      const position = sigma.viewportToGraph(event);
      this.graph.mergeNodeAttributes(this.dragged, { x: position.x, y: position.y });
      event.preventSigmaDefault();
      event.original.preventDefault();
      event.original.stopPropagation();
    });
    captor.on("mouseup", () => {
      if (this.dragged && this.dragMoved && this.graph.hasNode(this.dragged)) {
        this.graph.setNodeAttribute(this.dragged, "fixed", true);
        this.events.pinned(this.dragged, true);
      }
      this.dragged = null;
    });
  }

  setPinned(id: string, pinned: boolean): void {
    if (!this.graph.hasNode(id)) return;
    if (pinned) this.graph.setNodeAttribute(id, "fixed", true);
    else this.graph.removeNodeAttribute(id, "fixed");
  }

  /**
   * Where the labels the canvas shows now are drawn, in the canvas's pixels: each node label's ink (the text's
   * measured bounding box, on the side it is drawn) and its node's disc; and what floats over the canvas. For the
   * test hook: tests check that no two overlap and that none is under the toolbar or the legend.
   */
  labelBoxes(): { width: number; height: number; overlays: Rect[]; nodes: { id: string; text: Rect; disc: Rect }[]; edges: { id: string; corners: Point[] }[] } {
    const { width, height } = this.sigma.getDimensions();
    const nodes = this.nodeLabelsAsDrawn().map(({ id, data, metrics, start, baseline }) => ({
      id,
      text: { left: start - metrics.actualBoundingBoxLeft, right: start + metrics.actualBoundingBoxRight, top: baseline - metrics.actualBoundingBoxAscent, bottom: baseline + metrics.actualBoundingBoxDescent },
      disc: { left: data.x - data.size, right: data.x + data.size, top: data.y - data.size, bottom: data.y + data.size },
    }));
    const edges = this.sigma.getSetting("renderEdgeLabels") ? this.edgeLabels.placed : [];
    return { width, height, overlays: this.overlays(), nodes, edges };
  }

  /**
   * The labels the view shows, as drawn, for the SVG export (export.ts): drawn afresh first, so they are the
   * current frame's. Null while moved copies of the label layer stand in for it (the camera is moving).
   */
  drawnLabels(): DrawnLabels | null {
    this.sigma.refresh();
    const drawn = this.nodeLabelsAsDrawn();
    if (drawn.length === 0 && this.labels.unsettled()) return null;
    const settings = this.sigma.getSettings();
    return {
      nodeFont: { family: settings.labelFont, size: settings.labelSize, weight: settings.labelWeight },
      nodes: drawn.filter(({ label }) => label).map(({ id, data, label, start, baseline }) =>
        ({ id, text: label, x: start, y: baseline, color: settingColor(settings.labelColor, data), halo: data.forceLabel === true })),
      edgeFont: { family: settings.edgeLabelFont, size: settings.edgeLabelSize, weight: settings.edgeLabelWeight },
      edges: settings.renderEdgeLabels ? [...this.edgeLabels.placed] : [],
    };
  }

  /** The node labels the label layer shows, where edgeAwareLabel drew them (labels.ts): text, metrics, start and baseline. */
  private nodeLabelsAsDrawn() {
    const { width } = this.sigma.getDimensions();
    const settings = this.sigma.getSettings();
    this.measure ??= document.createElement("canvas").getContext("2d");
    const context = this.measure!;
    context.font = font(settings);
    return this.labels.drawnLabelData().map(({ key, data }) => {
      const label = data.label ?? "";
      const metrics = context.measureText(label);
      const start = drawnLabelStart({ x: data.x, size: data.size, label, labelLeft: (data as { labelLeft?: boolean }).labelLeft }, settings.labelSize, metrics.width, width);
      return { id: key, data, label, metrics, start, baseline: data.y + settings.labelSize / 3 };
    });
  }

  /** Node ids sigma currently draws (not hidden), for the test hook. */
  drawnNodes(): string[] {
    return this.graph.filterNodes((id) => !this.sigma.getNodeDisplayData(id)?.hidden);
  }

  kill(): void {
    this.labels.kill();
    this.sigma.kill();
  }
}
