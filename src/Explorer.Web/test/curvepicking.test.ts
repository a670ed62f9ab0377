import { describe, expect, it } from "vitest";
import { PICKING_HALF_WIDTH, widenedPicking } from "../src/curvepicking";

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
