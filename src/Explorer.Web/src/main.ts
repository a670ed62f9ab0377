import "./style.css";
import { AnnotationsView } from "./annotations/view";
import { Controls } from "./app/controls";
import { Documents } from "./app/documents";
import { createHook } from "./app/hook";
import { Importer } from "./app/importer";
import { LiveView } from "./app/live";
import { Panels } from "./app/panels";
import { applyRole } from "./app/roles";
import { ExplorerView } from "./app/view";
import { decodeView } from "./state";
import { byId } from "./ui/dom";

// The page, assembled: the view (state, graph, actions), the panel, the controls, the live channel and the
// annotations, wired to each other; then the first view is loaded.

const view = new ExplorerView();
const annotations = new AnnotationsView();
const panels = new Panels(view, annotations);
const controls = new Controls(view);
const live = new LiveView(view, annotations);
view.peers = {
  renderPanel: () => panels.renderPanel(),
  renderNodePanel: (id) => panels.renderNodePanel(id),
  renderEdgePanel: (id) => panels.renderEdgePanel(id),
  fillForms: () => controls.fillForms(),
  updateNames: () => controls.updateNames(),
  scheduleAnnotationCounts: () => live.scheduleAnnotationCounts(),
};
byId("new-node").addEventListener("click", () => panels.renderNewNode());
const documents = new Documents({ canAdd: () => annotations.session.canEdit });
byId("documents").addEventListener("click", () => documents.open());
live.sourcesChanged = () => {
  documents.sourcesChanged();
  panels.loadSources();
};
const importer = new Importer({
  canImport: () => annotations.session.canEdit,
  liveSeq: () => live.sync.lastSeq,
  addSource: (added) => documents.openToAdd(added),
});
byId("import").addEventListener("click", () => importer.open());
/** Who is signed in shows in the account area and decides which write controls are offered. */
const showSession = () => {
  annotations.renderAccount(byId("account"));
  applyRole(annotations.session);
  importer.sessionChanged();
  documents.sessionChanged();
};
annotations.onChange = () => {
  showSession();
  if (view.state.selected.startsWith("e:")) void panels.renderEdgePanel(view.state.selected.slice(2));
  live.scheduleAnnotationCounts();
};

// The hub learns who is viewing when it connects: connect again after signing in or out.
annotations.onSession = () => {
  void live.channel.restart();
  panels.sessionChanged();
};

let ready = false;
window.__explorer = createHook({ view, live, ready: () => ready });

async function start(): Promise<void> {
  const baseline = live.channel.start();
  void annotations.session.detect().then(() => {
    showSession();
    live.scheduleAnnotationCounts();
  });
  panels.loadSources();
  const state = decodeView(location.search);
  // The view is fetched once the live channel says where the change log stands, so nothing committed in
  // between is missed (changes after the baseline arrive through the hub and apply idempotently).
  const seq = await Promise.race([baseline, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 1500))]);
  await view.loadView(state, { keepCamera: false, fromLink: true });
  if (seq >= 0) live.sync.baseline(seq);
  else void baseline.then((late) => {
    // The channel came up late: whatever happened before it connected is fetched like after a drop.
    live.sync.baseline(Math.min(late, live.sync.lastSeq || late));
    void live.sync.catchUp();
  });
  ready = true;
  window.addEventListener("popstate", () => void view.loadFromUrl());
}

void start();
