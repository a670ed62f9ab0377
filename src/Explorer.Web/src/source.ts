import "./style.css";
import { api, ApiError } from "./api";
import { AnnotationClient } from "./annotations/client";
import { Session } from "./annotations/session";
import { applyRole } from "./app/roles";
import { LiveChannel, type ConnectionState } from "./live";
import { relationForm } from "./relation";
import { CitationsView } from "./sourceview/citations";
import { SourceEditing, type SourceFields } from "./sourceview/editing";
import { concerns } from "./sourceview/relevance";
import { SuggestionsView } from "./sourceview/suggestions";
import type { SourceDocument } from "./types";
import { byId, h, replace } from "./ui/dom";

// /source?id=<source id>&quote=<verbatim quote>: the source document, scrolled to the quoted sentence, which is
// marked. The text is split around a marked passage and inserted as text nodes (no HTML). Beside it: every quote
// the graph takes from the document, each linking to its edge, and the relations the document suggests, which
// analysts accept or dismiss. The view is live: a review, an edge citing the document or a change to the document
// made anywhere refreshes it. An analyst also selects a passage and chooses "Add relation" (relation.ts), and
// edits or deletes the document (sourceview/editing.ts).

const params = new URLSearchParams(location.search);
const sourceId = params.get("id") ?? "";
const session = new Session(new AnnotationClient());
let text = "";
/** The document as last read (its version is the ETag of the next write); null until read, or once deleted. */
let current: SourceDocument | null = null;
/** Deleted from this page: nothing is read again, the page says so. */
let gone = false;

/** Marks text[start, start + length) and scrolls to it; without a passage (start < 0) shows the text plain. */
function showInText(start: number, length: number): void {
  const element = byId("source-text");
  if (start < 0 || start + length > text.length) {
    replace(element, text);
    return;
  }
  const mark = h("mark", { attrs: { id: "quote", tabindex: "-1" }, text: text.slice(start, start + length) });
  replace(element, text.slice(0, start), mark, text.slice(start + length));
  mark.scrollIntoView({ block: "center" });
  mark.focus({ preventScroll: true });
}

const citations = new CitationsView(sourceId, showInText, params.get("quote") ?? "");
const suggestions = new SuggestionsView(sourceId, session, showInText, () => refresh());

let refreshing: Promise<void> | null = null;
let again = false;
/** Reloads both lists; calls while one runs are folded into one more run after it. */
async function refresh(): Promise<void> {
  if (gone) return;
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      await Promise.all([
        citations.load().catch((error: unknown) => failed("citations-summary", error)),
        suggestions.load().catch((error: unknown) => failed("suggestions-summary", error)),
      ]);
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

function failed(summaryId: string, error: unknown): void {
  byId(summaryId).textContent = `Could not load this list: ${error instanceof Error ? error.message : String(error)}`;
}

async function show(): Promise<boolean> {
  const quote = params.get("quote") ?? "";
  const status = byId("source-status");
  if (!sourceId) {
    byId("source-title").textContent = "No source given";
    return false;
  }
  try {
    const source = await api.source(sourceId);
    if (gone) return false;
    current = source;
    text = source.text;
    document.title = `${source.title} · Explorer`;
    byId("source-title").textContent = source.title;
    byId("source-meta").textContent = source.description ? `${source.kind} — ${source.description}` : source.kind;
    const link = source.url ? h("a", { text: "Original", attrs: { href: source.url, rel: "noopener noreferrer", target: "_blank" } }) : null;
    if (link) byId("source-meta").append(" · ", link);
    const at = quote ? text.indexOf(quote) : -1;
    showInText(at, quote.length);
    if (quote) status.textContent = at < 0 ? "The quoted sentence was not found in this version of the source." : "The quoted sentence is highlighted.";
    return true;
  } catch (error) {
    if (gone) return false;
    current = null;
    byId("source-actions").hidden = true;
    byId("source-title").textContent = error instanceof ApiError && error.status === 404 ? "Source not found" : "Could not load the source";
    status.textContent = error instanceof Error ? error.message : String(error);
    return false;
  }
}

/** For analysts and admins: selecting a passage offers "Add relation" with the passage as the quote. */
function offerRelations(): void {
  if (!session.canEdit) return;
  const textElement = byId("source-text");
  const panel = byId("relation");
  const button = h("button", { class: "add-relation", attrs: { type: "button", hidden: true }, text: "Add relation" });
  let quote = "";
  textElement.before(button);
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    const inside = selection && selection.rangeCount > 0 && !selection.isCollapsed && textElement.contains(selection.getRangeAt(0).commonAncestorContainer);
    if (!inside) return;
    quote = selection.toString().trim();
    button.hidden = quote.length === 0;
  });
  button.addEventListener("click", () => {
    if (!quote) return;
    replace(panel, relationForm(sourceId, quote, () => replace(panel)));
    panel.querySelector("input")?.focus();
  });
}

