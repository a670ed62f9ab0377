import type { ChangeEvent } from "../types";

// Which live changes a source view must follow: transport-free, so it is unit-tested.

export interface ViewedSource {
  sourceId: string;
  /** Edges the view lists (quotes, suggestions' existing and accepted edges). */
  edges: ReadonlySet<string>;
  /** Nodes the view's suggestions name. */
  nodes: ReadonlySet<string>;
}

/**
 * "all": the document itself changed (its text is read again, then the lists); "lists": the quotes or the
 * suggestions may have changed; null: nothing this view shows.
 */
export function concerns(change: ChangeEvent, view: ViewedSource): "all" | "lists" | null {
  switch (change.kind) {
    case "SourceUpserted":
    case "SourceRemoved":
      return change.entityId === view.sourceId ? "all" : null;
    case "SuggestionDismissed":
      return change.entityId === view.sourceId ? "lists" : null;
    case "EdgeUpserted":
    case "EdgeRemoved": {
      const edge = change.edge;
      const cites = edge?.evidence.some((e) => e.sourceId === view.sourceId) ?? false;
      const joins = edge ? view.nodes.has(edge.source) && view.nodes.has(edge.target) : false;
      return cites || joins || view.edges.has(change.entityId) ? "lists" : null;
    }
    // A node added, renamed or removed may change what the document mentions; a reload may change anything.
    case "NodeUpserted":
    case "NodeRemoved":
    case "GraphReloaded":
      return "lists";
    default:
      return null;
  }
}
