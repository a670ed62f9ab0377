import { api, ApiError } from "../api";
import type { Citation, Problem, SourceDocument } from "../types";
import { byId, h, replace } from "../ui/dom";
import { count, edgeHref, relationText } from "./citations";

// The source view's "Edit document" and "Delete document", for analysts and admins (the buttons are data-write:
// app/roles.ts). Both send If-Match with the version the page shows. The server's refusals are said in words: an
// edit whose text drops quotes that edges cite (409) lists those quotes and changes nothing; someone else's change
// in between (412) offers to reload, keeping the analyst's own changes over theirs; 403 gives the server's reason. A delete that edges cite (409) lists them and
// asks once more before it removes their citations (force=true; an edge left with no evidence is deleted).

export interface SourceEditingDeps {
  /** The document as last read: the form starts from it, and its version is the ETag a write sends. */
  current(): SourceDocument | null;
  /** Reads the document and its lists again (after a save, or to start again from someone else's version). */
  reload(): Promise<void>;
  /** The document is gone: the page says so. */
  deleted(title: string): void;
}

/** The fields the edit form changes. */
export interface SourceFields {
  title: string;
  kind: string;
  description: string;
  url: string;
  text: string;
}

const fieldNames: Record<keyof SourceFields, string> = { title: "title", kind: "kind", description: "description", url: "link", text: "text" };

export function fieldsOf(doc: SourceDocument): SourceFields {
  return { title: doc.title, kind: doc.kind, description: doc.description, url: doc.url ?? "", text: doc.text };
}

/**
 * After someone else's change (412): each field as the analyst typed it where they changed it from the version
 * they started from, else as it is now; and the fields both changed differently (the analyst's kept, to compare).
 */
export function mergeEdits(base: SourceFields, typed: SourceFields, latest: SourceFields): { fields: SourceFields; both: (keyof SourceFields)[] } {
  const fields = { ...latest };
  const both: (keyof SourceFields)[] = [];
  for (const key of Object.keys(fieldNames) as (keyof SourceFields)[]) {
    if (typed[key] === base[key]) continue;
    fields[key] = typed[key];
    if (latest[key] !== base[key] && latest[key] !== typed[key]) both.push(key);
  }
  return { fields, both };
}

/** The quotes of a source the new text no longer holds, each with the edges citing it (in text order). */
export function lostQuotes(citations: readonly Citation[], edgeIds: readonly string[], text: string): { quote: string; citations: Citation[] }[] {
  const edges = new Set(edgeIds);
  const cited = citations.filter((c) => edges.has(c.edgeId));
  const missing = cited.filter((c) => !text.includes(c.quote));
  const groups = new Map<string, Citation[]>();
  for (const citation of missing.length > 0 ? missing : cited) groups.set(citation.quote, [...(groups.get(citation.quote) ?? []), citation]);
  return [...groups].map(([quote, list]) => ({ quote, citations: list }));
}

export class SourceEditing {
  private readonly panel = byId("source-edit");
  private readonly editButton = byId<HTMLButtonElement>("source-edit-button");
  private readonly deleteButton = byId<HTMLButtonElement>("source-delete-button");
  private readonly saved = byId("source-saved");
  private deleting = false;

  constructor(private readonly sourceId: string, private readonly deps: SourceEditingDeps) {
    this.editButton.addEventListener("click", () => this.edit());
    this.deleteButton.addEventListener("click", () => this.confirmDelete());
  }

  /**
   * Analysts may delete the documents they added, admins any (the server decides, RecordResponses.MayDeleteAsync): an
   * analyst who may not is not offered the button, and is told who may. When the history cannot be read, the button
   * stays and the server's answer says.
   */
  async offerDelete(userName: string | null, role: string | null): Promise<void> {
    if ((role ?? "").toLowerCase() === "admin" || !userName) return;
    let creator: string | null;
    try {
      const versions = await api.sourceHistory(this.sourceId);
      creator = [...versions].reverse().find((v) => v.action === "created")?.by ?? null;
    } catch {
      return;
    }
    if (creator !== null && creator.toLowerCase() === userName.toLowerCase()) return;
    this.deleteButton.hidden = true;
    this.deleteButton.after(h("span", {
      class: "muted source-delete-who",
      text: creator ? `Only ${creator}, who added it, or an admin can delete it.` : "It came from the dataset or an import: only an admin can delete it.",
    }));
  }

