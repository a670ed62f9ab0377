import type { Attributes } from "graphology-types";
import type { EdgeLabelDrawingFunction } from "sigma/rendering";
import type { Rect } from "./fit";
import { settingColor } from "./labels";
import { controlOffset } from "./parallel";

// Edge labels that keep off node labels. sigma draws an edge's type at the middle of the edge, along it, just
// below the line; the node-label layer lies above the edge-label layer, so where an edge passes under a node's
// label the two texts are drawn across each other ("PARTNERED_WITH" through "United States · 3 more"). This
// draws the label at the first free spot among: the middle, below then above the line, then further towards
// either end; a spot is free when the text's box (turned with the edge) meets no drawn node label, no disc of
// the edge's ends, nothing floating over the canvas, no edge label already placed in this frame, and stays on the
// canvas. With no free spot the label is left out (the edge's panel names it), except on the hovered or selected
// edge, which is drawn where sigma would.

export interface Point {
  x: number;
  y: number;
}

/** An edge label's place: where its text starts (in the rotated frame of the edge), and its box's corners. */
export interface EdgeLabelPlace {
  /** The middle of the text's baseline, in canvas pixels. */
  x: number;
  y: number;
  angle: number;
  /** Baseline offset across the edge (positive: below the line, as sigma draws it). */
  across: number;
  corners: Point[];
}

/** How far the text's ink reaches above and below its baseline, in font sizes (generous, for any glyph). */
const ASCENT = 0.85;
const DESCENT = 0.3;
/** Fractions of the edge tried for the label's middle, in order: the middle, then outwards both ways. */
const ALONG = [0.5, ...Array.from({ length: 9 }, (_, i) => [0.45 - 0.05 * i, 0.55 + 0.05 * i]).flat()];

/** sigma's angle for an edge label: along the edge, turned so the text reads left to right. */
export function labelAngle(dx: number, dy: number): number {
  const d = Math.sqrt(dx * dx + dy * dy);
  if (dx > 0) return dy > 0 ? Math.acos(dx / d) : Math.asin(dy / d);
  return dy > 0 ? Math.acos(dx / d) + Math.PI : Math.asin(dx / d) + Math.PI / 2;
}

/** The segment between the two discs' borders, as sigma's drawStraightEdgeLabel takes it. null if they touch. */
export function edgeSegment(source: Point & { size: number }, target: Point & { size: number }): { from: Point; to: Point; length: number } | null {
  const dx = target.x - source.x;
  const dy = target.y - source.y;
  const d = Math.sqrt(dx * dx + dy * dy);
  if (d < source.size + target.size) return null;
  const from = { x: source.x + (dx * source.size) / d, y: source.y + (dy * source.size) / d };
  const to = { x: target.x - (dx * target.size) / d, y: target.y - (dy * target.size) / d };
  return { from, to, length: Math.hypot(to.x - from.x, to.y - from.y) };
}

/**
 * The chord of a curved edge (parallel.ts; @sigma/edge-curve's quadratic curve, whose control point is off the
 * middle by `curvature` times the length, to the left of the edge's direction with y down) moved to the curve's
 * apex, half-way to the control point: the curve passes through that chord's middle along it, so a label placed
 * there sits on the curve as a straight edge's label sits on its line.
 */
export function apexChord<T extends Point>(source: T, target: T, curvature: number): [T, T] {
  const control = controlOffset(source, target, curvature);
  const off = { x: control.x / 2, y: control.y / 2 };
  return [{ ...source, x: source.x + off.x, y: source.y + off.y }, { ...target, x: target.x + off.x, y: target.y + off.y }];
}

/** The places tried for a label `width` pixels long, best first (the first is sigma's own). */
export function candidatePlaces(segment: { from: Point; to: Point; length: number }, width: number, edgeSize: number, labelSize: number): EdgeLabelPlace[] {
  const { from, to, length } = segment;
  const angle = labelAngle(to.x - from.x, to.y - from.y);
  const u = { x: Math.cos(angle), y: Math.sin(angle) };
  const v = { x: -Math.sin(angle), y: Math.cos(angle) };
  const below = edgeSize / 2 + labelSize;
  const above = -edgeSize / 2 - DESCENT * labelSize - 1;
  const places: EdgeLabelPlace[] = [];
  for (const t of ALONG) {
    // The text stays on the segment.
    if (Math.min(t, 1 - t) * length < width / 2 - 1e-9 && t !== 0.5) continue;
    const x = from.x + (to.x - from.x) * t;
    const y = from.y + (to.y - from.y) * t;
    for (const across of [below, above]) {
      const corner = (along: number, off: number) => ({ x: x + u.x * along + v.x * off, y: y + u.y * along + v.y * off });
      const top = across - ASCENT * labelSize;
      const bottom = across + DESCENT * labelSize;
      places.push({ x, y, angle, across, corners: [corner(-width / 2, top), corner(width / 2, top), corner(width / 2, bottom), corner(-width / 2, bottom)] });
    }
  }
  return places;
}

