// The view as a value, and its URL form: a copied link restores the same view for anyone.
// Pure functions only (unit-tested in test/state.test.ts).

/** ranked (the server's default): up to k paths ordered by how well they explain; k: k cheapest. */
export type PathMode = "ranked" | "shortest" | "all" | "k";

/** One expanded node: its neighborhood, optionally only some edge types, `pages` pages deep. */
export interface Expansion {
  id: string;
  types: string[];
  pages: number;
}

/** A node the analyst dragged and pinned, at its graph coordinates. */
export interface Pin {
  id: string;
  x: number;
  y: number;
}

/** Sigma's camera: center in normalized coordinates and zoom ratio. */
export interface CameraState {
  x: number;
  y: number;
  ratio: number;
}

export interface ViewState {
  /** A phrase typed in the search box ("NATO to Balkans", "neighbors of NATO"). */
  q: string;
  from: string;
  to: string;
  mode: PathMode;
  k: number;
  maxHops: number;
  /** Edge-type and node-kind filters, for paths and expansions alike. */
  types: string[];
  kinds: string[];
  avoid: string[];
  expanded: Expansion[];
  /** Nodes the analyst collapsed out of a query result. */
  hidden: string[];
  /** "n:<node id>" or "e:<edge id>". */
  selected: string;
  pins: Pin[];
  /** Where the analyst moved the camera; null: fitted to the graph. */
  camera: CameraState | null;
  /** The date the view holds as of (YYYY, YYYY-MM or YYYY-MM-DD); "": all dates. */
  asOf: string;
  /** The review statuses paths and expansions follow: "" (all), "confirmed" or "confirmed,proposed". */
  status: ReviewFilter;
}

/** The path bar's review-status filter: every edge, confirmed ones only, or confirmed and proposed. */
export type ReviewFilter = "" | "confirmed" | "confirmed,proposed";

export const isReviewFilter = (value: string | null): value is ReviewFilter => value === "" || value === "confirmed" || value === "confirmed,proposed";

export const DEFAULTS: Readonly<ViewState> = Object.freeze({
  q: "", from: "", to: "", mode: "ranked", k: 3, maxHops: 6,
  types: [], kinds: [], avoid: [], expanded: [], hidden: [], selected: "", pins: [], camera: null, asOf: "", status: "",
});

export const LIMITS = { k: [1, 10], maxHops: [1, 10], pages: [1, 50], expanded: 100 } as const;

export function emptyView(): ViewState {
  return { ...DEFAULTS, types: [], kinds: [], avoid: [], expanded: [], hidden: [], pins: [] };
}

const clamp = (value: number, [min, max]: readonly [number, number], fallback: number) =>
  Number.isFinite(value) ? Math.min(max, Math.max(min, Math.trunc(value))) : fallback;

const list = (value: string | null): string[] =>
  value ? [...new Set(value.split(",").map((s) => s.trim()).filter((s) => s.length > 0))] : [];

/** A date the API takes as asOf: a year, a year-month or a day. */
export const isAsOf = (value: string | null): value is string => value !== null && /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/.test(value);

/** A phrase's own trailing date ("NATO to Balkans as of 1995", "members of the SCO in 2010"), which the server reads as asOf (the same pattern as PhraseParser.TrailingDate). */
const PHRASE_DATE = /\s*,?\s+(?:as\s+of|in|on|at|during)\s+\d{4}(?:-\d{2}(?:-\d{2})?)?\s*\??\s*$/i;

/** The phrase without its own date, so that another date (the time slider's) can apply to it. */
export const withoutDate = (phrase: string): string => phrase.replace(PHRASE_DATE, "");

const isMode = (value: string | null): value is PathMode => value === "ranked" || value === "shortest" || value === "all" || value === "k";

/** Modes that return up to k paths. */
export const takesK = (mode: PathMode): boolean => mode === "ranked" || mode === "k";

/** `id`, or `id~TYPE.TYPE~pages` when the expansion is filtered or paged. */
export function encodeExpansion(expansion: Expansion): string {
  if (expansion.types.length === 0 && expansion.pages <= 1) return expansion.id;
  return `${expansion.id}~${expansion.types.join(".")}~${expansion.pages}`;
}

export function decodeExpansion(text: string): Expansion | null {
  const [id = "", types = "", pages = "1"] = text.split("~");
  if (id.trim() === "") return null;
  return {
    id: id.trim(),
    types: types.split(".").filter((t) => t.length > 0),
    pages: clamp(Number(pages), LIMITS.pages, 1),
  };
}

