import { toGraphMl, toJson, toSvg } from "../export";
import type { LiveView } from "./live";
import type { ExplorerView } from "./view";

// The test hook (window.__explorer): what the canvas holds and a few timings, for browser tests and
// benchmarks. Read-only apart from selecting, which is what a click does.

export interface HookSources {
  view: ExplorerView;
  live: LiveView;
  ready(): boolean;
}

export function createHook({ view, live, ready }: HookSources) {
  const cspViolations: string[] = [];
  document.addEventListener("securitypolicyviolation", (event) => cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
  /** performance.now() of the first frame that drew nodes (first meaningful paint). */
  let firstGraphPaint = 0;
  view.renderer.onSigma((sigma) =>
    sigma.on("afterRender", () => {
      if (!firstGraphPaint && view.model.graph.order > 0) firstGraphPaint = performance.now();
    }),
  );
  const { model, renderer, layout } = view;
  return {
    get ready() { return ready(); },
    nodes: () => model.graph.nodes(),
    edges: () => model.graph.edges(),
    /** Each edge with its ends (node ids), as drawn: a straight segment between their discs' centres. */
    edgeEnds: () => model.graph.mapEdges((id, _, source, target) => ({ id, source, target })),
    highlighted: () => {
      const h = renderer.getHighlight();
      return h ? [...h.nodes, ...h.edges] : [];
    },
    lastSeq: () => live.sync.lastSeq,
    firstGraphPaint: () => firstGraphPaint,
    drawnAt: (seq: number) => live.drawn(seq),
    /** A click on the canvas so recent that another one now would be a double click (sigma zooms, no click). */
    clickPending: () => (renderer.sigma.getMouseCaptor() as unknown as { clicks: number }).clicks > 0,
    /** How an edge is drawn: its program ("arrow", or "curved" beside another edge between the same nodes) and curvature. */
    edgeShape: (id: string) => {
      const data = renderer.sigma.getEdgeDisplayData(id) as { type?: string; curvature?: number } | undefined;
      return data ? { type: data.type ?? "arrow", curvature: data.curvature ?? 0 } : null;
    },
    /** The label as drawn (after the reducers: pins, "N more"). */
    displayedLabel: (id: string) => renderer.sigma.getNodeDisplayData(id)?.label ?? null,
    label: (id: string) => (model.graph.hasNode(id) ? model.graph.getNodeAttribute(id, "label") : null),
    selected: () => view.state.selected,
    loadsDone: () => view.loadsDone,
    pathCount: () => view.path?.response.paths.length ?? -1,
    cspViolations: () => [...cspViolations],
    layoutRunning: () => layout.isRunning,
    annotationCount: (id: string) => renderer.annotationCount(id),
    asOf: () => view.state.asOf,
    /** Edges drawn at a node. */
    degree: (id: string) => (model.graph.hasNode(id) ? model.graph.degree(id) : 0),
    select: (id: string) => view.selectNode(id),
    selectEdge: (id: string) => view.selectEdge(id),
    idle: () => live.sync.idle(),
    exportJson: () => toJson(model.graph, model.nodes, model.edges),
    exportGraphMl: () => toGraphMl(model.graph, model.nodes, model.edges),
    exportSvg: () => toSvg(renderer.sigma, model.graph, renderer.drawnLabels()),
    /** Renders now, then draws every label afresh: label-layer pixels that differed (labelcache.ts; 0 is right). */
    staleLabelPixels: () => renderer.labels.stalePixels(),
    /** Frames that drew only the labels that changed. */
    partialLabelFrames: () => renderer.labels.partialFrames,
    /** Nodes whose labels the canvas shows now. */
    drawnLabels: () => renderer.labels.drawnLabels(),
    /** The camera moves, or the canvas still shows a frame drawn while it moved (labels as a scaled copy). */
    cameraMoving: () => renderer.labels.unsettled(),
    /** The edge sigma's picking finds at this point of the canvas (CSS pixels), or null. */
    edgeAt: (x: number, y: number) => (renderer.sigma as unknown as { getEdgeAtPoint(x: number, y: number): string | null }).getEdgeAtPoint(x, y),
    /** The camera object (its animation and "updated" events), for tests that must see the instant it stops. */
    sigmaCamera: () => renderer.sigma.getCamera(),
    /** Frames in a row whose labels were drawn as the moved copy of the last full drawing (labelcache.ts). */
    copiedLabelFrames: () => renderer.labels.cachedFrames,
    /** Relation counts ("N more") still being asked for: a view that draws every label is fitted again after. */
    countsPending: () => view.countsPending,
    /** Where the drawn labels are, and what floats over the canvas, in the canvas's pixels (Renderer.labelBoxes). */
    labelBoxes: () => renderer.labelBoxes(),
    /** Every node's label is drawn (a small view given room for them). */
    labelsAll: () => renderer.labelsAll,
    /** Frames that left the node or edge WebGL layer as it was (layers.ts), per layer. */
    keptLayerFrames: () => renderer.layers.keptLayerFrames,
    /** The next frames draw every layer as sigma does (false), or keep unchanged ones (true, the default). */
    /** The camera's state (x, y, ratio, angle). */
    camera: () => renderer.sigma.getCamera().getState(),
    /** Times a lost WebGL context made the canvas start again on a new sigma. */
    sigmaReplacements: () => renderer.sigmaReplacements,
    /**
     * At the next frame, which drawn nodes have ink at their disc's centre on the node layer (its pixels read in
     * that frame, before the page shows it): a lost WebGL context draws none.
     */
    nodesInked: () => nodesInked(renderer),
    keepLayers: (keep: boolean) => {
      renderer.layers.keepStill = keep;
      renderer.layers.invalidate();
      renderer.sigma.refresh({ partialGraph: { nodes: [], edges: [] }, skipIndexation: true });
    },
  };
}

function nodesInked(renderer: ExplorerView["renderer"]): Promise<string[]> {
  const sigma = renderer.sigma;
  return new Promise((resolve) => {
    sigma.once("afterRender", () => {
      const gl = (sigma as unknown as { webGLContexts: Record<string, WebGLRenderingContext> }).webGLContexts.nodes!;
      gl.bindFramebuffer(gl.FRAMEBUFFER, null);
      const ratio = gl.drawingBufferWidth / sigma.getDimensions().width;
      const pixel = new Uint8Array(4);
      resolve(renderer.drawnNodes().filter((id) => {
        const at = sigma.framedGraphToViewport(sigma.getNodeDisplayData(id)!);
        gl.readPixels(Math.round(at.x * ratio), Math.round(gl.drawingBufferHeight - at.y * ratio), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
        return pixel[3]! > 0;
      }));
    });
    // Both WebGL layers drawn in that frame, not kept from an earlier one (layers.ts).
    renderer.layers.invalidate();
    sigma.scheduleRender();
  });
}

export type ExplorerHook = ReturnType<typeof createHook>;

declare global {
  interface Window {
    __explorer: ExplorerHook;
  }
}
