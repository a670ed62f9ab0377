import "./importer.css";
import { ApiError, api, importFiles } from "../api";
import type { ImportError, ImportResponse, SourceInfo } from "../types";
import { byId, h, replace } from "../ui/dom";

// Importing the analyst's own files from the page: drop files anywhere on the page (or pick them), see what a
// dry run of POST /api/import says would happen (new / changed / unchanged nodes and edges, every error with
// its file, line and reason), choose a source document for edges that come without evidence, then apply.
// What the import writes arrives on every open canvas through the live channel, like any other write.
// Analysts and admins only: the toolbar button is a `data-write` control, and drops are ignored for others.

/** The server's limit for one import request (ImportApi.MaxBodyBytes). */
const MAX_BYTES = 64 * 1024 * 1024;

const ACCEPT = ".csv,.json,.jsonl,.ndjson,.graphml,.xml,.zip";

export interface ImporterDeps {
  /** Whether the signed-in user may write (analyst or admin). */
  canImport(): boolean;
  /** The sequence number of the last live change applied, to show progress while an import commits. */
  liveSeq(): number;
  /** Lets the analyst add a source document, and calls back with it once added (app/documents.ts). */
  addSource(added: (source: SourceInfo) => void): void;
}

type Phase = "empty" | "checking" | "preview" | "applying" | "applied" | "failed";

export class Importer {
  private readonly dialog: HTMLDialogElement;
  private readonly fileInput: HTMLInputElement;
  private readonly fileList: HTMLElement;
  private readonly status: HTMLElement;
  /** Why the request was refused as a whole (400, 413, 415 ...), or why it could not be sent. */
  private readonly alert: HTMLElement;
  private readonly preview: HTMLElement;
  private readonly evidence: HTMLElement;
  private readonly evidenceSelect: HTMLSelectElement;
  private readonly evidenceHint: HTMLElement;
  private readonly errors: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly applyButton: HTMLButtonElement;
  private files: File[] = [];
  private report: ImportResponse | null = null;
  private phase: Phase = "empty";
  /** Bumped for every request, so an answer that a newer request overtook is dropped. */
  private generation = 0;
  private sources: SourceInfo[] | null = null;
  private dragDepth = 0;

  constructor(private readonly deps: ImporterDeps) {
    this.fileInput = h("input", {
      class: "visually-hidden",
      attrs: { type: "file", multiple: true, accept: ACCEPT, id: "import-files", "aria-label": "Files to import" },
      on: { change: () => this.choose([...(this.fileInput.files ?? [])]) },
    });
    this.fileList = h("ul", { class: "import-file-list", attrs: { "aria-label": "Chosen files" } });
    this.status = h("p", { class: "import-status", attrs: { role: "status", "aria-live": "polite" } });
    this.alert = h("p", { class: "import-alert error-text", attrs: { role: "alert" } });
    this.progress = h("progress", { class: "import-progress", attrs: { "aria-label": "Import progress", hidden: true } });
    this.preview = h("div", { class: "import-preview" });
    this.evidenceSelect = h("select", {
      attrs: { id: "import-evidence-source" },
      on: { change: () => void this.check() },
    });
    this.evidenceHint = h("p", { class: "hint" });
    // Built once and only shown or hidden, so the select keeps its focus while the check runs again.
    this.evidence = h("div", { class: "import-evidence", attrs: { hidden: true } },
      h("label", { attrs: { for: "import-evidence-source" }, text: "Evidence for edges without any" }),
      h("div", { class: "import-evidence-choice" },
        this.evidenceSelect,
        h("button", { text: "New document…", attrs: { type: "button", title: "Add the document these edges cite (a note on the team spreadsheet, say)" }, on: { click: () => this.deps.addSource((source) => void this.useSource(source)) } })),
      this.evidenceHint);
    this.errors = h("section", { class: "import-errors", attrs: { "aria-label": "Import errors", hidden: true } });
    this.applyButton = h("button", {
      class: "primary",
      text: "Apply",
      attrs: { type: "button", disabled: true },
      on: { click: () => void this.apply() },
    });
    const drop = h("div", { class: "import-drop" },
      h("p", {}, "Drop files here, or ",
        h("button", { text: "choose files…", attrs: { type: "button" }, on: { click: () => this.fileInput.click() } })),
      h("p", { class: "hint", text: "nodes.csv + edges.csv (neo4j-admin headers), graphology JSON (the JSON this page saves), GraphML (Gephi, yEd), JSON Lines, graph-seed JSON, or a zip of them; up to 64 MB. Nothing is written until you apply." }),
      this.fileInput);
    this.dialog = h("dialog", { class: "import-dialog", attrs: { id: "import-dialog", "aria-labelledby": "import-title" } },
      h("div", { class: "import-head" },
        h("h2", { text: "Import", attrs: { id: "import-title" } }),
        h("button", { class: "icon", text: "×", attrs: { type: "button", "aria-label": "Close import", title: "Close" }, on: { click: () => this.close() } })),
      drop,
      this.fileList,
      this.status,
      this.alert,
      this.progress,
      this.preview,
      this.evidence,
      this.errors,
      h("div", { class: "import-actions" },
        this.applyButton,
        h("button", { text: "Close", attrs: { type: "button" }, on: { click: () => this.close() } })));
    document.body.append(this.dialog, h("div", { class: "import-drop-overlay", attrs: { id: "import-drop-overlay", hidden: true, "aria-hidden": "true" } },
      h("p", { text: "Drop the files to preview an import" })));
    this.dialog.addEventListener("close", () => this.closed());
    this.wireDrops(drop);
  }

