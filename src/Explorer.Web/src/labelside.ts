// Which side of its node a label goes on. On a view that draws every label, a label sits right of its node; when
// the node's edges leave it to the right (a hub whose neighbours lie east of it, a leaf whose only edge runs that
// way), they run through the text, which is then hard to read. After labelroom.ts has made room for the labels,
// this moves a label to the left of its node where fewer edges cross it there and the left is clear of other
// nodes; then it takes back moves that made labels overlap at the scale the view will be fitted at (the label
// furthest from its node first, as it is the one most in the way). Pure geometry, and deterministic: a tie keeps
// the label on the right.

import { LABEL_GAP, radiusAt, type Rect } from "./fit";
import { box, fittedScale, MARGIN, overlap, type Box, type LabelItem, type Viewport } from "./labelroom";

/**
 * Whether the segment from (x1, y1) to (x2, y2) meets the rectangle (inside or on its border): the segment is
 * clipped to the rectangle's slabs along x and y (Liang–Barsky) and meets it if something is left.
 */
export function segmentMeetsBox(x1: number, y1: number, x2: number, y2: number, box: Rect): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = x2 - x1;
  const dy = y2 - y1;
  // Each side of the box as p·t <= q (the part of the segment inside that side's half-plane).
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, x1 - box.left) && clip(dx, box.right - x1) && clip(-dy, y1 - box.top) && clip(dy, box.bottom - y1) && t0 <= t1;
}

/** The box of a label's text (without its node's disc) on one side of a node at (x, y) with this disc radius, in screen pixels. */
function textBox(x: number, y: number, radius: number, width: number, labelSize: number, left: boolean): Rect {
  const half = labelSize / 2 + 2;
  const near = radius + LABEL_GAP;
  return left ? { left: x - near - width, right: x - near, top: y - half, bottom: y + half } : { left: x + near, right: x + near + width, top: y - half, bottom: y + half };
}

/** Whether a disc of this radius (plus MARGIN) at (x, y) meets the rectangle. */
function discMeetsBox(x: number, y: number, radius: number, box: Rect): boolean {
  const dx = Math.max(box.left - x, 0, x - box.right);
  const dy = Math.max(box.top - y, 0, y - box.bottom);
  const reach = radius + MARGIN;
  return dx * dx + dy * dy < reach * reach;
}

/** Whether two items' boxes (disc and label, on their sides) overlap or come closer than MARGIN at this scale. */
function meet(a: LabelItem, p: Box, b: LabelItem, q: Box, scale: number): boolean {
  const [x, y] = overlap(a, p, b, q, scale);
  return x + MARGIN > 0 && y + MARGIN > 0;
}

/** Pairs of items whose boxes meet at this scale, as i·n + j (i < j). */
function meetingPairs(items: readonly LabelItem[], labelSize: number, fitted: { scale: number; unit: number }): Set<number> {
  const boxes = items.map((item) => box(item, labelSize, fitted));
  const pairs = new Set<number>();
  const n = items.length;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (meet(items[i]!, boxes[i]!, items[j]!, boxes[j]!, fitted.scale)) pairs.add(i * n + j);
  return pairs;
}

/**
 * For each item (graph coordinates, as labelroom.ts places them), whether its label goes left of its node: where
 * fewer of the edges (`links`: index pairs, drawn as straight segments between node centres) cross the label's
 * text box there than on the right, at the scale the view is fitted at, and the left box is clear of every other
 * node's disc by MARGIN. Moves that make two boxes overlap at the scale the view is then fitted at (which the
 * moves can change) are taken back, the widest label first, until no pair overlaps that did not with every label
 * on the right. The items' own labelLeft is ignored: every label starts on the right.
 */
export function chooseLabelSides(items: readonly LabelItem[], links: readonly (readonly [number, number])[], viewport: Viewport, labelSize: number): boolean[] {
  const n = items.length;
  const left = new Array<boolean>(n).fill(false);
  if (n === 0) return left;
  const right = items.map((item) => ({ ...item, labelLeft: false }));
  const fitted = fittedScale(right, viewport, labelSize);
  const { scale, unit } = fitted;
  // Screen pixels at the fitted scale (y down, as drawn).
  const xs = items.map((item) => item.x * scale);
  const ys = items.map((item) => -item.y * scale);
  const radii = items.map((item) => radiusAt(item.radius, scale, unit));
  // Each drawn segment once (two edges between the same nodes are one line), and no loops.
  const segments: [number, number][] = [];
  const seen = new Set<number>();
  for (const [a, b] of links) {
    if (a === b || a < 0 || b < 0 || a >= n || b >= n) continue;
    const key = Math.min(a, b) * n + Math.max(a, b);
    if (seen.has(key)) continue;
    seen.add(key);
    segments.push([a, b]);
  }
  const crossings = (box: Rect) => {
    let count = 0;
    for (const [a, b] of segments) if (segmentMeetsBox(xs[a]!, ys[a]!, xs[b]!, ys[b]!, box)) count++;
    return count;
  };
  let moved = false;
  for (let i = 0; i < n; i++) {
    const width = items[i]!.labelWidth;
    if (width <= 0) continue;
    const leftBox = textBox(xs[i]!, ys[i]!, radii[i]!, width, labelSize, true);
    const onLeft = crossings(leftBox);
    if (onLeft >= crossings(textBox(xs[i]!, ys[i]!, radii[i]!, width, labelSize, false))) continue;
    let clear = true;
    for (let j = 0; j < n && clear; j++) if (j !== i && discMeetsBox(xs[j]!, ys[j]!, radii[j]!, leftBox)) clear = false;
    if (!clear) continue;
    left[i] = true;
    moved = true;
  }
  if (!moved) return left;

  // Take back moves that made labels overlap at the new fitted scale, the widest label first. (The scale is fitted
  // again once the pairs that overlap at the last one are cleared: each fit costs more than all the pairs.)
  const before = meetingPairs(right, labelSize, fitted);
  const widestOf = (candidates: Iterable<number>) => {
    let widest = -1;
    for (const i of candidates) {
      if (widest < 0) widest = i;
      const w = items[i]!.labelWidth, best = items[widest]!.labelWidth;
      if (w > best || (w === best && i < widest)) widest = i;
    }
    return widest;
  };
  for (;;) {
    const sided = items.map((item, i) => ({ ...item, labelLeft: left[i]! }));
    const now = fittedScale(sided, viewport, labelSize);
    let fresh = [...meetingPairs(sided, labelSize, now)].filter((pair) => !before.has(pair));
    if (fresh.length === 0) break;
    // The moved labels in those pairs; if none (the fit zoomed out and two labels on the right now meet), any moved one.
    if (fresh.every((pair) => !left[Math.floor(pair / n)] && !left[pair % n])) {
      const widest = widestOf(left.flatMap((isLeft, i) => (isLeft ? [i] : [])));
      if (widest < 0) break;
      left[widest] = false;
      continue;
    }
    while (fresh.length > 0) {
      const widest = widestOf(fresh.flatMap((pair) => [Math.floor(pair / n), pair % n]).filter((i) => left[i]));
      if (widest < 0) break;
      left[widest] = false;
      sided[widest] = { ...sided[widest]!, labelLeft: false };
      const unmoved = box(sided[widest]!, labelSize, now);
      // The pairs still meeting at this scale.
      fresh = fresh.filter((pair) => {
        const i = Math.floor(pair / n), j = pair % n;
        if (i !== widest && j !== widest) return true;
        const other = i === widest ? j : i;
        return meet(sided[widest]!, unmoved, sided[other]!, box(sided[other]!, labelSize, now), now.scale);
      });
    }
  }
  return left;
}
