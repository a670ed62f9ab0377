import { api, ApiError } from "../api";
import type { Session } from "../annotations/session";
import { applyRole } from "../app/roles";
import { EDGE_TYPES, type DocumentSuggestions, type SuggestedRelation } from "../types";
import { byId, h, replace } from "../ui/dom";
import { count, edgeHref, relationText } from "./citations";

// The source view's "Suggested relations" (GET /api/sources/{id}/suggestions): each sentence naming two known
// nodes, with the type a cue in it states, or none ("pick a type"). Analysts and admins accept one (a proposed
// edge quoting the sentence; with no type they pick one from the vocabulary first) or dismiss it. Those controls
// are marked data-write and offered only to roles that write (app/roles.ts). Every open view refreshes the list
// when a review is pushed live. Items whose suggestion did not change keep their element (and so a type being
// picked, the direction and focus) across refreshes.

interface Choice {
  type: string;
  reverse: boolean;
}

export class SuggestionsView {
  private answer: DocumentSuggestions | null = null;
  private readonly items = new Map<string, { key: string; element: HTMLElement }>();
  /** What the analyst chose for an open suggestion (type, direction), kept across refreshes. */
  private readonly choices = new Map<string, Choice>();
  private readonly list = byId<HTMLOListElement>("suggestion-list");
  private readonly showCited = byId<HTMLInputElement>("suggestions-cited");

  constructor(
    private readonly sourceId: string,
    private readonly session: Session,
    private readonly showInText: (start: number, length: number) => void,
    /** Reloads every list of the view (after a review, so the quotes list shows a new edge too). */
    private readonly refresh: () => Promise<void>,
  ) {
    this.showCited.addEventListener("change", () => this.render());
  }

  /** The nodes the suggestions name (a live change to an edge between them refreshes the list). */
  get nodes(): Set<string> {
    return new Set((this.answer?.suggestions ?? []).flatMap((s) => [s.source, s.target]));
  }

  /** Edges the list shows (created by an acceptance, or already joining a pair). */
  get edges(): Set<string> {
    return new Set((this.answer?.suggestions ?? []).flatMap((s) => [...s.existingEdges.map((e) => e.id), s.review?.edgeId ?? ""]).filter((id) => id));
  }

  async load(): Promise<void> {
    this.answer = await api.suggestions(this.sourceId);
    this.render();
  }

  /** Shows the list again, e.g. after signing in: the write controls follow the role. */
  render(): void {
    const answer = this.answer;
    if (!answer) return;
    const all = answer.suggestions;
    const accepted = all.filter((s) => s.review?.verdict === "Accepted").length;
    const cited = all.filter((s) => !s.review && s.cited).length;
    const open = all.filter((s) => !s.review && !s.cited).length;
    const parts = [`${open} to review`, accepted ? `${accepted} accepted` : "", cited ? `${cited} already in the graph` : "", answer.dismissed ? `${answer.dismissed} dismissed` : ""];
    byId("suggestions-summary").textContent = all.length + answer.dismissed === 0
      ? `No sentence of this document (${count(answer.sentences, "sentence")}) names two known nodes.`
      : `${parts.filter((p) => p).join(" · ")}.`;
    byId("suggestions-cited-label").hidden = cited === 0;
    const role = byId("suggestions-role");
    role.hidden = this.session.canEdit || all.length === 0;
    role.textContent = this.session.readsOnly
      ? "Analysts and admins accept or dismiss suggestions; you may read them."
      : "Analysts and admins accept or dismiss suggestions: sign in on the explorer page.";

    const shown = all.filter((s) => s.review || !s.cited || this.showCited.checked);
    const seen = new Set<string>();
    const elements = shown.map((s) => {
      seen.add(s.id);
      const key = JSON.stringify(s);
      const kept = this.items.get(s.id);
      if (kept && kept.key === key) return kept.element;
      const element = this.item(s);
      this.items.set(s.id, { key, element });
      return element;
    });
    for (const id of [...this.items.keys()]) if (!seen.has(id)) this.items.delete(id);
    for (const id of [...this.choices.keys()]) if (!all.some((s) => s.id === id && !s.review)) this.choices.delete(id);
    // Moves kept elements rather than recreating them, so a focused control keeps its focus.
    elements.forEach((element, i) => {
      if (this.list.children[i] !== element) this.list.insertBefore(element, this.list.children[i] ?? null);
    });
    while (this.list.children.length > elements.length) this.list.lastElementChild!.remove();
    applyRole(this.session, this.list);
  }

