import { describe, expect, it } from "vitest";
import { arrowLinePicking, PICKING_HALF_WIDTH, PICKING_HEAD_OVERLAP, PICKING_LINE_THICKNESS, widenedLinePicking, widenedPicking } from "../src/edgepicking";

describe("the curved edges' picking width", () => {
  const shader = "void main(void) {\n  float halfThickness = thickness / 2.0;\n  if (dist < halfThickness) {\n  }\n}";

  it("raises the half thickness in the picking pass only", () => {
    const widened = widenedPicking(shader);
    const at = widened.indexOf("float halfThickness = thickness / 2.0;");
    const raised = widened.indexOf(`halfThickness = max(halfThickness, ${PICKING_HALF_WIDTH.toFixed(1)});`);
    expect(raised).toBeGreaterThan(at);
    expect(widened.slice(at, raised)).toContain("#ifdef PICKING_MODE");
    expect(widened.slice(raised)).toContain("#endif");
    expect(widened.indexOf("if (dist < halfThickness)")).toBeGreaterThan(raised);
  });

  it("refuses a shader it does not know rather than leave the curves hard to click", () => {
    expect(() => widenedPicking("void main(void) { float half = t * 0.5; }")).toThrow(/edge-curve/);
  });
});

describe("the straight edges' picking width", () => {
  it("raises the least line thickness in the picking pass only, and refuses a shader it does not know", () => {
    const shader = "void main() {\n  float minThickness = u_minEdgeThickness;\n  float pixelsThickness = max(normalLength, minThickness * u_sizeRatio);\n}";
    const widened = widenedLinePicking(shader);
    const raised = widened.indexOf(`minThickness = max(minThickness, ${PICKING_LINE_THICKNESS.toFixed(1)});`);
    expect(raised).toBeGreaterThan(widened.indexOf("#ifdef PICKING_MODE"));
    expect(widened.indexOf("#endif")).toBeGreaterThan(raised);
    expect(widened.indexOf("float pixelsThickness")).toBeGreaterThan(raised);
    expect(() => widenedLinePicking("void main() { float m = 1.7; }")).toThrow(/sigma/);
  });
});

describe("an arrow's line in the picking pass", () => {
  it("is widened and runs on under its head, in the picking pass only", () => {
    const shader = "void main() {\n  float minThickness = u_minEdgeThickness;\n  float webGLArrowHeadLength = webGLThickness * u_lengthToThicknessRatio * 2.0;\n  vec2 compensation = v * webGLArrowHeadLength;\n}";
    const rewritten = arrowLinePicking(shader);
    expect(rewritten).toContain(`minThickness = max(minThickness, ${PICKING_LINE_THICKNESS.toFixed(1)});`);
    const shortened = rewritten.indexOf(`webGLArrowHeadLength *= ${(1 - PICKING_HEAD_OVERLAP).toFixed(2)};`);
    expect(shortened).toBeGreaterThan(rewritten.lastIndexOf("#ifdef PICKING_MODE"));
    expect(rewritten.indexOf("vec2 compensation")).toBeGreaterThan(shortened);
    expect(() => arrowLinePicking("void main() {\n  float minThickness = u_minEdgeThickness;\n}")).toThrow(/sigma/);
  });
});
