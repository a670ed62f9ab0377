// The picking pass of @sigma/edge-curve's program (programs.ts, edgeCurvedArrowProgram), kept apart from sigma's
// modules so that it can be tested without WebGL.

/** In the picking pass, the half-width (in picking pixels) within which a fragment belongs to the curve. */
export const PICKING_HALF_WIDTH = 1.5;

/** edge-curve's fragment shader with the picking pass's half thickness raised to PICKING_HALF_WIDTH. */
export function widenedPicking(shader: string): string {
  const line = "float halfThickness = thickness / 2.0;";
  if (!shader.includes(line)) throw new Error("@sigma/edge-curve's fragment shader changed: its picking width is not widened");
  return shader.replace(line, `${line}\n  #ifdef PICKING_MODE\n  halfThickness = max(halfThickness, ${PICKING_HALF_WIDTH.toFixed(1)});\n  #endif`);
}
