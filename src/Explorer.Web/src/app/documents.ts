import "./documents.css";
import { ApiError, api } from "../api";
import type { SourceInfo } from "../types";
import { h, replace } from "../ui/dom";

// The source documents: every one listed, each opening in the source view (/source), where an analyst reads it,
// selects the sentence that states a relation and adds it with that sentence as its evidence, and reviews the
// relations it suggests. Analysts and admins also add a document here: a title and its text, typed, pasted or read
// from a .txt, .md or .html file (HTML and Markdown are kept as plain text by the server). The import dialog opens
// this to add the document that its evidence-less edges cite.

/** The server's limit for a document's text (DocumentText.MaxBytes: 5 MB). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface DocumentsDeps {
  /** Whether the signed-in user may add documents (analyst or admin). */
  canAdd(): boolean;
}

export class Documents {
  private readonly dialog: HTMLDialogElement;
  private readonly list: HTMLUListElement;
  private readonly listStatus: HTMLElement;
  private readonly filter: HTMLInputElement;
  /** The documents as last loaded (null: not yet, or the load failed). */
  private sources: SourceInfo[] | null = null;
  private readonly form: HTMLFormElement;
  private readonly title: HTMLInputElement;
  private readonly kind: HTMLInputElement;
  private readonly url: HTMLInputElement;
  private readonly text: HTMLTextAreaElement;
  private readonly fileInput: HTMLInputElement;
  private readonly alert: HTMLElement;
  private readonly added: HTMLElement;
  private readonly submit: HTMLButtonElement;
  /** The format of the text: what the file read was (edits keep it), until the text is emptied. */
  private format: "text" | "markdown" | "html" = "text";
  /** Called with a document once it is added (the import dialog selects it); cleared when the dialog closes. */
  private onAdded: ((source: SourceInfo) => void) | null = null;

  constructor(private readonly deps: DocumentsDeps) {
    this.list = h("ul", { class: "documents-list", attrs: { "aria-label": "Source documents" } });
    this.listStatus = h("p", { class: "muted", attrs: { role: "status" } });
    this.filter = h("input", {
      attrs: { type: "search", placeholder: "Filter by title, kind or description", "aria-label": "Filter documents", autocomplete: "off" },
      on: { input: () => this.renderList() },
    });
    this.title = h("input", { attrs: { id: "document-title", required: true, maxlength: 300, autocomplete: "off" } });
    this.kind = h("input", { attrs: { id: "document-kind", maxlength: 100, placeholder: "report, article, note…", autocomplete: "off" } });
    this.url = h("input", { attrs: { id: "document-url", type: "url", placeholder: "https://…", autocomplete: "off" } });
    this.text = h("textarea", { attrs: { id: "document-text", required: true, placeholder: "Paste the text, or read it from a file" }, on: { input: () => { if (!this.text.value) this.format = "text"; } } });
    this.fileInput = h("input", {
      class: "visually-hidden",
      attrs: { type: "file", accept: ".txt,.text,.md,.markdown,.html,.htm", "aria-label": "Read the text from a file" },
      on: { change: () => void this.read(this.fileInput.files?.[0]) },
    });
    this.alert = h("p", { class: "import-alert error-text", attrs: { role: "alert" } });
    this.added = h("p", { class: "documents-added", attrs: { role: "status", "aria-live": "polite" } });
    this.submit = h("button", { class: "primary", text: "Add document", attrs: { type: "submit" } });
    this.form = h("form", { class: "documents-add", attrs: { "aria-labelledby": "documents-add-title" }, on: { submit: (event) => { event.preventDefault(); void this.add(); } } },
      h("h3", { text: "Add a document", attrs: { id: "documents-add-title" } }),
      h("label", { attrs: { for: "document-title" }, text: "Title" }), this.title,
      h("label", { attrs: { for: "document-kind" }, text: "Kind" }), this.kind,
      h("label", { attrs: { for: "document-url" }, text: "Link (optional)" }), this.url,
      h("label", { attrs: { for: "document-text" }, text: "Text" }), this.text,
      h("p", { class: "hint" }, "Or ", h("button", { text: "read a file…", attrs: { type: "button" }, on: { click: () => this.fileInput.click() } }),
        " (.txt, .md or .html, up to 5 MB; Markdown and HTML are kept as plain text)."),
      this.fileInput,
      this.alert,
      h("div", { class: "import-actions" }, this.submit));
    this.dialog = h("dialog", { class: "import-dialog", attrs: { id: "documents-dialog", "aria-labelledby": "documents-title" } },
      h("div", { class: "import-head" },
        h("h2", { text: "Documents", attrs: { id: "documents-title" } }),
        h("button", { class: "icon", text: "×", attrs: { type: "button", "aria-label": "Close documents", title: "Close" }, on: { click: () => this.close() } })),
      h("p", { class: "hint", text: "Open a document to read it, add the relations its sentences state, and review the ones it suggests." }),
      this.filter,
      this.listStatus,
      this.list,
      this.added,
      this.form);
    document.body.append(this.dialog);
    this.dialog.addEventListener("close", () => (this.onAdded = null));
  }