  /** Opens the dialog (for analysts and admins), with these files checked at once when given. */
  open(files: File[] = []): void {
    if (!this.deps.canImport()) return;
    if (!this.dialog.open) this.dialog.showModal();
    if (files.length > 0) this.choose(files);
    else if (this.phase === "empty") this.render();
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }

  /** Closed (the Close buttons or Escape): a pending check is dropped; an import being applied still reports when it ends. */
  private closed(): void {
    if (this.phase === "applying") return;
    this.generation++;
    this.reset();
  }

  /** Signed in or out: a user who may no longer write loses the dialog. */
  sessionChanged(): void {
    if (!this.deps.canImport()) this.close();
  }

  private reset(): void {
    this.files = [];
    this.report = null;
    this.phase = "empty";
    this.evidenceSelect.value = "";
    this.fileInput.value = "";
    this.sources = null; // read again next time: documents may have been added meanwhile
    this.render();
  }

  /** Dragging files over the page shows where to drop them; a drop opens the dialog with them. */
  private wireDrops(zone: HTMLElement): void {
    const overlay = byId("import-drop-overlay");
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") ?? false;
    document.addEventListener("dragenter", (event) => {
      if (!carriesFiles(event) || !this.deps.canImport()) return;
      this.dragDepth++;
      overlay.hidden = this.dialog.open;
      zone.classList.add("dragging");
    });
    document.addEventListener("dragleave", (event) => {
      if (!carriesFiles(event)) return;
      this.dragDepth = Math.max(0, this.dragDepth - 1);
      if (this.dragDepth === 0) {
        overlay.hidden = true;
        zone.classList.remove("dragging");
      }
    });
    document.addEventListener("dragover", (event) => {
      if (!carriesFiles(event)) return;
      // Never let the browser open a dropped file in place of the page; only writers get the drop effect.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = this.deps.canImport() ? "copy" : "none";
    });
    document.addEventListener("drop", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      this.dragDepth = 0;
      overlay.hidden = true;
      zone.classList.remove("dragging");
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length > 0 && this.deps.canImport()) this.open(files);
    });
  }

  private choose(files: File[]): void {
    if (this.phase === "applying") return;
    this.files = files;
    this.report = null;
    this.fileInput.value = "";
    void this.check();
  }

  /** The dry run: what the import would do, and every error. */
  private async check(): Promise<void> {
    const generation = ++this.generation;
    if (this.files.length === 0) {
      this.phase = "empty";
      this.render();
      return;
    }
    const size = this.files.reduce((sum, file) => sum + file.size, 0);
    if (size > MAX_BYTES) {
      this.phase = "failed";
      this.render();
      this.fail(`These files hold ${megabytes(size)}; one import takes at most ${megabytes(MAX_BYTES)}. Split them, or import them with the command line (explorer import).`);
      return;
    }
    this.phase = "checking";
    this.render();
    void this.loadSources();
    try {
      const report = await importFiles(this.files, { dryRun: true, evidenceSource: this.evidenceSelect.value });
      if (generation !== this.generation) return;
      this.report = report;
      this.phase = "preview";
      this.render();
    } catch (error) {
      if (generation !== this.generation) return;
      this.phase = "failed";
      this.render();
      this.fail(problemText(error));
    }
  }

  private async apply(): Promise<void> {
    if (this.phase !== "preview" || !this.report) return;
    this.generation++;
    this.phase = "applying";
    this.render();
    const from = this.deps.liveSeq();
    const timer = window.setInterval(() => {
      const committed = this.deps.liveSeq() - from;
      if (committed > 0) this.status.textContent = `Importing… ${committed} change${committed === 1 ? "" : "s"} committed so far.`;
    }, 200);
    try {
      const report = await importFiles(this.files, { dryRun: false, evidenceSource: this.evidenceSelect.value });
      this.report = report;
      this.phase = "applied";
    } catch (error) {
      this.phase = "failed";
      this.render();
      this.fail(problemText(error));
      return;
    } finally {
      window.clearInterval(timer);
    }
    this.render();
  }

  private async loadSources(): Promise<void> {
    if (this.sources) return;
    try {
      this.sources = await api.sources();
    } catch {
      this.sources = [];
    }
    this.fillSources();
  }

  /** A document just added for this import: offered, chosen, and the dry run checked again with it. */
  private async useSource(source: SourceInfo): Promise<void> {
    if (!this.dialog.open) this.dialog.showModal();
    this.sources = null;
    await this.loadSources();
    if (!this.sources!.some((s) => s.id === source.id)) this.sources!.push(source);
    this.fillSources();
    this.evidenceSelect.value = source.id;
    await this.check();
  }

  private fillSources(): void {
    const chosen = this.evidenceSelect.value;
    replace(this.evidenceSelect,
      h("option", { text: "None: edges without evidence are errors", attrs: { value: "" } }),
      ...(this.sources ?? []).map((source) => h("option", { text: source.title, attrs: { value: source.id } })));
    this.evidenceSelect.value = chosen;
  }

  private fail(message: string): void {
    this.status.textContent = "";
    this.alert.textContent = message;
  }

  private render(): void {
    const { phase, report, files } = this;
    this.alert.textContent = "";
    replace(this.fileList, ...files.map((file) => h("li", {}, h("span", { class: "import-file-name", text: file.name }), " ", h("span", { class: "muted", text: megabytes(file.size) }))));
    this.progress.hidden = phase !== "checking" && phase !== "applying";
    this.applyButton.disabled = true;
    this.applyButton.textContent = "Apply";
    const writes = report ? written(report) : 0;
    switch (phase) {
      case "empty":
        this.status.textContent = "";
        break;
      case "checking":
        this.status.textContent = `Checking ${files.length === 1 ? "the file" : `${files.length} files`}… (a dry run: nothing is written)`;
        break;
      case "preview":
        this.status.textContent = writes === 0
          ? "Nothing to change: the graph already holds every valid record in these files."
          : `Dry run (${report!.format}, ${count(report!.records, "record")}): nothing written yet. Apply writes ${count(writes, "change")}${report!.errorCount > 0 ? "; records with errors are left out" : ""}.`;
        this.applyButton.disabled = writes === 0;
        this.applyButton.textContent = writes === 0 ? "Apply" : `Apply ${count(writes, "change")}`;
        break;
      case "applying":
        this.status.textContent = "Importing…";
        break;
      case "applied":
        this.status.textContent = writes === 0
          ? "Nothing changed: the graph already held every valid record."
          : `Imported: ${summary(report!)}${report!.errorCount > 0 ? `; ${count(report!.errorCount, "record")} with errors left out` : ""}. The new records appear live on every open view.`;
        break;
      case "failed":
        break;
    }
    this.renderCounts(phase === "preview" || phase === "applied" ? report : null, phase === "applied");
    this.renderEvidence(phase === "preview" ? report : null);
    this.renderErrors(phase === "preview" || phase === "applied" ? report : null);
  }

  private renderCounts(report: ImportResponse | null, applied: boolean): void {
    if (!report) {
      replace(this.preview);
      return;
    }
    const rows: [string, ImportResponse["nodes"]][] = [["Nodes", report.nodes], ["Edges", report.edges]];
    if (report.sources.new + report.sources.changed + report.sources.unchanged + report.sources.removed > 0) rows.push(["Source documents", report.sources]);
    const removed = rows.some(([, c]) => c.removed > 0);
    const header = ["", applied ? "Added" : "New", "Changed", "Unchanged", ...(removed ? ["Removed"] : [])];
    replace(this.preview,
      h("table", { class: "import-counts" },
        h("caption", { text: applied ? "What the import did" : "What the import would do" }),
        h("thead", {}, h("tr", {}, ...header.map((name, i) => h("th", { text: name, attrs: { scope: i === 0 ? undefined : "col" } })))),
        h("tbody", {}, ...rows.map(([name, c]) => h("tr", {},
          h("th", { text: name, attrs: { scope: "row" } }),
          h("td", { text: String(c.new) }), h("td", { text: String(c.changed) }), h("td", { text: String(c.unchanged) }),
          ...(removed ? [h("td", { text: String(c.removed) })] : []))))));
  }

  private renderEvidence(report: ImportResponse | null): void {
    const show = report !== null && (report.edgesWithoutEvidence > 0 || this.evidenceSelect.value !== "");
    this.evidence.hidden = !show;
    if (!show || !report) return;
    const without = report.edgesWithoutEvidence;
    this.evidenceHint.textContent = without === 0
      ? "No edge in these files lacks evidence."
      : `${count(without, "edge")} in these files ${without === 1 ? "has" : "have"} no evidence. Every relation cites a source: choose a source document that describes this import (for example a note on the team spreadsheet) and ${without === 1 ? "it cites" : "they cite"} its first line.`;
    if (this.sources === null) void this.loadSources();
  }

  private renderErrors(report: ImportResponse | null): void {
    const errors = report?.errors ?? [];
    this.errors.hidden = !report || report.errorCount === 0;
    if (this.errors.hidden) {
      replace(this.errors);
      return;
    }
    const total = report!.errorCount;
    replace(this.errors,
      h("h3", { text: `${count(total, "error")}${this.phase === "preview" ? (total === 1 ? ": this record is left out" : ": these records are left out") : ""}` }),
      total > errors.length ? h("p", { class: "hint", text: `The first ${errors.length} are listed.` }) : null,
      h("ol", { class: "import-error-list", attrs: { "aria-label": "Errors" } }, ...errors.map((error) =>
        h("li", {}, h("span", { class: "import-where", text: where(error) }), " ", h("span", { text: error.reason })))));
  }
}

