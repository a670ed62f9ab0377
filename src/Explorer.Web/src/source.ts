import "./style.css";
import { api, ApiError } from "./api";
import { relationForm } from "./relation";
import { byId, h, replace } from "./ui/dom";

// /source?id=<source id>&quote=<verbatim quote>: the source document, scrolled to the quoted sentence,
// which is marked. The text is split around the quote and inserted as text nodes (no HTML). An analyst
// selects a passage and chooses "Add relation" to add the edge it states (relation.ts).

async function show(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const id = params.get("id") ?? "";
  const quote = params.get("quote") ?? "";
  const status = byId("source-status");
  if (!id) {
    byId("source-title").textContent = "No source given";
    return;
  }
  try {
    const source = await api.source(id);
    void offerRelations(source.id);
    document.title = `${source.title} · Explorer`;
    byId("source-title").textContent = source.title;
    byId("source-meta").textContent = `${source.kind} — ${source.description}`;
    const text = byId("source-text");
    const at = quote ? source.text.indexOf(quote) : -1;
    if (at < 0) {
      replace(text, source.text);
      if (quote) status.textContent = "The quoted sentence was not found in this version of the source.";
      return;
    }
    const mark = h("mark", { attrs: { id: "quote", tabindex: "-1" }, text: quote });
    replace(text, source.text.slice(0, at), mark, source.text.slice(at + quote.length));
    status.textContent = "The quoted sentence is highlighted.";
    mark.scrollIntoView({ block: "center" });
    mark.focus({ preventScroll: true });
  } catch (error) {
    byId("source-title").textContent = error instanceof ApiError && error.status === 404 ? "Source not found" : "Could not load the source";
    status.textContent = error instanceof Error ? error.message : String(error);
  }
}

/** For analysts and admins: selecting a passage offers "Add relation" with the passage as the quote. */
async function offerRelations(sourceId: string): Promise<void> {
  const me = await api.me().catch(() => null);
  if (!me?.authenticated || (me.role !== "analyst" && me.role !== "admin")) return;
  const text = byId("source-text");
  const panel = byId("relation");
  const button = h("button", { class: "add-relation", attrs: { type: "button", hidden: true }, text: "Add relation" });
  let quote = "";
  text.before(button);
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    const inside = selection && selection.rangeCount > 0 && !selection.isCollapsed && text.contains(selection.getRangeAt(0).commonAncestorContainer);
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

void show();
