import type Sigma from "sigma";
import { KIND_COLORS, type EdgeAttributes, type ExplorerGraph, type NodeAttributes } from "./model";
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

export function toSvg(sigma: Sigma<NodeAttributes, EdgeAttributes>, graph: ExplorerGraph): string {
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
  // One arrowhead marker per edge color, so each head matches its line.
  const defs = el("defs", {});
  const markers = new Map<string, string>();
  const marker = (color: string) => {
    let id = markers.get(color);
    if (!id) {
      id = `arrow-${markers.size}`;
      markers.set(color, id);
      const m = el("marker", { id, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse", markerUnits: "strokeWidth" });
      m.appendChild(el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: color }));
      defs.appendChild(m);
    }
    return id;
  };
  const edges = el("g", { "stroke-linecap": "round" });
  const edgeLabels = el("g", { "font-size": 10, fill: "#34495e", "text-anchor": "middle" });
  const nodes = el("g", {});
  const labels = el("g", { "font-size": 12, fill: "#1b2631" });
  svg.append(defs, edges, edgeLabels, nodes, labels);
  const position = (id: string) => {
    const display = sigma.getNodeDisplayData(id)!;
    const point = sigma.framedGraphToViewport(display);
    return { ...point, size: sigma.scaleSize(display.size), display };
  };
  graph.forEachEdge((id, attributes, source, target) => {
    const display = sigma.getEdgeDisplayData(id);
    if (!display || display.hidden) return;
    const a = position(source);
    const b = position(target);
    const stroke = { stroke: display.color, "stroke-width": Math.max(1, sigma.scaleSize(display.size)), "marker-end": `url(#${marker(display.color)})` };
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
    const label = el("text", { x: middle.x, y: middle.y - 3 });
    label.textContent = attributes.type;
    edgeLabels.appendChild(label);
  });
  graph.forEachNode((id) => {
    const p = position(id);
    if (p.display.hidden) return;
    nodes.appendChild(el("circle", { cx: p.x, cy: p.y, r: p.size, fill: p.display.color }));
    if (p.display.label) {
      // On the side of its node the canvas draws it (labelside.ts).
      const left = (p.display as { labelLeft?: boolean }).labelLeft === true;
      const text = el("text", left ? { x: p.x - p.size - 3, y: p.y + 4, "text-anchor": "end" } : { x: p.x + p.size + 3, y: p.y + 4 });
      text.textContent = p.display.label;
      labels.appendChild(text);
    }
  });
  // The legend: node kinds by color.
  const legend = el("g", { "font-size": 11, fill: "#1b2631", transform: `translate(10, ${height - 10 - 16 * Object.keys(KIND_COLORS).length})` });
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