  /** Opens the list (and, for analysts and admins, the form to add one). */
  open(): void {
    this.form.hidden = !this.deps.canAdd();
    this.filter.value = "";
    replace(this.added);
    this.alert.textContent = "";
    if (!this.dialog.open) this.dialog.showModal();
    void this.load();
  }

  /** Opens the dialog at its form; `onAdded` gets the document added. */
  openToAdd(onAdded: (source: SourceInfo) => void): void {
    this.open();
    if (this.form.hidden) return;
    this.onAdded = onAdded;
    this.title.focus();
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }

  /** A document was added, changed or deleted anywhere: an open list is read again. */
  sourcesChanged(): void {
    if (this.dialog.open) void this.load();
  }

  /** Signed in or out: the form follows the role. */
  sessionChanged(): void {
    this.form.hidden = !this.deps.canAdd();
  }

  private async load(): Promise<void> {
    this.listStatus.textContent = "Loading…";
    try {
      this.sources = await api.sources();
      this.renderList();
    } catch (error) {
      this.sources = null;
      replace(this.list);
      this.listStatus.textContent = `The documents could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** The documents that match the filter (every word, in the title, kind or description, ignoring case). */
  private renderList(): void {
    const sources = this.sources;
    if (!sources) return;
    const words = this.filter.value.toLocaleLowerCase().split(/\s+/).filter((w) => w.length > 0);
    const shown = sources.filter((source) => {
      const text = `${source.title} ${source.kind} ${source.description}`.toLocaleLowerCase();
      return words.every((word) => text.includes(word));
    });
    const total = `${sources.length} ${sources.length === 1 ? "document" : "documents"}`;
    this.listStatus.textContent = sources.length === 0 ? "No documents yet." : words.length === 0 ? total : `${shown.length} of ${total}`;
    replace(this.list, ...shown.map((source) => h("li", {},
      h("a", { text: source.title, attrs: { href: sourceViewHref(source.id), target: "_blank", rel: "noopener" } }),
      source.kind ? h("span", { class: "muted", text: ` · ${source.kind}` }) : null,
      source.description ? h("div", { class: "muted", text: source.description }) : null)));
  }

  private async read(file: File | undefined): Promise<void> {
    this.fileInput.value = "";
    if (!file) return;
    this.alert.textContent = "";
    if (file.size > MAX_FILE_BYTES) {
      this.alert.textContent = `${file.name} is larger than 5 MB: a document's text may be at most 5 MB.`;
      return;
    }
    const name = file.name.toLowerCase();
    this.text.value = await file.text();
    this.format = /\.html?$/.test(name) ? "html" : /\.(md|markdown)$/.test(name) ? "markdown" : "text";
    if (!this.title.value.trim()) this.title.value = file.name.replace(/\.[^.]+$/, "");
  }

  private async add(): Promise<void> {
    this.alert.textContent = "";
    this.submit.disabled = true;
    try {
      const source = await api.addSource({
        title: this.title.value.trim(),
        kind: this.kind.value.trim() || null,
        url: this.url.value.trim() || null,
        text: this.text.value,
        format: this.format,
      });
      this.form.reset();
      this.format = "text";
      replace(this.added, "Added “", source.title, "”. ",
        h("a", { text: "Open it to add the relations it states", attrs: { href: sourceViewHref(source.id), target: "_blank", rel: "noopener" } }), ".");
      const onAdded = this.onAdded;
      void this.load();
      if (onAdded) {
        this.close();
        onAdded(source);
      }
    } catch (error) {
      this.alert.textContent = problemText(error);
    } finally {
      this.submit.disabled = false;
    }
  }
}

/** The source view of a document, from its start. */
export function sourceViewHref(id: string): string {
  return `/source?${new URLSearchParams({ id }).toString()}`;
}

function problemText(error: unknown): string {
  if (error instanceof ApiError) {
    const { status, problem } = error;
    const reason = status === 413 ? "Too large" : status === 409 ? "Already there" : status === 403 ? "Only analysts and admins may add documents" : status === 401 ? "Sign in to add documents" : problem.title ?? "Refused";
    return `${reason} (${status}): ${problem.detail ?? problem.title ?? ""}`;
  }
  return `The document could not be sent: ${error instanceof Error ? error.message : String(error)}`;
}

