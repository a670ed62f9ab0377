// Fitting a view around its labels, clear of what floats over the canvas. sigma's own fit frames the node
// positions with a fixed padding: a label runs past the right edge (or flips to the left of its node and onto
// another), a node sits under the legend or the toolbar, and a view of short labels keeps wide empty margins.
// This frames the boxes of what is drawn (each node's disc, and its label where every label is drawn) inside
// the largest free part of the canvas, at the closest zoom at which they all fit. Pure geometry: the renderer
// gives positions and sizes, and reads back a scale and where the boxes land.

/** A rectangle in screen pixels. */
export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * A node to frame. x and y are screen pixels at scale 1 (y down, as on screen), from any origin; at scale s the
 * node is drawn at (x·s, y·s) from it. `radius` is its disc's radius at scale `unitScale` (sigma draws a disc
 * size/√ratio, so it grows with the square root of the scale); `labelWidth` 0 means no label is drawn;
 * `labelLeft` puts the label left of the node (labelside.ts chooses it where edges run through the right side).
 */
export interface FitItem {
  x: number;
  y: number;
  radius: number;
  labelWidth: number;
  labelLeft?: boolean;
}

/** Screen pixels between a disc and its label (labels.ts draws it there). */
export const LABEL_GAP = 3;

/**
 * The camera ratios a fit may use: zoomed in at most twice as close as sigma's own fit (a view of two nodes is
 * not blown up to fill the screen), and out as far as sigma lets the camera go (its maxCameraRatio).
 */
export const MIN_FIT_RATIO = 0.5;
export const MAX_FIT_RATIO = 10;

/** A disc's radius at this scale. */
export function radiusAt(radius: number, scale: number, unitScale: number): number {
  return radius * Math.sqrt(scale / unitScale);
}

/** The label's half-height (a box taller than the text's ink), or the disc's radius if larger. */
export function halfHeight(radius: number, labelSize: number): number {
  return Math.max(radius, labelSize / 2 + 2);
}

/** A node's box at this scale: its disc, and its label to the right (or the left, with labelLeft) where drawn. */
export function boxAt(item: FitItem, scale: number, unitScale: number, labelSize: number): Rect {
  const radius = radiusAt(item.radius, scale, unitScale);
  const x = item.x * scale;
  const y = item.y * scale;
  const half = item.labelWidth > 0 ? halfHeight(radius, labelSize) : radius;
  const reach = item.labelWidth > 0 ? radius + LABEL_GAP + item.labelWidth : radius;
  return item.labelLeft ? { left: x - reach, right: x + radius, top: y - half, bottom: y + half } : { left: x - radius, right: x + reach, top: y - half, bottom: y + half };
}

/** The box around every item's box at this scale. */
export function boundsAt(items: readonly FitItem[], scale: number, unitScale: number, labelSize: number): Rect {
  const bounds = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  for (const item of items) {
    const box = boxAt(item, scale, unitScale, labelSize);
    bounds.left = Math.min(bounds.left, box.left);
    bounds.top = Math.min(bounds.top, box.top);
    bounds.right = Math.max(bounds.right, box.right);
    bounds.bottom = Math.max(bounds.bottom, box.bottom);
  }
  return bounds;
}

/**
 * The largest scale in [min, max] at which the items' boxes fit in a width × height rectangle (found by halving,
 * in steps of a ratio: a scale is a zoom). `min` when even it does not fit (labels wider than the screen).
 */
export function largestScale(items: readonly FitItem[], width: number, height: number, labelSize: number, unitScale: number, min: number, max: number): number {
  const fits = (scale: number) => {
    const b = boundsAt(items, scale, unitScale, labelSize);
    return b.right - b.left <= width && b.bottom - b.top <= height;
  };
  if (items.length === 0 || fits(max)) return max;
  if (!fits(min)) return min;
  let lo = Math.log(min);
  let hi = Math.log(max);
  for (let i = 0; i < 40 && hi - lo > 1e-6; i++) {
    const mid = (lo + hi) / 2;
    if (fits(Math.exp(mid))) lo = mid;
    else hi = mid;
  }
  return Math.exp(lo);
}

/** A fit: the scale, the free region it uses, and where the items' boxes lie at that scale (from the items' origin). */
export interface Fit {
  scale: number;
  region: Rect;
  bounds: Rect;
}

/** The region of these that lets the items be drawn largest (the first on a tie), and the fit there. */
export function fitInRegions(items: readonly FitItem[], regions: readonly Rect[], labelSize: number, unitScale: number, min: number, max: number): Fit | null {
  let best: Fit | null = null;
  for (const region of regions) {
    const width = region.right - region.left;
    const height = region.bottom - region.top;
    if (width <= 0 || height <= 0) continue;
    const scale = largestScale(items, width, height, labelSize, unitScale, min, max);
    if (best === null || scale > best.scale) best = { scale, region, bounds: boundsAt(items, scale, unitScale, labelSize) };
  }
  return best;
}

/** Screen pixels kept free along the canvas's edges, and between the view and what floats over the canvas. */
export const EDGE_MARGIN = 16;
export const OVERLAY_MARGIN = 8;

/**
 * The free regions of a width × height canvas with these overlays (the toolbar, the legend: rectangles in the
 * canvas's pixels): each overlay is cleared by cutting the canvas from one of its four sides, every choice is a
 * candidate, and candidates inside another are dropped. A toolbar along the top leaves, among others, the canvas
 * below it; a legend in the bottom-left corner, the canvas right of it or the canvas above it.
 */
export function freeRegions(width: number, height: number, overlays: readonly Rect[]): Rect[] {
  let regions: Rect[] = [{ left: EDGE_MARGIN, top: EDGE_MARGIN, right: width - EDGE_MARGIN, bottom: height - EDGE_MARGIN }];
  for (const o of overlays) {
    if (o.right <= o.left || o.bottom <= o.top) continue;
    const next: Rect[] = [];
    for (const r of regions) {
      // Not in the way of this region: kept whole.
      if (o.right + OVERLAY_MARGIN <= r.left || o.left - OVERLAY_MARGIN >= r.right || o.bottom + OVERLAY_MARGIN <= r.top || o.top - OVERLAY_MARGIN >= r.bottom) {
        next.push(r);
        continue;
      }
      next.push(
        { ...r, left: Math.max(r.left, o.right + OVERLAY_MARGIN) },
        { ...r, right: Math.min(r.right, o.left - OVERLAY_MARGIN) },
        { ...r, top: Math.max(r.top, o.bottom + OVERLAY_MARGIN) },
        { ...r, bottom: Math.min(r.bottom, o.top - OVERLAY_MARGIN) },
      );
    }
    regions = next.filter((r) => r.right - r.left > 0 && r.bottom - r.top > 0);
  }
  const inside = (a: Rect, b: Rect) => a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom;
  return regions.filter((r, i) => !regions.some((other, j) => j !== i && inside(r, other) && (!inside(other, r) || j < i)));
}