/**
 * The document is gone: the page says so and links back to the explorer. Deleted elsewhere (another analyst, while this
 * page was open), with an edit under way here: its text is kept on the page, to copy, since it can no longer be saved.
 */
function deleted(title: string, elsewhere = false, unsaved: SourceFields | null = null): void {
  gone = true;
  current = null;
  text = "";
  document.title = "Document deleted · Explorer";
  document.querySelector<HTMLElement>(".source-review")!.hidden = true;
  const heading = h("h2", { attrs: { id: "source-title", tabindex: "-1" }, text: "Document deleted" });
  const kept = unsaved
    ? [h("p", { text: "Your changes to it were not saved. Your text is below, to copy:" }),
      h("textarea", { class: "source-edit-text", attrs: { readonly: true, rows: 10, "aria-label": "Your unsaved text" } })]
    : [];
  if (unsaved) (kept[1] as HTMLTextAreaElement).value = unsaved.text;
  replace(byId("source"), heading,
    h("p", { attrs: { role: "status" } }, "“", title, elsewhere ? "” was deleted elsewhere while this page was open. " : "” was deleted. ", h("a", { text: "Back to the explorer", attrs: { href: "/" } })),
    ...kept);
  heading.focus();
}

function showAccount(): void {
  const me = session.me;
  byId("account").textContent = session.available && me.authenticated ? `Signed in as ${me.userName} (${(me.role ?? "").toLowerCase()})` : "";
}

let timer = 0;
/** Refreshes soon (a burst of changes, e.g. an import, is one refresh). */
function refreshSoon(): void {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => void refresh(), 100);
}

function connection(state: ConnectionState): void {
  const element = byId("connection");
  element.className = `conn conn-${state}`;
  element.textContent = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline" }[state];
  element.title = state === "live" ? "Reviews and new quotes appear as they happen" : "Changes will be fetched when the connection is back";
}

async function start(): Promise<void> {
  const sessionKnown = session.detect().then(showAccount);
  if (!(await show())) {
    // No document, nothing to review.
    document.querySelector<HTMLElement>(".source-review")!.hidden = true;
    return;
  }
  await sessionKnown;
  offerRelations();
  applyRole(session);
  const editing = new SourceEditing(sourceId, { current: () => current, reload: () => show().then(refresh), deleted: (title) => deleted(title) });
  if (session.canEdit) void editing.offerDelete(session.me.userName, session.me.role);
  const live = new LiveChannel({
    changed: (change) => {
      if (gone) return;
      if (change.kind === "SourceRemoved" && change.entityId === sourceId && !editing.deletingHere) {
        deleted(current?.title ?? sourceId, true, editing.unsaved());
        return;
      }
      const what = concerns(change, { sourceId, edges: new Set([...citations.edges, ...suggestions.edges]), nodes: suggestions.nodes });
      if (what === "all") void show().then(refreshSoon);
      else if (what === "lists") refreshSoon();
    },
    presence: () => {},
    state: connection,
    // After a drop nothing says what was missed: read the lists again.
    reconnected: () => refreshSoon(),
  });
  // The lists are read once the channel is up, so nothing committed in between is missed; a channel that comes
  // up late reads them again.
  const started = live.start();
  const inTime = await Promise.race([started.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1500))]);
  await refresh();
  if (!inTime) void started.then(refreshSoon);
}

void start();
