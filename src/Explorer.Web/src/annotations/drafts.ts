import type { Annotation } from "../types";

// Unsaved annotation forms, kept per target in sessionStorage (this tab only, survives a reload), so no live
// update, re-render or reload loses what an analyst typed. A draft of an edit remembers the version it was
// started from, so a change made meanwhile by someone else is noticed and can be merged.

export interface DraftFields {
  text: string;
  /** As typed: comma-separated. */
  tags: string;
  confidence: string;
  citation: string;
  status: string;
}

export interface StoredDraft {
  fields: DraftFields;
  /** The annotation as it was when the edit started (null: a new annotation). */
  base: Annotation | null;
}

const PREFIX = "explorer.draft.";

/** `edge:<id>/new` for a new annotation on an edge, `edge:<id>/<annotation id>` for an edit. */
export function draftKey(edgeId: string, annotationId: string | null): string {
  return `edge:${edgeId}/${annotationId ?? "new"}`;
}

export function fieldsOf(annotation: Annotation | null): DraftFields {
  return {
    text: annotation?.text ?? "",
    tags: annotation?.tags.join(", ") ?? "",
    confidence: annotation?.confidence ?? "medium",
    citation: annotation?.citation ?? "",
    status: annotation?.status ?? "proposed",
  };
}

export function sameFields(a: DraftFields, b: DraftFields): boolean {
  return a.text === b.text && normalizeTags(a.tags) === normalizeTags(b.tags) && a.confidence === b.confidence && a.citation.trim() === b.citation.trim() && a.status === b.status;
}

function normalizeTags(tags: string): string {
  return tags.split(",").map((t) => t.trim()).filter((t) => t.length > 0).join(",");
}

export function loadDraft(key: string): StoredDraft | null {
  try {
    const text = storage()?.getItem(PREFIX + key);
    return text ? (JSON.parse(text) as StoredDraft) : null;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, draft: StoredDraft): void {
  try {
    storage()?.setItem(PREFIX + key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the form still holds the text in this page.
  }
}

export function dropDraft(key: string): void {
  storage()?.removeItem(PREFIX + key);
}

/**
 * Three-way merge of a draft with a newer version: a field the analyst left as it was takes the newer value;
 * a field they changed keeps theirs. Returns the merged fields and the fields both sides changed differently.
 */
export function merge(base: DraftFields, mine: DraftFields, theirs: DraftFields): { fields: DraftFields; conflicts: (keyof DraftFields)[] } {
  const fields = { ...mine };
  const conflicts: (keyof DraftFields)[] = [];
  for (const key of Object.keys(base) as (keyof DraftFields)[]) {
    const same = key === "tags" ? normalizeTags(mine[key]) === normalizeTags(base[key]) : mine[key] === base[key];
    const theirsSame = key === "tags" ? normalizeTags(theirs[key]) === normalizeTags(base[key]) : theirs[key] === base[key];
    if (same) fields[key] = theirs[key];
    else if (!theirsSame && (key === "tags" ? normalizeTags(theirs[key]) !== normalizeTags(mine[key]) : theirs[key] !== mine[key])) conflicts.push(key);
  }
  return { fields, conflicts };
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}