/** Where an error is: "edges.csv line 3, field 2 (node 'x')". */
export function where(error: ImportError): string {
  const parts = [error.file];
  if (error.line > 0) parts.push(`line ${error.line}`);
  let text = parts.join(" ");
  if (error.column > 0) text += `, ${error.file.toLowerCase().endsWith(".csv") ? "field" : "column"} ${error.column}`;
  if (error.element) text += ` (${error.element})`;
  return `${text}:`;
}

/** Records the import writes (or would write). */
function written(report: ImportResponse): number {
  const sum = (c: ImportResponse["nodes"]) => c.new + c.changed + c.removed;
  return sum(report.nodes) + sum(report.edges) + sum(report.sources);
}

function summary(report: ImportResponse): string {
  const parts: string[] = [];
  const add = (n: number, what: string) => { if (n > 0) parts.push(count(n, what)); };
  add(report.nodes.new, "new node");
  add(report.nodes.changed, "changed node");
  add(report.nodes.removed, "removed node");
  add(report.edges.new, "new edge");
  add(report.edges.changed, "changed edge");
  add(report.edges.removed, "removed edge");
  add(report.sources.new + report.sources.changed, "source document");
  return parts.join(", ");
}

function count(n: number, what: string): string {
  return `${n.toLocaleString("en")} ${what}${n === 1 ? "" : "s"}`;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** What the server said when it refused the whole request (problem+json), as text. */
function problemText(error: unknown): string {
  if (error instanceof ApiError) {
    const { status, problem } = error;
    const title = problem.title ?? "Refused";
    const reason = status === 413 ? "Too large" : status === 415 ? "Not a file type the import reads" : status === 403 ? "Only analysts and admins may import" : status === 401 ? "Sign in to import" : title;
    return `${reason} (${status}): ${problem.detail ?? title}`;
  }
  return `The import could not be sent: ${error instanceof Error ? error.message : String(error)}`;
}
