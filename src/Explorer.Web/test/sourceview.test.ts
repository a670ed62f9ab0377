import { describe, expect, it } from "vitest";
import { lostQuotes, mergeEdits, type SourceFields } from "../src/sourceview/editing";
import { concerns, type ViewedSource } from "../src/sourceview/relevance";
import type { ChangeEvent, Citation, EdgeRecord } from "../src/types";

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

describe("an edit refused for dropping quotes lists", () => {
  const cite = (edgeId: string, quote: string, quoteStart: number): Citation => ({
    edgeId, type: "MEMBER_OF", source: "a", sourceName: "A", target: "b", targetName: "B", status: "Confirmed", quote, quoteStart,
  });
  const citations = [cite("e1", "First.", 0), cite("e2", "First.", 0), cite("e3", "Second.", 7), cite("e4", "Third.", 15)];

  it("the quotes of the edges the server names that the new text lacks, each once with its edges", () => {
    expect(lostQuotes(citations, ["e1", "e2", "e3"], "Second. Third.")).toEqual([{ quote: "First.", citations: [citations[0], citations[1]] }]);
  });

  it("every quote of those edges when the text seems to hold them all (the server normalised it)", () => {
    expect(lostQuotes(citations, ["e3"], "First. Second.").map((q) => q.quote)).toEqual(["Second."]);
    expect(lostQuotes(citations, ["unknown"], "")).toEqual([]);
  });
});

describe("an edit refused as stale (412), over the latest version", () => {
  const base: SourceFields = { title: "Memo", kind: "note", description: "", url: "", text: "First. Second." };

  it("keeps the fields the analyst changed and takes the others as they are now", () => {
    const typed = { ...base, title: "Memo (revised)" };
    const latest = { ...base, description: "Checked", text: "First. Second. Third." };
    expect(mergeEdits(base, typed, latest)).toEqual({ fields: { ...latest, title: "Memo (revised)" }, both: [] });
  });

  it("names the fields both changed differently, keeping the analyst's; the same change on both sides is no conflict", () => {
    const typed = { ...base, title: "Mine", kind: "memo", text: "First." };
    const latest = { ...base, title: "Theirs", kind: "memo", text: "First. Second. Third." };
    expect(mergeEdits(base, typed, latest)).toEqual({ fields: { ...latest, title: "Mine", text: "First." }, both: ["title", "text"] });
  });

  it("with nothing typed, is the latest version", () => {
    const latest = { ...base, url: "https://example.org/memo" };
    expect(mergeEdits(base, base, latest)).toEqual({ fields: latest, both: [] });
  });
});
