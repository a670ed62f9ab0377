import type Sigma from "sigma";
import type { EdgeLabelDrawingFunction, NodeLabelDrawingFunction } from "sigma/rendering";
import type { Settings } from "sigma/settings";
import type { CameraState, EdgeDisplayData, NodeDisplayData } from "sigma/types";
import { matrixFromCamera } from "sigma/utils";
import type { EdgeLabelRoom } from "./edgelabels";
import { halfHeight, type Rect } from "./fit";
import { drawnLabelStart, font, labelBox, type Box } from "./labels";

// The node-label layer, drawn as little as possible. sigma draws every visible node label with Canvas 2D
// fillText on every frame; in software rasterization (SwiftShader) that is most of a frame's main-thread time.
// - While the camera moves (a drag, a wheel zoom, an animation), the last full label layer is drawn again as
//   one bitmap moved and scaled with the camera, instead of each label. When the camera stops, the next frame
//   draws every label as sigma does, so what the user sees when it settles is sigma's own drawing.
//   The node-label and edge-label layers are both handled; the hover layer (a few labels) is drawn as usual.
//   A data change during a move makes the next frame a full one.
// - Which labels to show is sigma's choice (renderLabels: the first few of each label-grid cell, then forced
//   labels, less hidden, small and off-screen ones), made here as sigma makes it (select()) and kept per cell.
//   Zoomed in, that choice looks at thousands of candidates; a live change touches one or two cells, and only
//   those are looked at again (cells the partial refresh reports, partial.ts).
// - While the view stands still (a live change, a hover, a selection), the layer is not cleared: the labels
//   chosen now are compared with what the layer holds, and only the labels that changed, appeared or went
//   (and those they overlap) are drawn again, clipped to the boxes of the changes. Every pixel inside those
//   boxes is drawn as a full drawing draws it (same labels, same order, from a cleared box), and no pixel
//   outside them can differ, so the layer equals sigma's own full drawing (checked pixel for pixel against
//   sigma's renderLabels by the test hook's staleLabelPixels and the page benchmark).
// - The edge-label layer (on only for a hover, a selection, a highlighted path) is drawn from the few edges the
//   renderer gave a label, not from a walk over every edge of the graph (drawEdgeLabels).

/** sigma 3.0.3's members this relies on (not in its public types; the package is pinned). */
interface SigmaInternals {
  canvasContexts: { labels: CanvasRenderingContext2D; edgeLabels: CanvasRenderingContext2D; hovers: CanvasRenderingContext2D };
  width: number;
  height: number;
  pixelRatio: number;
  settings: Settings & { defaultDrawNodeLabel: NodeLabelDrawingFunction; defaultDrawEdgeLabel: EdgeLabelDrawingFunction };
  mouseCaptor: { isMoving: boolean; draggedEvents: number; currentWheelDirection: number };
  renderLabels(): unknown;
  renderEdgeLabels(): unknown;
  // What sigma's renderEdgeLabels reads (drawEdgeLabels below does what it does, from fewer edges).
  graph: { hasEdge(edge: string): boolean; extremities(edge: string): [string, string] };
  hoveredNode: string | null;
  highlightedNodes: Set<string>;
  displayedNodeLabels: Set<string>;
  displayedEdgeLabels: Set<string>;
  edgesWithForcedLabels: Set<string>;
  nodeDataCache: Record<string, NodeDisplayData>;
  edgeDataCache: Record<string, EdgeDisplayData>;
  edgePrograms: Record<string, { drawLabel?: EdgeLabelDrawingFunction }>;
  scaleSize(size: number): number;
  labelGrid: { cellSize: number; cells: Record<string, { key: string }[]> };
  webGLContexts: { hoverNodes: WebGLRenderingContext };
  renderHighlightedNodes(): unknown;
  nodesWithForcedLabels: Set<string>;
}

/** sigma's margins around the viewport inside which a label is drawn (renderLabels' X/Y_LABEL_MARGIN). */
const X_LABEL_MARGIN = 150;
const Y_LABEL_MARGIN = 50;

type Layer = "labels" | "edgeLabels";

/** One label as sigma asked for it to be drawn: its arguments (viewport position and size already applied). */
export interface LabelDraw {
  key: string;
  data: Parameters<NodeLabelDrawingFunction>[1];
  settings: Parameters<NodeLabelDrawingFunction>[2];
}

