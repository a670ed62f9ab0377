import { describe, expect, it } from "vitest";
import { concerns, type ViewedSource } from "../src/sourceview/relevance";
import type { ChangeEvent, EdgeRecord } from "../src/types";

const at = "2026-01-01T00:00:00Z";
const view: ViewedSource = { sourceId: "memo", edges: new Set(["listed"]), nodes: new Set(["a", "b"]) };
const edge = (id: string, source: string, target: string, sourceId = "other"): EdgeRecord => ({
  id, type: "MEMBER_OF", source, target, evidence: [{ sourceId, quote: "q" }],
});
const change = (kind: ChangeEvent["kind"], entityId: string, extra: Partial<ChangeEvent> = {}): ChangeEvent => ({ seq: 1, at, kind, entityId, ...extra });

describe("a source view follows", () => {
  it("a dismissal of one of its suggestions, not of another document's", () => {
    expect(concerns(change("SuggestionDismissed", "memo"), view)).toBe("lists");
    expect(concerns(change("SuggestionDismissed", "essay"), view)).toBeNull();
  });

  it("an edge that quotes it, joins two nodes it names, or that it lists", () => {
    expect(concerns(change("EdgeUpserted", "new", { edge: edge("new", "x", "y", "memo") }), view)).toBe("lists");
    expect(concerns(change("EdgeUpserted", "pair", { edge: edge("pair", "b", "a") }), view)).toBe("lists");
    expect(concerns(change("EdgeRemoved", "listed"), view)).toBe("lists");
    expect(concerns(change("EdgeUpserted", "elsewhere", { edge: edge("elsewhere", "a", "z") }), view)).toBeNull();
    expect(concerns(change("EdgeRemoved", "elsewhere"), view)).toBeNull();
  });

  it("its own text being changed or deleted, and any change to the nodes", () => {
    expect(concerns(change("SourceUpserted", "memo"), view)).toBe("all");
    expect(concerns(change("SourceRemoved", "memo"), view)).toBe("all");
    expect(concerns(change("SourceUpserted", "essay"), view)).toBeNull();
    expect(concerns(change("NodeUpserted", "c"), view)).toBe("lists");
    expect(concerns(change("GraphReloaded", "*"), view)).toBe("lists");
    expect(concerns(change("AnnotationAdded", "note"), view)).toBeNull();
  });
});
