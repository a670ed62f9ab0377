import type { Attributes } from "graphology-types";
import type { NodeHoverDrawingFunction, NodeLabelDrawingFunction } from "sigma/rendering";

// Node labels that stay on the canvas. sigma draws a label to the right of its node; a node near the right
// edge (next to the side panel) had its label cut off ("African Union–United Nations Hybrid Operation in
// Darfur"). These draw it on the left instead when it does not fit on the right and fits better there.
// A node whose display data has `labelLeft` (labelside.ts: edges run through its label on the right) has its
// label on the left, text ending before the node, unless it does not fit there and fits better on the right.
// The hover box (white, shadowed) follows the label to the same side. Otherwise they draw as sigma's own.

const GAP = 3;
const PADDING = 2;
/** The canvas's background (style.css .graph), and the width of the outline a forced label gets in it. */
export const HALO = "#fbfcfd";
export const HALO_WIDTH = 3;

/**
 * Where a label of this width starts: right of the node, or left of it when the right side is short. With
 * `preferLeft` the other way round: left of the node (the text ending GAP before its disc), or right of it when
 * the left side is short.
 */
function labelX(x: number, size: number, width: number, canvasWidth: number, preferLeft = false): { start: number; left: boolean } {
  const right = x + size + GAP;
  const roomRight = canvasWidth - right;
  const roomLeft = x - size - GAP;
  if (preferLeft) {
    if (width <= roomLeft || roomLeft >= roomRight) return { start: roomLeft - width, left: true };
    return { start: right, left: false };
  }
  if (width <= roomRight || roomRight >= roomLeft) return { start: right, left: false };
  return { start: roomLeft - width, left: true };
}

/** Whether sigma's display data asks for the label on the left of its node (labelside.ts). */
function prefersLeft(data: object): boolean {
  return (data as { labelLeft?: unknown }).labelLeft === true;
}

/**
 * Where edgeAwareLabel starts a label of this measured width (viewport data, as sigma passes it): right of the
 * node, or left of it near the right edge; left of it with `labelLeft`.
 */
export function drawnLabelStart(data: { x: number; size: number; label: string; labelLeft?: boolean }, labelSize: number, width: number, canvasWidth: number): number {
  if (prefersLeft(data)) return labelX(data.x, data.size, width, canvasWidth, true).start;
  const x = data.x + data.size + GAP;
  if (x + labelSize * data.label.length <= canvasWidth) return x;
  return labelX(data.x, data.size, width, canvasWidth).start;
}

/** The colour a sigma colour setting (labelColor, edgeLabelColor) gives an item: its attribute's value, else the setting's colour. */
export function settingColor(setting: { attribute?: string; color?: string }, data: object): string {
  const value = setting.attribute ? (data as Record<string, unknown>)[setting.attribute] : undefined;
  return (typeof value === "string" && value) || setting.color || "#000";
}

export function font(settings: { labelWeight: string; labelSize: number; labelFont: string }): string {
  return `${settings.labelWeight} ${settings.labelSize}px ${settings.labelFont}`;
}

/** A rectangle in CSS pixels of the label canvas. */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Where edgeAwareLabel's ink can fall for this label (viewport data, as sigma passes it), with a margin. Without
 * `measure`, the label's width is taken as at most its font size a character (what edgeAwareLabel itself assumes);
 * with it, the measured width. The label canvas redraws only the labels whose box meets a change (labelcache.ts),
 * so a box must never be smaller than the ink: glyphs may overhang their advance, accents rise above the
 * cap height, so the margins are generous (half the font size across, the font size plus 2 px up and down).
 */
