// The picking pass of the edge programs (programs.ts), curved and straight, kept apart from sigma's modules so that
// it can be tested without WebGL. sigma picks from a half-size picture, where its ~1.7 px lines are ~0.85 px thick:
// a line running between two rows of pixel centres leaves gaps (straight edges: 0 to 5 of 5 points on the line
// picked, 70 % in all, in a probe of the Haiti neighbourhood), and an analyst's click on the line can select nothing.

/** `shader` with `statement` run in the picking pass only, right after `line`; throws `changed` when `line` is not there. */
function afterInPicking(shader: string, line: string, statement: string, changed: string): string {
  if (!shader.includes(line)) throw new Error(changed);
  return shader.replace(line, `${line}\n  #ifdef PICKING_MODE\n  ${statement}\n  #endif`);
}

/** In the picking pass, the half-width (in picking pixels) within which a fragment belongs to the curve. */
export const PICKING_HALF_WIDTH = 1.5;

/** edge-curve's fragment shader with the picking pass's half thickness raised to PICKING_HALF_WIDTH. */
export function widenedPicking(shader: string): string {
  return afterInPicking(shader, "float halfThickness = thickness / 2.0;", `halfThickness = max(halfThickness, ${PICKING_HALF_WIDTH.toFixed(1)});`,
    "@sigma/edge-curve's fragment shader changed: its picking width is not widened");
}

/** In the picking pass, the least thickness (CSS pixels) of a straight edge's line. */
export const PICKING_LINE_THICKNESS = 6;

/** sigma's clamped edge vertex shader with the picking pass's least line thickness raised to PICKING_LINE_THICKNESS. */
export function widenedLinePicking(shader: string): string {
  return afterInPicking(shader, "float minThickness = u_minEdgeThickness;", `minThickness = max(minThickness, ${PICKING_LINE_THICKNESS.toFixed(1)});`,
    "sigma's edge vertex shader changed: its picking width is not widened");
}

/** In the picking pass, how far (a fraction of the head's length) a straight edge's line runs on under its head. */
export const PICKING_HEAD_OVERLAP = 0.25;

/**
 * sigma's clamped edge vertex shader (the line of an arrow) with its picking pass widened (widenedLinePicking) and
 * its line running on under the head: the line stops where the head starts, both placed from the same widened
 * thickness, and the seam between them picked nothing at some pixels.
 */
export function arrowLinePicking(shader: string): string {
  return afterInPicking(widenedLinePicking(shader), "float webGLArrowHeadLength = webGLThickness * u_lengthToThicknessRatio * 2.0;",
    `webGLArrowHeadLength *= ${(1 - PICKING_HEAD_OVERLAP).toFixed(2)};`, "sigma's clamped edge vertex shader changed: its line does not run on under its head when picked");
}
