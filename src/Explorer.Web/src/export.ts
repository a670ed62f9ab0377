import type Sigma from "sigma";
import { KIND_COLORS, type EdgeAttributes, type ExplorerGraph, type NodeAttributes } from "./model";
import type { PlacedEdgeLabel } from "./edgelabels";
import { HALO, HALO_WIDTH } from "./labels";
import { controlOffset } from "./parallel";
import type { EdgeRecord, NodeRecord } from "./types";

// Exports of the current view. Images come from what sigma draws (PNG: its canvases composited; SVG: the
// displayed positions, colors and labels redrawn as vector). Data exports carry the subgraph's records.
// Every document is built through DOM/XML APIs and serialized, so labels are escaped, never spliced in.

const SVG_NS = "http://www.w3.org/2000/svg";
const GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns";

export function download(name: string, blob: Blob): void {
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export function toPng(sigma: Sigma<NodeAttributes, EdgeAttributes>): Promise<Blob> {
  const { width, height } = sigma.getDimensions();
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const context = canvas.getContext("2d")!;
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  // WebGL layers keep no drawing buffer: render now and copy in the same task.
  sigma.refresh();
  const layers = sigma.getCanvases();
  for (const id of ["edges", "edgeLabels", "nodes", "labels", "hovers", "hoverNodes"]) {
    const layer = layers[id];
    if (layer) context.drawImage(layer, 0, 0, canvas.width, canvas.height);
  }
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG export failed"))), "image/png"));
}

/** A label font: sigma's settings (labelFont/Size/Weight, edgeLabelFont/Size/Weight). */
export interface LabelFont {
  family: string;
  size: number;
  weight: string;
}

/** The labels a frame drew (Renderer.drawnLabels), in the canvas's CSS pixels. */
export interface DrawnLabels {
  nodeFont: LabelFont;
  /** Node labels: where the text starts, its baseline, and whether it is outlined (a label drawn whatever the density). */
  nodes: { id: string; text: string; x: number; y: number; color: string; halo: boolean }[];
  edgeFont: LabelFont;
  /** Edge labels where the edge label room put them (edgelabels.ts), shortened as drawn. */
  edges: PlacedEdgeLabel[];
}

/**
 * The canvas's arrowhead, in edge thicknesses: sigma's (DEFAULT_EDGE_ARROW_HEAD_PROGRAM_OPTIONS, lengthToThicknessRatio
 * 2.5 and widenessToThicknessRatio 2, of its half-thickness doubled), as it shows on screen.
 */
const ARROW_LENGTH = 2.5;
const ARROW_WIDTH = 2;
/** The thickness below which the canvas's heads stop shrinking with their edge (sigma's minEdgeThickness at work). */
const MIN_HEAD_THICKNESS = 2;

/**
 * The view as an SVG document: the drawn edges, nodes, and, given `drawn`, exactly the labels the canvas shows
 * where it shows them (without it, every node's label beside it and every edge's type at its middle).
 */
export function toSvg(sigma: Sigma<NodeAttributes, EdgeAttributes>, graph: ExplorerGraph, drawn: DrawnLabels | null = null): string {
  const { width, height } = sigma.getDimensions();
  const doc = document.implementation.createDocument(SVG_NS, "svg", null);
  const svg = doc.documentElement;
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("font-family", "system-ui, sans-serif");
  const el = (name: string, attributes: Record<string, string | number>) => {
    const element = doc.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    return element;
  };
  svg.appendChild(el("rect", { width, height, fill: "#ffffff" }));
  // One arrowhead marker per edge color and thickness, so each head matches its line.
  const defs = el("defs", {});
  const markers = new Map<string, string>();
  const marker = (color: string, strokeWidth: number) => {
    // sigma's head is as long and as wide as ARROW_LENGTH and ARROW_WIDTH times the edge's thickness, which is at
    // least MIN_HEAD_THICKNESS pixels (an edge drawn thinner still gets a head that size).
    const thickness = Math.max(strokeWidth, MIN_HEAD_THICKNESS);
    const key = `${color} ${thickness}`;
    let id = markers.get(key);
    if (!id) {
      id = `arrow-${markers.size}`;
      markers.set(key, id);
      const [length, width] = [ARROW_LENGTH * thickness, ARROW_WIDTH * thickness];
      const m = el("marker", { id, viewBox: `0 0 ${length} ${width}`, refX: length, refY: width / 2, markerWidth: length, markerHeight: width, orient: "auto-start-reverse", markerUnits: "userSpaceOnUse" });
      m.appendChild(el("path", { d: `M 0 0 L ${length} ${width / 2} L 0 ${width} z`, fill: color }));
      defs.appendChild(m);
    }
    return id;
  };
  const edges = el("g", { class: "edges", "stroke-linecap": "round" });
  const fontOf = (font: LabelFont | undefined, size: number): Record<string, string | number> => (font ? { "font-family": font.family, "font-size": font.size, "font-weight": font.weight } : { "font-size": size });
  const edgeLabels = el("g", { class: "edge-labels", ...fontOf(drawn?.edgeFont, 10), fill: "#34495e", "text-anchor": "middle" });
  const nodes = el("g", { class: "nodes" });
  const labels = el("g", { class: "node-labels", ...fontOf(drawn?.nodeFont, 12), fill: "#1b2631" });
  svg.append(defs, edges, edgeLabels, nodes, labels);
  const position = (id: string) => {
    const display = sigma.getNodeDisplayData(id)!;
    const point = sigma.framedGraphToViewport(display);
    return { ...point, size: sigma.scaleSize(display.size), display };
  };
  // In sigma's order: by zIndex (a selected or highlighted edge over the others), then the graph's order.
  const byZIndex = <T extends { display: { zIndex: number } }>(items: T[]) => items.map((item, i) => ({ item, i })).sort((p, q) => p.item.display.zIndex - q.item.display.zIndex || p.i - q.i).map((p) => p.item);
  const shownEdges = byZIndex(graph.mapEdges((id, attributes, source, target) => ({ attributes, source, target, display: sigma.getEdgeDisplayData(id)! })).filter((e) => e.display && !e.display.hidden));
  for (const { attributes, source, target, display } of shownEdges) {
    const a = position(source);
    const b = position(target);
    const strokeWidth = Math.max(1, sigma.scaleSize(display.size));
    const stroke = { stroke: display.color, "stroke-width": strokeWidth, "marker-end": `url(#${marker(display.color, strokeWidth)})` };
    const curvature = (display as { curvature?: number }).curvature ?? 0;
    const dx = b.x - a.x, dy = b.y - a.y;
    let middle: { x: number; y: number };
    if (display.type === "curved" && curvature !== 0) {
      // Bent apart from the other edges between the same nodes (parallel.ts), as @sigma/edge-curve draws it: a
      // quadratic curve through its control point (controlOffset).
      const offset = controlOffset(a, b, curvature);
      const control = { x: (a.x + b.x) / 2 + offset.x, y: (a.y + b.y) / 2 + offset.y };
      const toControl = Math.hypot(b.x - control.x, b.y - control.y) || 1;
      const end = { x: b.x - ((b.x - control.x) / toControl) * b.size, y: b.y - ((b.y - control.y) / toControl) * b.size };
      edges.appendChild(el("path", { d: `M ${a.x} ${a.y} Q ${control.x} ${control.y} ${end.x} ${end.y}`, fill: "none", ...stroke }));
      middle = { x: 0.25 * a.x + 0.5 * control.x + 0.25 * end.x, y: 0.25 * a.y + 0.5 * control.y + 0.25 * end.y };
    } else {
      // End the line at the target's rim, where the arrowhead points.
      const length = Math.hypot(dx, dy) || 1;
      const end = { x: b.x - (dx / length) * b.size, y: b.y - (dy / length) * b.size };
      edges.appendChild(el("line", { x1: a.x, y1: a.y, x2: end.x, y2: end.y, ...stroke }));
      middle = { x: (a.x + end.x) / 2, y: (a.y + end.y) / 2 };
    }
    if (drawn) continue;
    const label = el("text", { x: middle.x, y: middle.y - 3 });
    label.textContent = attributes.type;
    edgeLabels.appendChild(label);
  }
  for (const placed of drawn?.edges ?? []) {
    // Along the edge as the canvas turns it, the baseline `across` off the line, centred on the place.
    const label = el("text", { x: 0, y: placed.across, transform: `translate(${placed.x} ${placed.y}) rotate(${(placed.angle * 180) / Math.PI})`, fill: placed.color });
    label.textContent = placed.text;
    edgeLabels.appendChild(label);
  }
  for (const p of byZIndex(graph.mapNodes((id) => position(id)).filter((p) => !p.display.hidden))) {
    nodes.appendChild(el("circle", { cx: p.x, cy: p.y, r: p.size, fill: p.display.color }));
    if (p.display.label && !drawn) {
      // On the side of its node the canvas draws it (labelside.ts).
      const left = (p.display as { labelLeft?: boolean }).labelLeft === true;
      const text = el("text", left ? { x: p.x - p.size - 3, y: p.y + 4, "text-anchor": "end" } : { x: p.x + p.size + 3, y: p.y + 4 });
      text.textContent = p.display.label;
      labels.appendChild(text);
    }
  }
  for (const label of drawn?.nodes ?? []) {
    const halo: Record<string, string | number> = label.halo ? { stroke: HALO, "stroke-width": HALO_WIDTH, "stroke-linejoin": "round", "paint-order": "stroke" } : {};
    const text = el("text", { x: label.x, y: label.y, fill: label.color, ...halo });
    text.textContent = label.text;
    labels.appendChild(text);
  }
  // The legend: node kinds by color.
  const legend = el("g", { class: "legend", "font-size": 11, fill: "#1b2631", transform: `translate(10, ${height - 10 - 16 * Object.keys(KIND_COLORS).length})` });
  Object.entries(KIND_COLORS).forEach(([kind, color], i) => {
    legend.appendChild(el("circle", { cx: 6, cy: i * 16 + 6, r: 5, fill: color }));
    const text = el("text", { x: 16, y: i * 16 + 10 });
    text.textContent = kind;
    legend.appendChild(text);
  });
  svg.appendChild(legend);
  return new XMLSerializer().serializeToString(doc);
}

/** The subgraph in graphology's serialization format, with each record's fields as attributes. */
export function toJson(graph: ExplorerGraph, nodes: Map<string, NodeRecord>, edges: Map<string, EdgeRecord>): string {
  return JSON.stringify(
    {
      attributes: { name: "Explorer view", exportedAt: new Date().toISOString() },
      options: { type: "directed", multi: true, allowSelfLoops: true },
      nodes: graph.mapNodes((key, a) => {
        const record = nodes.get(key);
        return { key, attributes: { name: a.label, kind: a.kind, aliases: record?.aliases ?? [], description: record?.description ?? "", x: a.x, y: a.y } };
      }),
      edges: graph.mapEdges((key, a, source, target) => ({
        key, source, target, attributes: { type: a.type, evidence: edges.get(key)?.evidence ?? [] },
      })),
    },
    null,
    2,
  );
}

export function toGraphMl(graph: ExplorerGraph, nodes: Map<string, NodeRecord>, edges: Map<string, EdgeRecord>): string {
  const doc = document.implementation.createDocument(GRAPHML_NS, "graphml", null);
  const root = doc.documentElement;
  const keys: [string, string, string][] = [
    ["name", "node", "string"], ["kind", "node", "string"], ["aliases", "node", "string"], ["description", "node", "string"],
    ["x", "node", "double"], ["y", "node", "double"], ["type", "edge", "string"], ["evidence", "edge", "string"],
  ];
  for (const [id, domain, type] of keys) {
    const key = doc.createElementNS(GRAPHML_NS, "key");
    key.setAttribute("id", id);
    key.setAttribute("for", domain);
    key.setAttribute("attr.name", id);
    key.setAttribute("attr.type", type);
    root.appendChild(key);
  }
  const g = doc.createElementNS(GRAPHML_NS, "graph");
  g.setAttribute("id", "explorer");
  g.setAttribute("edgedefault", "directed");
  root.appendChild(g);
  const data = (parent: Element, key: string, value: string | number) => {
    const element = doc.createElementNS(GRAPHML_NS, "data");
    element.setAttribute("key", key);
    element.textContent = String(value);
    parent.appendChild(element);
  };
  graph.forEachNode((key, a) => {
    const node = doc.createElementNS(GRAPHML_NS, "node");
    node.setAttribute("id", key);
    const record = nodes.get(key);
    data(node, "name", a.label);
    data(node, "kind", a.kind);
    data(node, "aliases", (record?.aliases ?? []).join("; "));
    data(node, "description", record?.description ?? "");
    data(node, "x", a.x);
    data(node, "y", a.y);
    g.appendChild(node);
  });
  graph.forEachEdge((key, a, source, target) => {
    const edge = doc.createElementNS(GRAPHML_NS, "edge");
    edge.setAttribute("id", key);
    edge.setAttribute("source", source);
    edge.setAttribute("target", target);
    data(edge, "type", a.type);
    data(edge, "evidence", (edges.get(key)?.evidence ?? []).map((e) => `${e.sourceId}: ${e.quote}`).join("\n"));
    g.appendChild(edge);
  });
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(doc);
}
