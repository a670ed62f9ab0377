// Room for every label on a small view. ForceAtlas2 places nodes, not their labels: a star of missions around
// NATO ends up with its leaves closer together than their names are long, and sigma's label grid then hides
// all but one name per cell, so an analyst sees unnamed dots. After the layout settles, this moves nodes
// apart (the least distance that separates them, mostly up or down since labels are wide and short) until no
// two boxes of node disc plus label overlap at the scale the view will be fitted at; then every label can be
// drawn. Pinned nodes stay where the analyst put them. The scale is the one the view will be fitted at (fit.ts:
// around the labels, in the canvas's free region), computed again each round as the nodes move apart.

import { fitInRegions, halfHeight, LABEL_GAP, MAX_FIT_RATIO, MIN_FIT_RATIO, radiusAt, type Rect } from "./fit";

/**
 * A node as placed: graph coordinates, and its disc radius (at camera ratio 1) and label width in screen pixels;
 * `labelLeft`: its label is drawn left of it (labelside.ts).
 */
export interface LabelItem {
  x: number;
  y: number;
  radius: number;
  labelWidth: number;
  fixed: boolean;
  labelLeft?: boolean;
}

export interface Viewport {
  width: number;
  height: number;
  /** sigma's stagePadding: screen pixels sigma keeps free around the graph at camera ratio 1. */
  padding: number;
  /** Where the view is fitted (fit.ts freeRegions); the viewport less its padding when not given. */
  regions?: readonly Rect[];
}

/** Screen pixels kept between two boxes. */
export const MARGIN = 4;

/**
 * Screen pixels per graph unit at camera ratio 1, as sigma draws: it maps the graph's larger side onto the
 * viewport's smaller side less its padding, stretched by a correction of at least 1 for the viewport's shape.
 */
export function unitScale(items: readonly { x: number; y: number }[], viewport: Viewport): number {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const { x, y } of items) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const graphWidth = Math.max(maxX - minX, 1e-9), graphHeight = Math.max(maxY - minY, 1e-9);
  // sigma's getCorrectionRatio.
  const viewportRatio = viewport.height / viewport.width;
  const graphRatio = graphHeight / graphWidth;
  const opposite = (viewportRatio < 1 && graphRatio > 1) || (viewportRatio > 1 && graphRatio < 1);
  const correction = opposite ? 1 : Math.min(Math.max(graphRatio, 1 / graphRatio), Math.max(1 / viewportRatio, viewportRatio));
  return (Math.max(1, Math.min(viewport.width, viewport.height) - 2 * viewport.padding) * correction) / Math.max(graphWidth, graphHeight);
}

/**
 * Screen pixels per graph unit when the view is fitted around its labels (fit.ts: the renderer's fit does the
 * same with sigma's own numbers), and the scale at which discs have their given radius.
 */
export function fittedScale(items: readonly LabelItem[], viewport: Viewport, labelSize: number): { scale: number; unit: number } {
  const unit = unitScale(items, viewport);
  const { width, height, padding } = viewport;
  const regions = viewport.regions ?? [{ left: padding, top: padding, right: width - padding, bottom: height - padding }];
  // Graph y runs up, screen y down.
  const fitItems = items.map(({ x, y, radius, labelWidth, labelLeft }) => ({ x, y: -y, radius, labelWidth, labelLeft }));
  const fit = fitInRegions(fitItems, regions, labelSize, unit, unit / MAX_FIT_RATIO, unit / MIN_FIT_RATIO);
  return { scale: fit?.scale ?? unit, unit };
}

/** A box around a node's centre: how far it reaches left, right, and up and down, in screen pixels. */
export interface Box {
  left: number;
  right: number;
  half: number;
}

/** The node's box (disc and label to its right, or its left with labelLeft), in screen pixels around its centre, at this scale. */
export function box(item: LabelItem, labelSize: number, scale: { scale: number; unit: number }): Box {
  const radius = radiusAt(item.radius, scale.scale, scale.unit);
  const reach = radius + LABEL_GAP + item.labelWidth;
  return item.labelLeft ? { left: reach, right: radius, half: halfHeight(radius, labelSize) } : { left: radius, right: reach, half: halfHeight(radius, labelSize) };
}

/**
 * How far two boxes overlap along x and along y, in screen pixels at this scale (both positive: they overlap).
 * sigma keeps x to the right; y only flips, which a symmetric box ignores.
 */
export function overlap(a: { x: number; y: number }, p: Box, b: { x: number; y: number }, q: Box, scale: number): [number, number] {
  const ax = a.x * scale, bx = b.x * scale, ay = a.y * scale, by = b.y * scale;
  return [
    Math.min(ax + p.right, bx + q.right) - Math.max(ax - p.left, bx - q.left),
    Math.min(ay + p.half, by + q.half) - Math.max(ay - p.half, by - q.half),
  ];
}

/**
 * New positions (graph coordinates, in the items' order) under which no two boxes overlap when fitted, moving
 * each node as little as this greedy pass can; `rounds` bounds the work (a view with more label area than
 * screen cannot be separated, and keeps what the last round reached).
 */
export function separateLabels(items: readonly LabelItem[], viewport: Viewport, labelSize: number, rounds = 60): { x: number; y: number }[] {
  const at = items.map(({ x, y }) => ({ x, y }));
  for (let round = 0; round < rounds; round++) {
    const fitted = fittedScale(items.map((item, i) => ({ ...item, ...at[i]! })), viewport, labelSize);
    const scale = fitted.scale;
    const boxes = items.map((item) => box(item, labelSize, fitted));
    let moved = false;
    for (let i = 0; i < at.length; i++) {
      for (let j = i + 1; j < at.length; j++) {
        const a = at[i]!, b = at[j]!, p = boxes[i]!, q = boxes[j]!;
        const [x, y] = overlap(a, p, b, q, scale);
        const overlapX = x + MARGIN, overlapY = y + MARGIN;
        if (overlapX <= 0 || overlapY <= 0) continue;
        const iFixed = items[i]!.fixed, jFixed = items[j]!.fixed;
        if (iFixed && jFixed) continue;
        // Part each by half the overlap (all of it for the one that may move), along the cheaper axis.
        const share = iFixed || jFixed ? 1 : 0.5;
        if (overlapY <= overlapX) {
          const sign = a.y < b.y || (a.y === b.y && i < j) ? -1 : 1;
          const d = (overlapY * share) / scale;
          if (!iFixed) a.y += sign * d;
          if (!jFixed) b.y -= sign * d;
        } else {
          // Centres of the boxes, not the nodes: a label extends to the right.
          const ca = a.x * scale + (p.right - p.left) / 2, cb = b.x * scale + (q.right - q.left) / 2;
          const sign = ca < cb || (ca === cb && i < j) ? -1 : 1;
          const d = (overlapX * share) / scale;
          if (!iFixed) a.x += sign * d;
          if (!jFixed) b.x -= sign * d;
        }
        moved = true;
      }
    }
    if (!moved) break;
  }
  return at;
}

/** Whether any two boxes overlap when fitted (what separateLabels removes). */
export function labelsOverlap(items: readonly LabelItem[], viewport: Viewport, labelSize: number): boolean {
  const fitted = fittedScale(items, viewport, labelSize);
  const scale = fitted.scale;
  const boxes = items.map((item) => box(item, labelSize, fitted));
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const [x, y] = overlap(items[i]!, boxes[i]!, items[j]!, boxes[j]!, scale);
      if (x > 0 && y > 0) return true;
    }
  }
  return false;
}
