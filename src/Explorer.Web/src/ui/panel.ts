import type { EdgeRecord, Evidence, NodeKind, NodeRecord } from "../types";
import { h } from "./dom";

// Small building blocks of the side panel. Every string from the data goes in as text.

export function kindTag(kind: NodeKind | string): HTMLElement {
  return h("span", { class: `kind-tag kind-${kind}`, text: kind });
}

/** The link that opens the source document scrolled to, and highlighting, the quoted sentence. */
export function sourceHref(evidence: Evidence): string {
  return `/source?${new URLSearchParams({ id: evidence.sourceId, quote: evidence.quote }).toString()}`;
}

export function evidenceList(edge: EdgeRecord, sourceTitles: Map<string, string>): HTMLElement {
  return h("div", { class: "evidence-list" }, ...edge.evidence.map((evidence) =>
    h("blockquote", { class: "evidence" },
      `“${evidence.quote}”`,
      h("a", {
        class: "evidence-source",
        text: `${sourceTitles.get(evidence.sourceId) ?? evidence.sourceId} ↗`,
        attrs: { href: sourceHref(evidence), target: "_blank", rel: "noopener", "aria-label": `Open the source ${sourceTitles.get(evidence.sourceId) ?? evidence.sourceId} at this quote` },
      }))));
}

export function relationLine(edge: EdgeRecord, from: string, nodes: Map<string, NodeRecord>): HTMLElement {
  const forward = edge.source === from;
  const other = nodes.get(forward ? edge.target : edge.source)?.name ?? (forward ? edge.target : edge.source);
  const self = nodes.get(from)?.name ?? from;
  return h("div", { class: "relation" }, forward ? `${self} —${edge.type}→ ${other}` : `${self} ←${edge.type}— ${other}`);
}