  private item(s: SuggestedRelation): HTMLElement {
    const choice = this.choices.get(s.id) ?? { type: s.type ?? "", reverse: false };
    const names = () => (choice.reverse ? [s.targetName, s.sourceName] : [s.sourceName, s.targetName]) as [string, string];
    const relation = h("p", { class: "suggestion-relation" });
    const showRelation = () => {
      const [from, to] = names();
      replace(relation, relationText(from, choice.type || "?", to), choice.type ? null : h("span", { class: "muted", text: " (pick a type)" }));
    };
    showRelation();
    const status = h("p", { class: "suggestion-status", attrs: { role: "status" } });
    const element = h("li", {
      class: `suggestion${s.review ? " suggestion-accepted" : s.cited ? " suggestion-cited" : ""}`,
      attrs: { "aria-label": `${s.sourceName} and ${s.targetName}` },
    },
      relation,
      h("button", {
        class: "quote-link",
        text: `“${s.quote}”`,
        attrs: { type: "button", title: "Show it in the text" },
        on: { click: () => this.showInText(s.quoteStart, s.quote.length) },
      }),
      this.stateLine(s),
      s.review ? null : this.actions(s, choice, showRelation, status),
      status);
    return element;
  }

  /** What the graph holds already: the edge an acceptance created, or edges that join the pair. */
  private stateLine(s: SuggestedRelation): HTMLElement | null {
    if (s.review?.verdict === "Accepted") {
      const when = new Date(s.review.at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
      return h("p", { class: "suggestion-state" },
        `Accepted by ${s.review.by}, ${when}: `,
        s.review.edgeId ? h("a", { class: "edge-link", text: "open the edge", attrs: { href: edgeHref(s.review.edgeId, s.source) } }) : null);
    }
    if (s.existingEdges.length === 0) return null;
    const [citing, other] = [s.existingEdges.filter((e) => e.citesQuote), s.existingEdges.filter((e) => !e.citesQuote)];
    const name = (id: string) => (id === s.source ? s.sourceName : id === s.target ? s.targetName : id);
    const link = (e: SuggestedRelation["existingEdges"][number]) =>
      h("a", { class: "edge-link", text: relationText(name(e.source), e.type, name(e.target)), attrs: { href: edgeHref(e.id, e.source) } });
    return h("p", { class: "suggestion-state muted" },
      citing.length ? "Already in the graph, quoting this sentence: " : "Already joined by: ",
      ...(citing.length ? citing : other).flatMap((e, i) => [i > 0 ? ", " : null, link(e)]));
  }

  private actions(s: SuggestedRelation, choice: Choice, showRelation: () => void, status: HTMLElement): HTMLElement {
    const type = h("select", { attrs: { "aria-label": "Type" } },
      h("option", { attrs: { value: "" }, text: "Pick a type…" }),
      ...EDGE_TYPES.map((t) => h("option", { attrs: { value: t }, text: t })));
    type.value = choice.type;
    type.addEventListener("change", () => {
      choice.type = type.value;
      this.choices.set(s.id, choice);
      status.textContent = "";
      showRelation();
    });
    const reverse = h("button", {
      class: "icon", text: "⇄",
      attrs: { type: "button", "aria-label": "Reverse the direction", title: "Reverse the direction", "aria-pressed": String(choice.reverse) },
      on: {
        click: () => {
          choice.reverse = !choice.reverse;
          this.choices.set(s.id, choice);
          reverse.setAttribute("aria-pressed", String(choice.reverse));
          showRelation();
        },
      },
    });
    const accept = h("button", { class: "primary", text: "Accept", attrs: { type: "button" } });
    const dismiss = h("button", { text: "Dismiss", attrs: { type: "button" } });
    const busy = (on: boolean) => {
      for (const control of [type, reverse, accept, dismiss]) control.disabled = on;
    };
    accept.addEventListener("click", () => void (async () => {
      if (!choice.type) {
        status.textContent = "Pick a type first: no cue in this sentence states one.";
        type.focus();
        return;
      }
      busy(true);
      status.textContent = "Accepting…";
      try {
        const answer = await api.acceptSuggestion(this.sourceId, s.id, { type: choice.type, reverse: choice.reverse });
        status.textContent = `Accepted: ${answer.edge ? answer.edge.id : "done"} (proposed).`;
        await this.refresh();
      } catch (error) {
        this.failed(error, status);
      } finally {
        busy(false);
      }
    })());
    dismiss.addEventListener("click", () => void (async () => {
      busy(true);
      status.textContent = "Dismissing…";
      try {
        await api.dismissSuggestion(this.sourceId, s.id);
        status.textContent = "Dismissed.";
        await this.refresh();
      } catch (error) {
        this.failed(error, status);
      } finally {
        busy(false);
      }
    })());
    return h("div", { class: "suggestion-actions", attrs: { "data-write": true, hidden: true } }, type, reverse, accept, dismiss);
  }

  /** Says why a review was refused; one made meanwhile by someone else (409) or a changed text (404, 412) reloads the list. */
  private failed(error: unknown, status: HTMLElement): void {
    status.textContent = error instanceof ApiError ? (error.problem.detail ?? error.message) : `The request failed: ${String(error)}`;
    if (error instanceof ApiError && [404, 409, 412].includes(error.status)) void this.refresh();
  }
}
