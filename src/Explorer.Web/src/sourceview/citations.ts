import { api } from "../api";
import type { Citation, SourceCitations } from "../types";
import { h, replace } from "../ui/dom";

// The source view's "Quotes in the graph": every quote the graph takes from the document (GET
// /api/sources/{id}/citations), in text order, one entry per quote with the edges citing it. A quote shows
// where it stands in the text; each edge links back to the explorer with that edge selected (its panel open).

/** The explorer with an edge on the canvas and selected: its source node expanded for context, the edge itself always drawn. */
export function edgeHref(edgeId: string, nodeId: string): string {
  return `/?${new URLSearchParams({ x: nodeId, sel: `e:${edgeId}` }).toString()}`;
}

/** "NATO —CONDUCTED→ NATO intervention in the Balkans". */
export function relationText(sourceName: string, type: string, targetName: string): string {
  return `${sourceName} —${type}→ ${targetName}`;
}

export function statusTag(status: string): HTMLElement | null {
  const lower = status.toLowerCase();
  return lower === "confirmed" ? null : h("span", { class: `edge-status edge-status-${lower}`, text: lower });
}

export class CitationsView {
  /** The edges listed (a live change to one of them refreshes the list). */
  readonly edges = new Set<string>();

  private scrolled = false;

  constructor(
    private readonly sourceId: string,
    private readonly showInText: (start: number, length: number) => void,
    /** The quote the view was opened at (from an edge's evidence): marked in the list, and scrolled to once. */
    private readonly opened = "",
  ) {}

  async load(): Promise<void> {
    this.render(await api.citations(this.sourceId));
  }

  private render(answer: SourceCitations): void {
    this.edges.clear();
    const groups: { quote: string; start: number; citations: Citation[] }[] = [];
    for (const citation of answer.citations) {
      this.edges.add(citation.edgeId);
      const last = groups[groups.length - 1];
      if (last && last.quote === citation.quote && last.start === citation.quoteStart) last.citations.push(citation);
      else groups.push({ quote: citation.quote, start: citation.quoteStart, citations: [citation] });
    }
    const summary = document.getElementById("citations-summary")!;
    summary.textContent = groups.length === 0
      ? "The graph quotes nothing from this document yet."
      : `${count(groups.length, "quote")}, cited by ${count(answer.edges, "edge")}${answer.truncated ? " (the first ones listed)" : ""}.`;
    const list = document.getElementById("citation-list")!;
    replace(list, ...groups.map((group) => this.item(group)));
    const current = list.querySelector<HTMLElement>(".citation-current");
    if (current && !this.scrolled) {
      this.scrolled = true;
      list.scrollTop = current.offsetTop - list.offsetTop;
    }
  }

  private item(group: { quote: string; start: number; citations: Citation[] }): HTMLElement {
    const found = group.start >= 0;
    return h("li", { class: group.quote === this.opened ? "citation citation-current" : "citation" },
      h("button", {
        class: "quote-link",
        text: `“${group.quote}”`,
        attrs: { type: "button", disabled: !found, title: found ? "Show it in the text" : "Not found verbatim in this version of the text" },
        on: { click: () => this.showInText(group.start, group.quote.length) },
      }),
      h("ul", { class: "citation-edges" }, ...group.citations.map((c) => {
        const text = relationText(c.sourceName, c.type, c.targetName);
        return h("li", {},
          h("a", { class: "edge-link", text, attrs: { href: edgeHref(c.edgeId, c.source), title: "Open this edge in the explorer" } }),
          " ", statusTag(c.status));
      })));
  }
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
