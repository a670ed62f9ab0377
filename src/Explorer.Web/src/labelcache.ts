import type Sigma from "sigma";
import type { CameraState } from "sigma/types";

// Labels while the camera moves. sigma draws every visible node label with Canvas 2D fillText on every frame;
// on a large graph that is most of a frame's main-thread time while panning (in software rasterization, all
// of it). While the user drags, wheels or an animation runs, this draws the last full label layer again, as
// one bitmap moved and scaled with the camera, instead of drawing each label. When the camera stops, the next
// frame draws every label as sigma does, so what the user sees when it settles is sigma's own drawing.
// The node-label and edge-label layers are both handled; the hover layer (a few labels) is drawn as usual.
// A data change (sigma processing or a partial refresh) during a move makes the next frame a full one.

/** sigma 3.0.3's members this relies on (not in its public types; the package is pinned). */
interface SigmaInternals {
  canvasContexts: { labels: CanvasRenderingContext2D; edgeLabels: CanvasRenderingContext2D };
  width: number;
  height: number;
  pixelRatio: number;
  settings: { renderLabels: boolean; renderEdgeLabels: boolean };
  mouseCaptor: { isMoving: boolean; draggedEvents: number; currentWheelDirection: number };
  renderLabels(): unknown;
  renderEdgeLabels(): unknown;
}

type Layer = "labels" | "edgeLabels";

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

  constructor(private readonly sigma: Sigma) {
    const internals = sigma as unknown as SigmaInternals;
    this.internals = internals;
    const drawLabels = internals.renderLabels.bind(sigma);
    const drawEdgeLabels = internals.renderEdgeLabels.bind(sigma);
    internals.renderLabels = () => this.draw("labels", drawLabels);
    internals.renderEdgeLabels = () => this.draw("edgeLabels", drawEdgeLabels);
    // sigma clears the layers at the start of each frame: a move's first frame copies them first.
    sigma.on("beforeClear", () => this.beforeClear());
    sigma.on("beforeRender", () => {
      this.inRender = true;
      this.frame = null;
    });
    sigma.on("afterRender", () => this.afterRender());
    // New data, or a new size: the copies no longer show what a full drawing would.
    sigma.on("afterProcess", () => this.invalidate());
    sigma.on("resize", () => this.invalidate());
  }

  /** The camera moves (a drag, a wheel zoom, an animation), as sigma itself decides it for hideLabelsOnMove. */
  moving(): boolean {
    const captor = this.internals.mouseCaptor;
    return this.sigma.getCamera().isAnimated() || captor.isMoving || captor.draggedEvents > 0 || captor.currentWheelDirection !== 0;
  }

  /** Data changed (a partial refresh): the next frame draws every label. */
  invalidate(): void {
    this.copied = false;
    this.canvasFull = false;
  }

  private beforeClear(): void {
    if (!this.canvasFull || this.copied || !this.moving()) return;
    const internals = this.internals;
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
    // A frame that drew no label layer (an empty graph) leaves nothing to copy.
    if (this.frame === null) this.canvasFull = false;
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

  kill(): void {
    window.clearTimeout(this.settleTimer);
  }
}
