import "./style.css";
import { api, ApiError } from "./api";
import { byId, h, replace } from "./ui/dom";

// /source?id=<source id>&quote=<verbatim quote>: the source document, scrolled to the quoted sentence,
// which is marked. The text is split around the quote and inserted as text nodes (no HTML).

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

void show();