function corners(rect: Rect): Point[] {
  return [{ x: rect.left, y: rect.top }, { x: rect.right, y: rect.top }, { x: rect.right, y: rect.bottom }, { x: rect.left, y: rect.bottom }];
}

/** Whether two convex polygons (corners in order) overlap (separating axes; touching is not overlapping). */
export function polygonsOverlap(a: readonly Point[], b: readonly Point[]): boolean {
  for (const polygon of [a, b]) {
    for (let i = 0; i < polygon.length; i++) {
      const p = polygon[i]!;
      const q = polygon[(i + 1) % polygon.length]!;
      const axis = { x: q.y - p.y, y: p.x - q.x };
      let minA = Infinity, maxA = -Infinity, minB = Infinity, maxB = -Infinity;
      for (const c of a) {
        const d = c.x * axis.x + c.y * axis.y;
        minA = Math.min(minA, d);
        maxA = Math.max(maxA, d);
      }
      for (const c of b) {
        const d = c.x * axis.x + c.y * axis.y;
        minB = Math.min(minB, d);
        maxB = Math.max(maxB, d);
      }
      if (maxA <= minB || maxB <= minA) return false;
    }
  }
  return true;
}

/** The first candidate place that meets none of `taken` and stays inside `canvas`, or null. */
export function freePlace(places: readonly EdgeLabelPlace[], taken: readonly (readonly Point[])[], canvas: Rect): EdgeLabelPlace | null {
  for (const place of places) {
    if (place.corners.some((c) => c.x < canvas.left || c.x > canvas.right || c.y < canvas.top || c.y > canvas.bottom)) continue;
    if (taken.some((t) => polygonsOverlap(place.corners, t))) continue;
    return place;
  }
  return null;
}

/** An edge label as drawn: its text (shortened as drawn), its place, box and colour. */
export interface PlacedEdgeLabel extends EdgeLabelPlace {
  id: string;
  text: string;
  color: string;
}

/**
 * The edge labels of one drawing: `begin` with what they must keep off (rectangles in canvas pixels), then sigma
 * calls `draw` per edge (as its defaultDrawEdgeLabel). `placed` is what was drawn, for the SVG export and the
 * test hook.
 */
export class EdgeLabelRoom {
  private taken: Point[][] = [];
  private canvas: Rect = { left: 0, top: 0, right: Infinity, bottom: Infinity };
  placed: PlacedEdgeLabel[] = [];

  /**
   * @param forced whether this edge's label is drawn even without a free spot (the hovered or selected edge).
   */
  constructor(private readonly forced: (edge: string) => boolean) {}

  begin(obstacles: readonly Rect[], width: number, height: number): void {
    this.taken = obstacles.map(corners);
    this.canvas = { left: 0, top: 0, right: width, bottom: height };
    this.placed = [];
  }

  readonly draw: EdgeLabelDrawingFunction<Attributes, Attributes> = (context, edgeData, sourceData, targetData, settings) => {
    let label = edgeData.label;
    if (!label) return;
    const size = settings.edgeLabelSize;
    const color = settingColor(settings.edgeLabelColor, edgeData);
    context.fillStyle = color;
    context.font = `${settings.edgeLabelWeight} ${size}px ${settings.edgeLabelFont}`;
    // A curved edge's label goes at the curve's apex (below or above it), where its chord moved there meets the
    // curve; further along, that chord leaves the curve, so no other spot is tried.
    const curvature = (edgeData as { curvature?: number }).curvature ?? 0;
    const segment = curvature === 0 ? edgeSegment(sourceData, targetData) : edgeSegment(...apexChord(sourceData, targetData, curvature));
    if (!segment) return;
    // sigma's ellipsis for a label longer than the edge.
    let width = context.measureText(label).width;
    if (width > segment.length) {
      label += "…";
      width = context.measureText(label).width;
      while (width > segment.length && label.length > 1) {
        label = label.slice(0, -2) + "…";
        width = context.measureText(label).width;
      }
      if (label.length < 4) return;
    }
    let places = candidatePlaces(segment, width, edgeData.size, size);
    if (curvature !== 0) {
      // The apex's two spots, the curve's outer side first: on the inner side the curve bends back through the
      // text's ends.
      const [below, above] = places as [EdgeLabelPlace, EdgeLabelPlace];
      const outward = controlOffset(sourceData, targetData, curvature);
      places = -Math.sin(below.angle) * outward.x + Math.cos(below.angle) * outward.y >= 0 ? [below, above] : [above, below];
    }
    // The ends' discs are in the way too (a node without a drawn label is not among the obstacles).
    const discs = [sourceData, targetData].map((n) => corners({ left: n.x - n.size, right: n.x + n.size, top: n.y - n.size, bottom: n.y + n.size }));
    const place = freePlace(places, [...this.taken, ...discs], this.canvas) ?? (this.forced(edgeData.key) ? places[0]! : null);
    if (!place) return;
    context.save();
    context.translate(place.x, place.y);
    context.rotate(place.angle);
    context.fillText(label, -width / 2, place.across);
    context.restore();
    this.taken.push(place.corners);
    this.placed.push({ ...place, id: edgeData.key, text: label, color });
  };
}