export function labelBox(data: { x: number; y: number; size: number; label?: string | null; labelLeft?: boolean }, labelSize: number, canvasWidth: number, measure?: (text: string) => number): Box {
  const label = data.label ?? "";
  // Unmeasured, a label is taken as up to twice its font size a character wide (an emoji or a wide glyph
  // can exceed one font size).
  const bound = 2 * labelSize * label.length;
  const x = data.x + data.size + GAP;
  let start: number;
  let width: number;
  if (prefersLeft(data) && measure) {
    // edgeAwareLabel measures a label meant for the left: the side depends on the width.
    width = measure(label);
    start = labelX(data.x, data.size, width, canvasWidth, true).start;
  } else if (prefersLeft(data)) {
    // Either side.
    start = data.x - data.size - GAP - bound;
    width = x + bound - start;
  } else if (x + labelSize * label.length <= canvasWidth) {
    // edgeAwareLabel draws on the right without measuring.
    start = x;
    width = measure ? measure(label) : bound;
  } else if (measure) {
    // edgeAwareLabel measures here: the side depends on the width.
    width = measure(label);
    start = labelX(data.x, data.size, width, canvasWidth).start;
  } else {
    // Either side.
    start = data.x - data.size - GAP - bound;
    width = x + bound - start;
  }
  const margin = labelSize / 2;
  return { left: start - margin, right: start + width + margin, top: data.y - labelSize - 2, bottom: data.y + labelSize + 2 };
}

/** A label that flips to the left of its node near the right edge; `width()` is the canvas width in CSS pixels. */
export function edgeAwareLabel<N extends Attributes = Attributes, E extends Attributes = Attributes>(width: () => number): NodeLabelDrawingFunction<N, E> {
  return (context, data, settings) => {
    if (!data.label) return;
    context.fillStyle = settingColor(settings.labelColor, data);
    context.font = font(settings);
    // Measuring costs a little; only a node in the right part of the canvas can overflow it (no character of
    // a label font is wider than its size).
    const x = data.x + data.size + GAP;
    const canvasWidth = width();
    const start = prefersLeft(data)
      ? labelX(data.x, data.size, context.measureText(data.label).width, canvasWidth, true).start
      : x + settings.labelSize * data.label.length <= canvasWidth ? x : labelX(data.x, data.size, context.measureText(data.label).width, canvasWidth).start;
    const baseline = data.y + settings.labelSize / 3;
    if (data.forceLabel) {
      // A label drawn whatever the density (every label of a small view, a path's): outlined in the canvas's
      // colour, so an edge passing under it does not run through the text.
      context.strokeStyle = HALO;
      context.lineWidth = HALO_WIDTH;
      context.lineJoin = "round";
      context.strokeText(data.label, start, baseline);
    }
    context.fillText(data.label, start, baseline);
  };
}

/** sigma's hover box (node disc plus label box, shadowed), on the side the label is drawn. */
export function edgeAwareHover<N extends Attributes = Attributes, E extends Attributes = Attributes>(width: () => number, label: NodeLabelDrawingFunction<N, E>): NodeHoverDrawingFunction<N, E> {
  return (context, data, settings) => {
    const size = settings.labelSize;
    context.font = font(settings);
    context.fillStyle = "#FFF";
    context.shadowOffsetX = 0;
    context.shadowOffsetY = 0;
    context.shadowBlur = 8;
    context.shadowColor = "#000";
    context.beginPath();
    if (typeof data.label === "string" && data.label) {
      const textWidth = context.measureText(data.label).width;
      const boxWidth = Math.round(textWidth + 5);
      const boxHeight = Math.round(size + 2 * PADDING);
      const radius = Math.max(data.size, size / 2) + PADDING;
      const angle = Math.asin(boxHeight / 2 / radius);
      const dx = Math.sqrt(Math.abs(radius ** 2 - (boxHeight / 2) ** 2));
      const { left } = labelX(data.x, data.size, textWidth, width(), prefersLeft(data));
      const side = left ? -1 : 1;
      context.moveTo(data.x + side * dx, data.y + boxHeight / 2);
      context.lineTo(data.x + side * (radius + boxWidth), data.y + boxHeight / 2);
      context.lineTo(data.x + side * (radius + boxWidth), data.y - boxHeight / 2);
      context.lineTo(data.x + side * dx, data.y - boxHeight / 2);
      if (left) context.arc(data.x, data.y, radius, Math.PI + angle, Math.PI - angle);
      else context.arc(data.x, data.y, radius, angle, -angle);
    } else {
      context.arc(data.x, data.y, data.size + PADDING, 0, Math.PI * 2);
    }
    context.closePath();
    context.fill();
    context.shadowBlur = 0;
    label(context, data, settings);
  };
}