  /** Whether this page is deleting the document right now (its own SourceRemoved may arrive before the answer). */
  get deletingHere(): boolean {
    return this.deleting;
  }

  /** What the open edit form holds where it differs from the document as last read; null: no form, or nothing changed. */
  unsaved(): SourceFields | null {
    const base = this.deps.current();
    const value = (id: string) => this.panel.querySelector<HTMLInputElement | HTMLTextAreaElement>(`#${id}`)?.value;
    const text = value("source-edit-text");
    if (!base || text === undefined) return null;
    const typed = { title: value("source-edit-title") ?? "", kind: value("source-edit-kind") ?? "", description: value("source-edit-description") ?? "", url: value("source-edit-url") ?? "", text };
    const was = fieldsOf(base);
    return (Object.keys(fieldNames) as (keyof SourceFields)[]).some((key) => typed[key] !== was[key]) ? typed : null;
  }

  /** The form, filled from the document as last read (or with <start>); saving sends that version as If-Match. */
  edit(note?: string, start?: SourceFields): void {
    const base = this.deps.current();
    if (!base) return;
    const values = start ?? fieldsOf(base);
    this.saved.textContent = "";
    const field = (id: string, label: string, control: HTMLInputElement | HTMLTextAreaElement) =>
      h("label", { class: "source-field", attrs: { for: id } }, h("span", { text: label }), control);
    const title = h("input", { attrs: { id: "source-edit-title", type: "text", required: true, maxlength: 300, autocomplete: "off" } });
    const kind = h("input", { attrs: { id: "source-edit-kind", type: "text", maxlength: 50, autocomplete: "off", placeholder: "report, article, note…" } });
    const description = h("textarea", { class: "source-edit-description", attrs: { id: "source-edit-description", maxlength: 2000, rows: 2 } });
    const url = h("input", { attrs: { id: "source-edit-url", type: "url", autocomplete: "off", placeholder: "https://…" } });
    const text = h("textarea", { class: "source-edit-text", attrs: { id: "source-edit-text", required: true, rows: 14 } });
    title.value = values.title;
    kind.value = values.kind;
    description.value = values.description;
    url.value = values.url;
    text.value = values.text;
    const alert = h("div", { class: "source-alert", attrs: { role: "alert" } });
    const save = h("button", { class: "primary", text: "Save changes", attrs: { type: "submit" } });
    const form = h("form", { class: "source-form", attrs: { "aria-labelledby": "source-edit-heading" } },
      h("h3", { text: "Edit document", attrs: { id: "source-edit-heading" } }),
      note ? h("p", { class: "notice", text: note }) : null,
      field("source-edit-title", "Title", title),
      field("source-edit-kind", "Kind", kind),
      field("source-edit-description", "Description (optional)", description),
      field("source-edit-url", "Link (optional)", url),
      field("source-edit-text", "Text", text),
      h("p", { class: "hint", text: "Every quote the graph takes from this document must stay in the text." }),
      alert,
      h("div", { class: "source-form-actions" }, save, h("button", { text: "Cancel", attrs: { type: "button" }, on: { click: () => this.close(this.editButton) } })));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void (async () => {
        replace(alert);
        save.disabled = true;
        try {
          const body = { title: title.value.trim(), kind: kind.value.trim(), description: description.value.trim(), url: url.value.trim(), text: text.value, format: "text" };
          const info = await api.editSource(this.sourceId, base.version ?? 0, body);
          await this.deps.reload();
          this.close(this.editButton);
          this.saved.textContent = `Saved (version ${info.version ?? "?"}).`;
        } catch (error) {
          const typed = { title: title.value, kind: kind.value, description: description.value, url: url.value, text: text.value };
          replace(alert, ...(await this.editRefused(error, fieldsOf(base), typed)));
        } finally {
          save.disabled = false;
        }
      })();
    });
    replace(this.panel, form);
    title.focus();
  }

  /** Why an edit was not saved, with what the analyst can do about it. */
  private async editRefused(error: unknown, base: SourceFields, typed: SourceFields): Promise<Node[]> {
    const text = typed.text;
    if (!(error instanceof ApiError)) return [h("p", { class: "error-text", text: `The change could not be sent: ${message(error)}` })];
    const { status, problem } = error;
    if (status === 409 && problem.edges) {
      const lost = lostQuotes(await this.citations(), problem.edges, text);
      const edges = problem.count ?? problem.edges.length;
      return [
        h("p", { class: "error-text", text: `Not saved: the new text no longer holds ${lost.length > 0 ? count(lost.length, "quote") : "quotes"} that ${count(edges, "edge")} ${edges === 1 ? "cites" : "cite"}. Nothing was changed. Put these passages back, or change those edges’ evidence first:` }),
        lost.length > 0
          ? h("ul", { class: "source-refusal-list", attrs: { "aria-label": "Quotes that would be lost" } }, ...lost.map((q) => h("li", {},
            h("q", { class: "source-lost-quote", text: q.quote }),
            h("span", { class: "muted", text: ` — cited by ${q.citations.map((c) => relationText(c.sourceName, c.type, c.targetName)).join("; ")}` }))))
          : this.edgeList(problem, []),
      ];
    }
    if (status === 412) {
      return this.stale("Not saved: someone else changed this document since you opened the form. Reloading takes their version and keeps what you changed.",
        () => this.editAgain(base, typed));
    }
    return [h("p", { class: "error-text", text: refusal(error, "edit") })];
  }

  /** The form again over the latest version, with the analyst's own changes kept and the fields both changed named. */
  private editAgain(base: SourceFields, typed: SourceFields): void {
    const latest = this.deps.current();
    if (!latest) return;
    const theirs = fieldsOf(latest);
    const { fields, both } = mergeEdits(base, typed, theirs);
    const kept = (Object.keys(fieldNames) as (keyof SourceFields)[]).filter((key) => typed[key] !== base[key]).map((key) => fieldNames[key]);
    const parts = [`This is the latest version (${latest.version ?? "?"}), with ${kept.length > 0 ? `your changes to the ${list(kept)} kept` : "none of your changes to keep"}.`];
    for (const key of both) {
      parts.push(key === "text"
        ? "They changed the text too: yours is in the form; compare it with the document below before you save."
        : `They changed the ${fieldNames[key]} too, to “${theirs[key]}”; yours is in the form.`);
    }
    this.edit(parts.join(" "), fields);
  }

  /** Delete, step one: a plain delete, once confirmed. */
  private confirmDelete(): void {
    const base = this.deps.current();
    if (!base) return;
    this.saved.textContent = "";
    this.deleteStep(base, false, "Delete this document?", "Delete this document",
      h("p", {}, "“", base.title, "” leaves the Documents list and can no longer be read here. Its history keeps its title and details."));
  }

  /** Delete, step two: the edges citing it, and a second confirmation that removes their citations too. */
  private async confirmForce(base: SourceDocument, problem: Problem): Promise<void> {
    const edges = problem.count ?? problem.edges?.length ?? 0;
    this.deleteStep(base, true, "Edges cite this document", "Remove these citations and delete",
      h("p", { text: `Not deleted: ${count(edges, "edge")} quote${edges === 1 ? "s" : ""} it as evidence:` }),
      this.edgeList(problem, await this.citations()),
      h("p", { text: "To delete it anyway, its quotes are taken out of these edges’ evidence first. An edge left with no evidence is deleted. Each edge’s history records the change." }));
  }

  /** A step of deleting: what it says, and the button that sends the delete (force: citations removed too), focused. */
  private deleteStep(base: SourceDocument, force: boolean, heading: string, action: string, ...body: HTMLElement[]): void {
    const alert = h("div", { class: "source-alert", attrs: { role: "alert" } });
    const yes = h("button", { class: "danger", text: action, attrs: { type: "button" } });
    yes.addEventListener("click", () => void this.delete(base, force, yes, alert));
    replace(this.panel, h("section", { class: force ? "source-form source-form-warning" : "source-form", attrs: { "aria-labelledby": "source-delete-heading" } },
      h("h3", { text: heading, attrs: { id: "source-delete-heading" } }),
      ...body,
      alert,
      h("div", { class: "source-form-actions" }, yes, h("button", { text: "Cancel", attrs: { type: "button" }, on: { click: () => this.close(this.deleteButton) } }))));
    yes.focus();
  }

  private async delete(base: SourceDocument, force: boolean, button: HTMLButtonElement, alert: HTMLElement): Promise<void> {
    replace(alert);
    button.disabled = true;
    this.deleting = true;
    try {
      await api.deleteSource(this.sourceId, base.version ?? 0, force);
      replace(this.panel);
      this.deps.deleted(base.title);
    } catch (error) {
      this.deleting = false;
      button.disabled = false;
      if (error instanceof ApiError && error.status === 409 && error.problem.edges && !force) {
        await this.confirmForce(base, error.problem);
        return;
      }
      replace(alert, ...(error instanceof ApiError && error.status === 412
        ? this.stale("Not deleted: someone else changed this document meanwhile. Reload to see their version before you decide.", () => this.confirmDelete())
        : [h("p", { class: "error-text", text: refusal(error, "delete") })]));
    }
  }

  /** The edges a 409 names, in text order, each as its relation (a link to it in the explorer), or its id when not in the citations. */
  private edgeList(problem: Problem, citations: readonly Citation[]): HTMLElement {
    const order = (id: string) => { const at = citations.findIndex((c) => c.edgeId === id); return at < 0 ? citations.length : at; };
    const ids = [...(problem.edges ?? [])].sort((a, b) => order(a) - order(b));
    const more = (problem.count ?? ids.length) - ids.length;
    return h("ul", { class: "source-refusal-list", attrs: { "aria-label": "Edges citing this document" } },
      ...ids.map((id) => {
        const c = citations.find((x) => x.edgeId === id);
        return h("li", {}, c
          ? h("a", { text: relationText(c.sourceName, c.type, c.targetName), attrs: { href: edgeHref(id, c.source), target: "_blank", rel: "noopener" } })
          : h("span", { text: `edge ${id}` }));
      }),
      more > 0 ? h("li", { class: "muted", text: `and ${more} more` }) : null);
  }

  /** A 412: what happened, and a button that reads the latest version and starts again from it. */
  private stale(what: string, again: () => void): Node[] {
    const reload = h("button", { text: "Reload the latest version", attrs: { type: "button" } });
    reload.addEventListener("click", () => void this.deps.reload().then(again));
    return [h("p", { class: "error-text", text: what }), reload];
  }

  private async citations(): Promise<Citation[]> {
    try {
      return (await api.citations(this.sourceId)).citations;
    } catch {
      return [];
    }
  }

  private close(focus: HTMLElement): void {
    replace(this.panel);
    focus.focus();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A refusal as a sentence: why (by status), then the server's own words. */
function refusal(error: unknown, verb: "edit" | "delete"): string {
  if (!(error instanceof ApiError)) return `The request could not be sent: ${message(error)}`;
  const { status, problem } = error;
  const reason = status === 403 ? `You may not ${verb} this document`
    : status === 401 ? `Sign in to ${verb} documents`
    : status === 404 ? "This document no longer exists"
    : status === 413 ? "Too large"
    : problem.title ?? "Refused";
  return `${reason} (${status}): ${problem.detail ?? problem.title ?? ""}`;
}

/** "title", "title and text", "title, kind and text". */
function list(names: readonly string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