/**
 * Whether two drawings of a label have the same pixels: what edgeAwareLabel reads (the settings aside, which a
 * full drawing follows). Compared field by field: a string of them per label, per still frame, was most of what
 * a live change's frame allocated.
 */
function sameLook(a: LabelDraw, b: LabelDraw): boolean {
  if (a === b) return true;
  const x = a.data, y = b.data;
  return x.label === y.label && x.x === y.x && x.y === y.y && x.size === y.size
    && String((x as Record<string, unknown>)["labelColor"] ?? "") === String((y as Record<string, unknown>)["labelColor"] ?? "")
    // The side of its node a label is drawn on (labelside.ts).
    && ((x as Record<string, unknown>)["labelLeft"] === true) === ((y as Record<string, unknown>)["labelLeft"] === true);
}

/**
 * The parts of the label layer that differ between two drawings (each a list in drawing order): the boxes of
 * labels that changed, appeared or went, and of labels that kept their look but are drawn in another order
 * relative to the others. `null` when so much changed that drawing everything costs no more.
 */
export function changedBoxes(before: readonly LabelDraw[], after: readonly LabelDraw[], box: (draw: LabelDraw) => Box): Box[] | null {
  const previous = new Map<string, LabelDraw>();
  for (const draw of before) previous.set(draw.key, draw);
  const boxes: Box[] = [];
  const kept = new Set<string>();
  for (const draw of after) {
    const then = previous.get(draw.key);
    if (then !== undefined && sameLook(then, draw)) kept.add(draw.key);
    else boxes.push(box(draw));
  }
  for (const draw of before) if (!kept.has(draw.key)) boxes.push(box(draw));
  // Labels kept as they were but reordered (an overlap would then show the other on top): between the first
  // and the last place where the two orders of the kept labels differ, every kept label counts as changed.
  // (Walked in place: the kept labels of each list, in order, without copying them out.)
  let i = 0;
  let j = 0;
  const nextKept = (list: readonly LabelDraw[], at: number) => {
    while (at < list.length && !kept.has(list[at]!.key)) at++;
    return at;
  };
  let first = -1;
  let last = -1;
  for (let n = 0; ; n++) {
    i = nextKept(after, i);
    j = nextKept(before, j);
    if (i >= after.length) break;
    if (after[i]!.key !== before[j]!.key) {
      if (first < 0) first = n;
      last = n;
    }
    i++;
    j++;
  }
  if (first >= 0) {
    i = 0;
    for (let n = 0; n <= last; n++, i++) {
      i = nextKept(after, i);
      if (n >= first) boxes.push(box(after[i]!));
    }
  }
  return boxes.length * 2 > Math.max(after.length, 8) ? null : boxes;
}