export function encodeView(view: ViewState): string {
  const params = new URLSearchParams();
  if (view.q) params.set("q", view.q);
  if (view.from) params.set("from", view.from);
  if (view.to) params.set("to", view.to);
  if (view.mode !== DEFAULTS.mode) params.set("mode", view.mode);
  if (takesK(view.mode) && view.k !== DEFAULTS.k) params.set("k", String(view.k));
  if (view.maxHops !== DEFAULTS.maxHops) params.set("hops", String(view.maxHops));
  if (view.types.length) params.set("types", view.types.join(","));
  if (view.kinds.length) params.set("kinds", view.kinds.join(","));
  if (view.avoid.length) params.set("avoid", view.avoid.join(","));
  for (const expansion of view.expanded) params.append("x", encodeExpansion(expansion));
  if (view.hidden.length) params.set("hide", view.hidden.join(","));
  if (view.selected) params.set("sel", view.selected);
  for (const pin of view.pins) params.append("pin", `${pin.id}~${round(pin.x)}~${round(pin.y)}`);
  if (view.asOf) params.set("asof", view.asOf);
  if (view.status) params.set("status", view.status);
  if (view.camera) params.set("cam", `${round(view.camera.x)}~${round(view.camera.y)}~${round(view.camera.ratio)}`);
  return params.toString();
}

export function decodeView(search: string): ViewState {
  const params = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  const view = emptyView();
  view.q = (params.get("q") ?? "").slice(0, 500);
  view.from = (params.get("from") ?? "").slice(0, 500);
  view.to = (params.get("to") ?? "").slice(0, 500);
  const mode = params.get("mode");
  view.mode = isMode(mode) ? mode : DEFAULTS.mode;
  view.k = clamp(Number(params.get("k") ?? DEFAULTS.k), LIMITS.k, DEFAULTS.k);
  view.maxHops = clamp(Number(params.get("hops") ?? DEFAULTS.maxHops), LIMITS.maxHops, DEFAULTS.maxHops);
  view.types = list(params.get("types"));
  view.kinds = list(params.get("kinds"));
  view.avoid = list(params.get("avoid"));
  const seen = new Set<string>();
  for (const raw of params.getAll("x")) {
    const expansion = decodeExpansion(raw);
    if (!expansion || seen.has(expansion.id) || view.expanded.length >= LIMITS.expanded) continue;
    seen.add(expansion.id);
    view.expanded.push(expansion);
  }
  view.hidden = list(params.get("hide"));
  const selected = params.get("sel") ?? "";
  view.selected = /^[ne]:./.test(selected) ? selected : "";
  const pinned = new Set<string>();
  for (const raw of params.getAll("pin")) {
    const [id = "", x = "", y = ""] = raw.split("~");
    const px = Number(x), py = Number(y);
    if (id.trim() === "" || x === "" || y === "" || !Number.isFinite(px) || !Number.isFinite(py) || pinned.has(id) || pinned.size >= LIMITS.expanded) continue;
    pinned.add(id);
    view.pins.push({ id: id.trim(), x: px, y: py });
  }
  const asOf = params.get("asof");
  view.asOf = isAsOf(asOf) ? asOf : "";
  const status = (params.get("status") ?? "").toLowerCase();
  view.status = isReviewFilter(status) ? status : "";
  const [cx = "", cy = "", ratio = ""] = (params.get("cam") ?? "").split("~");
  const camera = { x: Number(cx), y: Number(cy), ratio: Number(ratio) };
  if (cx !== "" && cy !== "" && ratio !== "" && Number.isFinite(camera.x) && Number.isFinite(camera.y) && Number.isFinite(camera.ratio) && camera.ratio > 0) {
    view.camera = { x: camera.x, y: camera.y, ratio: Math.min(10, Math.max(0.05, camera.ratio)) };
  }
  return view;
}

/** Coordinates in the URL: 4 decimals is well below a pixel. */
function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}

/** Adds an expansion or raises its page count; returns a new list. */
export function expand(expanded: readonly Expansion[], id: string, types: string[] = []): Expansion[] {
  const existing = expanded.find((e) => e.id === id);
  if (!existing) return [...expanded, { id, types: [...types], pages: 1 }];
  return expanded.map((e) => (e.id === id ? { ...e, types: [...types], pages: e.types.join() === types.join() ? e.pages : 1 } : e));
}

export function morePages(expanded: readonly Expansion[], id: string, types: string[]): Expansion[] {
  return expanded.map((e) =>
    e.id === id ? { ...e, types: [...types], pages: Math.min(LIMITS.pages[1], e.types.join() === types.join() ? e.pages + 1 : 2) } : e,
  );
}

export function collapse(expanded: readonly Expansion[], id: string): Expansion[] {
  return expanded.filter((e) => e.id !== id);
}

/** Whether the view asks a path question (from the path bar or a phrase the API read as a path). */
export function hasPathQuestion(view: ViewState): boolean {
  return view.from.length > 0 && view.to.length > 0;
}