function meets(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** How often to look whether a move ended without a frame of its own (a drag released while still). */
const SETTLE_CHECK_MS = 100;

export class LabelCache {
  private readonly internals: SigmaInternals;
  /** A copy of each layer's last full drawing, and the camera it was drawn with. */
  private readonly copies = new Map<Layer, HTMLCanvasElement>();
  /** The canvases the copies are kept in (reused). */
  private readonly canvases = new Map<Layer, HTMLCanvasElement>();
  private fullCamera: CameraState | null = null;
  /** The layers' canvases hold a full drawing (not a moved copy) made with fullCamera. */
  private canvasFull = false;
  /** The copies hold that drawing and may stand in for it. */
  private copied = false;
  private settleTimer = 0;
  /** Inside sigma's render(), and how its label layers are drawn this frame (null: not decided yet). */
  private inRender = false;
  private frame: "full" | { scale: number; x: number; y: number } | null = null;
  private lastFrameCached = false;
  /** Frames drawn from the copies since the last full drawing (the test hook and benchmark read it). */
  cachedFrames = 0;
  /** Frames whose node labels were drawn only where they changed (the test hook reads it). */
  partialFrames = 0;
  /** Labels drawn again by those frames, and frames among them that drew every label (the benchmark reads them). */
  redrawnLabels = 0;
  wholeRedraws = 0;
  /** The benchmark's baseline switch: false draws every label on every still frame (the second pass). */
  keepStill = true;
  /** Data changed since the copies were made: they may not stand in for a full drawing. */
  private dataChanged = false;
  /** The labels the node-label layer holds, in drawing order (valid while canvasFull). */
  private drawn: LabelDraw[] = [];
  /** This frame keeps the node-label layer (sigma's clear skips it) and draws only what changed. */
  private keepLabels = false;
  private holdClear = false;
  /** While sigma's renderLabels runs: record its labels, and draw them or not. */
  private recording: { draws: LabelDraw[]; draw: boolean } | null = null;
  private readonly clearLabels: (x: number, y: number, w: number, h: number) => void;
  private readonly drawLabel: NodeLabelDrawingFunction;
  private readonly widths = new Map<string, number>();
  private readonly sigmasEdgeLabels: () => unknown;
  /** Per label-grid cell, the labels chosen there for the view the layer was drawn with. */
  private readonly cellLabels = new Map<string, LabelDraw[]>();
  /** Cells whose choice may have changed since (null: all). */
  private touchedCells: Set<string> | null = null;
  /** The view the layer was drawn with (sigma's matrix: camera, size, framing). */
  private drawnMatrix: Float32Array | null = null;
  /** The next full frame is sigma's own renderLabels (staleLabelPixels' reference). */
  private reference = false;
  /** What the hover layer (hovered and highlighted nodes: boxes, labels, discs) was drawn from; null: unknown. */
  private hoverDrawn: string | null = null;
  /** This frame keeps the hover layer as it is (sigma's clear skips it, and its drawing is skipped). */
  private keepHover = false;
  private holdHoverClear = false;
  /** Frames that kept the hover layer (the benchmark reads it). */
  keptHoverFrames = 0;

  /**
   * @param labelledEdges the edges whose display data has a label (the renderer's reducer gives a few edges one):
   * the edge-label layer is drawn from these, not from a walk over every edge of the graph as sigma's is.
   */
  /**
   * @param edgeLabels the room edge labels are placed in (sigma's defaultDrawEdgeLabel draws through it), and what
   * floats over the canvas: each drawing of the edge-label layer starts it afresh with the node labels drawn then.
   */
  constructor(private readonly sigma: Sigma, labelledEdges?: () => Set<string>, private readonly edgeLabels?: { room: EdgeLabelRoom; overlays: () => Rect[] }) {
    const internals = sigma as unknown as SigmaInternals;
    this.internals = internals;
    const drawLabels = internals.renderLabels.bind(sigma);
    const renderEdgeLabels = internals.renderEdgeLabels.bind(sigma);
    const sigmasEdgeLabels = () => {
      this.beginEdgeLabels();
      return renderEdgeLabels();
    };
    this.sigmasEdgeLabels = sigmasEdgeLabels;
    const drawEdgeLabels = labelledEdges ? () => this.drawEdgeLabels(labelledEdges()) : sigmasEdgeLabels;
    internals.renderLabels = () => this.draw("labels", drawLabels);
    internals.renderEdgeLabels = () => this.draw("edgeLabels", drawEdgeLabels);
    // sigma clears the layers at the start of each frame: a move's first frame copies them first.
    sigma.on("beforeClear", () => this.beforeClear());
    sigma.on("beforeRender", () => {
      this.inRender = true;
      this.frame = null;
    });
    sigma.on("afterRender", () => this.afterRender());
    // Re-indexed data, or a new size: the next frame draws every label.
    sigma.on("afterProcess", () => this.invalidate());
    sigma.on("resize", () => this.invalidate());
    // sigma asks for each label through its default label function: record it, and draw it or not.
    const drawLabel = internals.settings.defaultDrawNodeLabel;
    this.drawLabel = drawLabel;
    const labels = internals.canvasContexts.labels;
    internals.settings.defaultDrawNodeLabel = (context, data, settings) => {
      const recording = this.recording;
      if (!recording || context !== labels) return drawLabel(context, data, settings);
      recording.draws.push({ key: data.key, data, settings });
      if (recording.draw) drawLabel(context, data, settings);
    };
    // sigma clears every layer at the start of a frame; a frame that keeps the node labels skips that.
    const clearRect = labels.clearRect.bind(labels);
    this.clearLabels = clearRect;
    labels.clearRect = (x: number, y: number, w: number, h: number) => {
      if (!this.holdClear) clearRect(x, y, w, h);
    };
    sigma.on("afterClear", () => {
      this.holdClear = false;
      this.holdHoverClear = false;
    });
    // The hover layer (a 2D canvas and a WebGL one), kept while what it shows is unchanged: its boxes are drawn
    // with a shadow blur, which costs a few milliseconds a frame in software while new nodes are ringed.
    const hovers = internals.canvasContexts.hovers;
    const clearHovers = hovers.clearRect.bind(hovers);
    hovers.clearRect = (x: number, y: number, w: number, h: number) => {
      if (!this.holdHoverClear) clearHovers(x, y, w, h);
    };
    const hoverNodes = internals.webGLContexts.hoverNodes;
    const clearHoverNodes = hoverNodes.clear.bind(hoverNodes);
    hoverNodes.clear = (mask: number) => {
      if (!this.holdHoverClear) clearHoverNodes(mask);
    };
    this.clearHoverLayer = () => {
      clearHovers(0, 0, internals.width, internals.height);
      clearHoverNodes(hoverNodes.COLOR_BUFFER_BIT);
    };
    const drawHover = internals.renderHighlightedNodes.bind(sigma);
    internals.renderHighlightedNodes = () => {
      if (this.inRender && this.keepHover) {
        this.keptHoverFrames++;
        return this.sigma;
      }
      const result = drawHover();
      // (Drawn outside a frame, for a hover: with the last frame's view, which the next frame may not have.)
      this.hoverDrawn = this.inRender ? this.hoverLook(this.view()) : null;
      return result;
    };
  }

  private readonly clearHoverLayer: () => void;

  /** What the hover layer shows, as a string: the view, and each hovered or highlighted node's drawn data. */
  private hoverLook(view: Float32Array): string {
    const s = this.internals;
    const parts: unknown[] = [...view, s.width, s.height, s.hoveredNode];
    for (const node of s.hoveredNode ? [s.hoveredNode, ...s.highlightedNodes] : s.highlightedNodes) {
      const d = s.nodeDataCache[node] as (NodeDisplayData & Record<string, unknown>) | undefined;
      parts.push(node, d?.x, d?.y, d?.size, d?.label, d?.color, d?.type, d?.hidden, d?.["labelColor"]);
    }
    return parts.join("\u0000");
  }

  /** The camera moves (a drag, a wheel zoom, an animation), as sigma itself decides it for hideLabelsOnMove. */
  moving(): boolean {
    const captor = this.internals.mouseCaptor;
    return this.sigma.getCamera().isAnimated() || captor.isMoving || captor.draggedEvents > 0 || captor.currentWheelDirection !== 0;
  }

  /**
   * The camera moves, or it has stopped and the canvas still shows the last frame drawn while it moved (the
   * labels as a moved, scaled copy) until the full frame that follows is drawn: what is on screen is not yet
   * what a still canvas shows.
   */
  unsettled(): boolean {
    return this.moving() || this.lastFrameCached;
  }

  /**
   * Data changed (a partial refresh): the copies are out of date; a still frame draws what changed.
   * @param cells the label-grid cells of the nodes whose display data or cell changed (before and after);
   * without it, any cell may have.
   */
  changed(cells?: Iterable<number>): void {
    this.copied = false;
    this.dataChanged = true;
    if (!cells) this.touchedCells = null;
    else if (this.touchedCells) for (const cell of cells) this.touchedCells.add(String(cell));
  }

  /** The next frame draws every label. */
  invalidate(): void {
    this.copied = false;
    this.canvasFull = false;
    this.touchedCells = null;
    this.hoverDrawn = null;
  }

  private beforeClear(): void {
    const internals = this.internals;
    // Still, and the node-label layer holds a full drawing for this camera and size: keep it.
    const view = this.view();
    this.keepLabels = this.keepStill && this.canvasFull && internals.settings.renderLabels && !this.moving() && this.sameView(view);
    this.holdClear = this.keepLabels;
    this.keepHover = this.keepStill && this.hoverDrawn !== null && this.hoverDrawn === this.hoverLook(view);
    this.holdHoverClear = this.keepHover;
    if (!this.canvasFull || this.copied || this.dataChanged || !this.moving()) return;
    this.copies.delete("edgeLabels");
    // The edge-label layer is empty unless edge labels are on (sigma cleared it): nothing to copy or draw then.
    for (const layer of internals.settings.renderEdgeLabels ? ["labels", "edgeLabels"] as const : ["labels"] as const) {
      const source = internals.canvasContexts[layer].canvas;
      let copy = this.canvases.get(layer);
      if (!copy) {
        copy = document.createElement("canvas");
        this.canvases.set(layer, copy);
      }
      this.copies.set(layer, copy);
      if (copy.width !== source.width || copy.height !== source.height) {
        copy.width = source.width;
        copy.height = source.height;
      }
      const context = copy.getContext("2d")!;
      context.clearRect(0, 0, copy.width, copy.height);
      context.drawImage(source, 0, 0);
    }
    this.copied = true;
  }

  private draw(layer: Layer, full: () => unknown): unknown {
    if (layer === "labels") {
      // The first layer of a frame decides for both: the copies, moved, or sigma's full drawing.
      const transform = this.inRender && this.copied && this.internals.settings.renderLabels && this.moving() ? this.transform() : null;
      this.frame = transform ?? "full";
      if (this.frame === "full" && this.inRender) return this.drawNodeLabels(full);
    }
    const frame = this.frame;
    // Outside a frame (sigma redraws edge labels with the hover layer): sigma's drawing, nothing to track.
    if (!this.inRender || frame === null) return full();
    if (frame === "full") {
      const result = full();
      if (layer === "edgeLabels") {
        // Both layers now hold sigma's own drawing for this camera.
        this.fullCamera = this.sigma.getCamera().getState();
        this.canvasFull = true;
        this.copied = false;
        this.dataChanged = false;
        this.cachedFrames = 0;
      }
      return result;
    }
    const internals = this.internals;
    const context = internals.canvasContexts[layer];
    // sigma clears the edge-label layer itself when it draws it.
    if (layer === "edgeLabels") context.clearRect(0, 0, internals.width, internals.height);
    const copy = this.copies.get(layer);
    if (copy) {
      context.save();
      context.setTransform(1, 0, 0, 1, 0, 0);
      const ratio = internals.pixelRatio;
      context.transform(frame.scale, 0, 0, frame.scale, frame.x * ratio, frame.y * ratio);
      // No smoothing: resampling the whole layer each frame costs more than the labels it stands in for.
      context.imageSmoothingEnabled = false;
      context.drawImage(copy, 0, 0);
      context.restore();
    }
    if (layer === "edgeLabels") {
      this.canvasFull = false;
      this.cachedFrames++;
    }
    return this.sigma;
  }

  /** sigma's renderLabels, recording the labels it asks for (and drawing them, with `draw`). */
  private record(full: () => unknown, draw: boolean): unknown {
    const recording = { draws: [] as LabelDraw[], draw };
    this.recording = recording;
    try {
      return full();
    } finally {
      this.recording = null;
      this.drawn = recording.draws;
    }
  }

  /**
   * The node-label layer of a frame that is not a moved copy: every label (the layer was cleared), or, kept from
   * the last frame, only where its labels changed.
   */
  private drawNodeLabels(full: () => unknown): unknown {
    const internals = this.internals;
    const view = this.view();
    if (this.reference || !this.keepStill) {
      // sigma's own drawing, recorded (what the test hook compares with; the benchmark's baseline).
      this.reference = false;
      this.cellLabels.clear();
      this.touchedCells = null;
      this.drawnMatrix = view;
      return this.record(full, true);
    }
    const before = this.drawn;
    const after = this.select(this.keepLabels ? this.touchedCells : null);
    this.touchedCells = new Set();
    this.drawnMatrix = view;
    this.drawn = after;
    const context = internals.canvasContexts.labels;
    if (!this.keepLabels) {
      for (const d of after) this.drawLabel(context, d.data, d.settings);
      return this.sigma;
    }
    const canvasWidth = internals.width;
    const labelSize = internals.settings.labelSize;
    const measure = (text: string) => this.measureLabel(text);
    const boxes = changedBoxes(before, after, (d) => labelBox(d.data, labelSize, canvasWidth, measure));
    this.partialFrames++;
    if (boxes === null) {
      this.wholeRedraws++;
      this.redrawnLabels += after.length;
      this.clearLabels(0, 0, internals.width, internals.height);
      for (const d of after) this.drawLabel(context, d.data, d.settings);
      return this.sigma;
    }
    if (boxes.length === 0) return this.sigma;
    // Whole device pixels, so the clip has hard edges and the pixels inside are exactly a full drawing's.
    const ratio = internals.pixelRatio;
    const snapped = boxes.map((b) => ({
      left: Math.floor(b.left * ratio) / ratio, top: Math.floor(b.top * ratio) / ratio,
      right: Math.ceil(b.right * ratio) / ratio, bottom: Math.ceil(b.bottom * ratio) / ratio,
    }));
    context.save();
    context.beginPath();
    for (const b of snapped) {
      this.clearLabels(b.left, b.top, b.right - b.left, b.bottom - b.top);
      context.rect(b.left, b.top, b.right - b.left, b.bottom - b.top);
    }
    context.clip();
    for (const d of after) {
      // The cheap bound first; measured only when it meets a change.
      if (!snapped.some((b) => meets(b, labelBox(d.data, labelSize, canvasWidth)))) continue;
      const exact = labelBox(d.data, labelSize, canvasWidth, measure);
      if (!snapped.some((b) => meets(b, exact))) continue;
      this.drawLabel(context, d.data, d.settings);
      this.redrawnLabels++;
    }
    context.restore();
    return this.sigma;
  }

  /** A node label's width as drawn (kept: labels are measured again and again). */
  measureLabel(text: string): number {
    let width = this.widths.get(text);
    if (width === undefined) {
      if (this.widths.size > 10_000) this.widths.clear();
      const context = this.internals.canvasContexts.labels;
      context.font = font(this.internals.settings);
      width = context.measureText(text).width;
      this.widths.set(text, width);
    }
    return width;
  }

  /**
   * Starts a drawing of the edge labels: they keep off the node labels drawn now (each with its disc, on the side
   * it is drawn) and off what floats over the canvas.
   */
  private beginEdgeLabels(): void {
    if (!this.edgeLabels) return;
    const s = this.internals;
    const labelSize = s.settings.labelSize;
    const obstacles: Rect[] = [...this.edgeLabels.overlays()];
    for (const { data } of this.drawn) {
      const label = data.label ?? "";
      const width = this.measureLabel(label);
      const start = drawnLabelStart({ x: data.x, size: data.size, label, labelLeft: (data as { labelLeft?: boolean }).labelLeft }, labelSize, width, s.width);
      const half = halfHeight(data.size, labelSize);
      obstacles.push({ left: Math.min(data.x - data.size, start), right: Math.max(data.x + data.size, start + width), top: data.y - half, bottom: data.y + half });
    }
    this.edgeLabels.room.begin(obstacles, s.width, s.height);
  }

  /**
   * The labels sigma's renderLabels would draw now, in its order: per label-grid cell (in the grid's own key
   * order), the cell's first few candidates (more the closer the zoom) that are not hidden, big enough (or
   * forced) and near the viewport; then the forced labels not drawn yet. Cells not in `touched` (null: all)
   * keep what was chosen for them last time. Sets sigma's displayedNodeLabels (edge labels read it).
   */
  private select(touched: Set<string> | null): LabelDraw[] {
    const s = this.internals;
    const displayed = new Set<string>();
    const chosen: LabelDraw[] = [];
    if (touched === null) this.cellLabels.clear();
    if (s.settings.renderLabels) {
      const grid = s.labelGrid;
      const ratio = this.sigma.getCamera().getState().ratio;
      // sigma's LabelGrid.getLabelsToDisplay, to the letter.
      const cellArea = grid.cellSize * grid.cellSize;
      const perCell = Math.ceil(((cellArea / ratio / ratio) * s.settings.labelDensity) / cellArea);
      for (const key in grid.cells) {
        let labels = touched === null || touched.has(key) ? undefined : this.cellLabels.get(key);
        if (!labels) {
          labels = [];
          const cell = grid.cells[key]!;
          for (let i = 0; i < Math.min(perCell, cell.length); i++) {
            const label = this.candidate(cell[i]!.key);
            if (label) labels.push(label);
          }
          this.cellLabels.set(key, labels);
        }
        for (const label of labels) {
          chosen.push(label);
          displayed.add(label.key);
        }
      }
      if (touched !== null) for (const key of touched) if (!(key in grid.cells)) this.cellLabels.delete(key);
      for (const node of s.nodesWithForcedLabels) {
        if (displayed.has(node)) continue;
        const label = this.candidate(node);
        if (!label) continue;
        chosen.push(label);
        displayed.add(node);
      }
    }
    s.displayedNodeLabels = displayed;
    return chosen;
  }

  /** A node's label as sigma's renderLabels would draw it now, or null if it would not. */
  private candidate(node: string): LabelDraw | null {
    const s = this.internals;
    const data = s.nodeDataCache[node];
    if (!data || data.hidden) return null;
    const { x, y } = this.sigma.framedGraphToViewport(data);
    const size = s.scaleSize(data.size);
    if (!data.forceLabel && size < s.settings.labelRenderedSizeThreshold) return null;
    if (x < -X_LABEL_MARGIN || x > s.width + X_LABEL_MARGIN || y < -Y_LABEL_MARGIN || y > s.height + Y_LABEL_MARGIN) return null;
    return { key: node, data: { key: node, ...data, size, x, y }, settings: s.settings };
  }

  /** The matrix sigma draws this frame with (as its render() computes it). */
  private view(): Float32Array {
    const sigma = this.sigma;
    return matrixFromCamera(sigma.getCamera().getState(), sigma.getDimensions(), sigma.getGraphDimensions(), sigma.getStagePadding());
  }

  /** The layer was drawn with the view of this frame. */
  private sameView(now: Float32Array): boolean {
    const then = this.drawnMatrix;
    if (!then) return false;
    for (let i = 0; i < now.length; i++) if (now[i] !== then[i]) return false;
    return true;
  }

  /**
   * sigma's renderEdgeLabels, from the edges that have a label. sigma walks every edge of the graph (50,000: ~12 ms
   * a frame) to find those whose ends are hovered, highlighted or both labelled, and then draws nothing for any
   * edge without a label; these are the same edges with a label, so the same labels are drawn (in the order the
   * edges got their label rather than the graph's, which shows only where two edge labels overlap).
   */
  private drawEdgeLabels(labelled: Set<string>): unknown {
    const s = this.internals;
    if (!s.settings.renderEdgeLabels) return this.sigma;
    const context = s.canvasContexts.edgeLabels;
    context.clearRect(0, 0, s.width, s.height);
    this.beginEdgeLabels();
    const { graph, hoveredNode, highlightedNodes, displayedNodeLabels } = s;
    const worthy = (source: string, target: string) => source === hoveredNode || target === hoveredNode || highlightedNodes.has(source)
      || highlightedNodes.has(target) || (displayedNodeLabels.has(source) && displayedNodeLabels.has(target));
    const edges: string[] = [];
    for (const edge of labelled) {
      if (!graph.hasEdge(edge)) labelled.delete(edge);
      if (!s.edgeDataCache[edge]?.label) continue;
      const [source, target] = graph.extremities(edge);
      if (worthy(source, target)) edges.push(edge);
    }
    for (const edge of s.edgesWithForcedLabels) edges.push(edge);
    const displayed = new Set<string>();
    for (const edge of edges) {
      if (displayed.has(edge)) continue;
      const [source, target] = graph.extremities(edge);
      const sourceData = s.nodeDataCache[source]!;
      const targetData = s.nodeDataCache[target]!;
      const edgeData = s.edgeDataCache[edge]!;
      if (edgeData.hidden || sourceData.hidden || targetData.hidden) continue;
      const drawLabel = s.edgePrograms[edgeData.type]?.drawLabel || s.settings.defaultDrawEdgeLabel;
      drawLabel(
        context,
        { key: edge, ...edgeData, size: s.scaleSize(edgeData.size) },
        { key: source, ...sourceData, ...this.sigma.framedGraphToViewport(sourceData), size: s.scaleSize(sourceData.size) },
        { key: target, ...targetData, ...this.sigma.framedGraphToViewport(targetData), size: s.scaleSize(targetData.size) },
        s.settings,
      );
      displayed.add(edge);
    }
    s.displayedEdgeLabels = displayed;
    return this.sigma;
  }

  /** Where the full drawing's pixels are now: viewport = scale · then + (x, y); null when it turned. */
  private transform(): { scale: number; x: number; y: number } | null {
    const then = this.fullCamera;
    const now = this.sigma.getCamera().getState();
    if (!then || then.angle !== now.angle) return null;
    const a = { x: 0, y: 0 };
    const b = { x: 1, y: 1 };
    const a0 = this.sigma.framedGraphToViewport(a, { cameraState: then });
    const b0 = this.sigma.framedGraphToViewport(b, { cameraState: then });
    const a1 = this.sigma.framedGraphToViewport(a);
    const b1 = this.sigma.framedGraphToViewport(b);
    const scale = (b1.x - a1.x) / (b0.x - a0.x);
    if (!Number.isFinite(scale) || scale <= 0) return null;
    return { scale, x: a1.x - scale * a0.x, y: a1.y - scale * a0.y };
  }

  /** After a frame drawn from the copies, a full one follows once the camera stops. */
  private afterRender(): void {
    const cached = this.frame !== null && this.frame !== "full";
    // A frame that drew no label layer (an empty graph) leaves nothing to copy; a kept layer is cleared then.
    if (this.frame === null) {
      if (this.keepLabels) this.clearLabels(0, 0, this.internals.width, this.internals.height);
      if (this.keepHover) this.clearHoverLayer();
      this.canvasFull = false;
      this.drawn = [];
      this.hoverDrawn = null;
    }
    this.keepLabels = false;
    this.holdClear = false;
    this.keepHover = false;
    this.holdHoverClear = false;
    this.inRender = false;
    this.frame = null;
    this.lastFrameCached = cached;
    if (!cached || this.settleTimer) return;
    const check = () => {
      this.settleTimer = 0;
      if (!this.lastFrameCached) return;
      if (this.moving()) this.settleTimer = window.setTimeout(check, SETTLE_CHECK_MS);
      else this.sigma.scheduleRender();
    };
    this.settleTimer = window.setTimeout(check, SETTLE_CHECK_MS);
  }

  /** The nodes whose labels the node-label layer shows, in drawing order (empty while moved copies stand in). */
  drawnLabels(): string[] {
    return this.drawnLabelData().map((d) => d.key);
  }

  /** The labels the node-label layer shows, as drawn (viewport data; empty while moved copies stand in). */
  drawnLabelData(): readonly LabelDraw[] {
    return this.canvasFull ? this.drawn : [];
  }

  /**
   * Renders now (drawing the labels as any frame would), then again drawing every label afresh: how many pixels of
   * the node-label layer differ between the two (0 when keeping the layer and drawing only what changed is right).
   * For the test hook and the benchmark.
   */
  stalePixels(): number {
    const render = () => (this.sigma as unknown as { render(): void }).render();
    const context = this.internals.canvasContexts.labels;
    const pixels = () => new Uint32Array(context.getImageData(0, 0, context.canvas.width, context.canvas.height).data.buffer);
    render();
    const kept = pixels();
    this.invalidate();
    this.reference = true;
    render();
    const fresh = pixels();
    let differing = 0;
    for (let i = 0; i < fresh.length; i++) if (fresh[i] !== kept[i]) differing++;
    return differing;
  }

  /**
   * The edge-label layer as drawn now against sigma's own renderEdgeLabels: how many pixels differ. For the
   * benchmark (with edge labels on); leaves the layer as it was drawn.
   */
  edgeLabelPixelsDifferingFromSigma(): number {
    const context = this.internals.canvasContexts.edgeLabels;
    const pixels = () => new Uint32Array(context.getImageData(0, 0, context.canvas.width, context.canvas.height).data.buffer);
    const ours = pixels();
    this.sigmasEdgeLabels();
    const sigmas = pixels();
    let differing = 0;
    for (let i = 0; i < ours.length; i++) if (ours[i] !== sigmas[i]) differing++;
    context.clearRect(0, 0, context.canvas.width, context.canvas.height);
    context.putImageData(new ImageData(new Uint8ClampedArray(ours.buffer), context.canvas.width, context.canvas.height), 0, 0);
    return differing;
  }

  kill(): void {
    window.clearTimeout(this.settleTimer);
  }
}
