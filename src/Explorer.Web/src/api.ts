import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./generated/api";
import type { Annotation, AnnotationRequest, AnnotationVersion, EdgeRequest, Me, NodeRequest, Problem, QueryResponse, SourceRequest } from "./types";

// The one way this page talks HTTP: a client typed by the server's OpenAPI document (openapi-fetch over the
// generated `paths`), so every path, parameter and answer is checked against what the server declares.
// Failures become ApiError carrying the problem+json body. State-changing requests carry the antiforgery
// header (fetched once, refreshed after a sign-in or a 400).

/** A non-2xx answer: the problem+json body when there was one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

let antiforgery: { token: string; headerName: string } | null = null;

const antiforgeryHeader: Middleware = {
  async onRequest({ request }) {
    if (request.method === "GET" || request.method === "HEAD") return request;
    if (!antiforgery) {
      const response = await fetch("/api/auth/antiforgery", { credentials: "same-origin" });
      if (response.ok) antiforgery = (await response.json()) as { token: string; headerName: string };
    }
    if (antiforgery) request.headers.set(antiforgery.headerName, antiforgery.token);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 400) antiforgery = null; // perhaps a stale token: fetch a new one next time
    return response;
  },
};

// Read-your-writes across server instances: a response to a write (and every live change) carries an opaque
// token in the Explorer-Bookmark header (the change's `bookmark`); each request sends the tokens held, and the
// instance that serves it, whichever, reads at least that state. A write's answer stands for the tokens its
// request sent, so it replaces them (as a Neo4j driver keeps bookmarks); tokens that arrived meanwhile stay.
export const BOOKMARK_HEADER = "Explorer-Bookmark";
const MAX_BOOKMARKS = 4;
let bookmarks: string[] = [];

/** The tokens the next request sends (oldest first). */
export const heldBookmarks = (): readonly string[] => bookmarks;

/** Holds a token seen outside a response (a live change's `bookmark`). */
export function observeBookmark(token: string | null | undefined, sent: readonly string[] = []): void {
  if (!token) return;
  bookmarks = [...bookmarks.filter((b) => b !== token && !sent.includes(b)), token].slice(-MAX_BOOKMARKS);
}

const bookmarkHeader: Middleware = {
  onRequest({ request }) {
    if (bookmarks.length > 0) request.headers.set(BOOKMARK_HEADER, bookmarks.join(","));
    return request;
  },
  onResponse({ request, response }) {
    const sent = request.headers.get(BOOKMARK_HEADER)?.split(",") ?? [];
    observeBookmark(response.headers.get(BOOKMARK_HEADER), sent);
    return response;
  },
};

const http = createClient<paths>({
  baseUrl: typeof location === "undefined" ? "http://localhost" : location.origin,
  credentials: "same-origin",
  headers: { Accept: "application/json" },
});
http.use(antiforgeryHeader, bookmarkHeader);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiError with its problem. */
async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, asProblem(error, response));
  return data as T;
}

function asProblem(error: unknown, response: Response): Problem {
  return error !== null && typeof error === "object" ? (error as Problem) : { status: response.status, title: response.statusText };
}

const list = (values: readonly string[] | undefined) => (values && values.length > 0 ? values.join(",") : undefined);

export interface PathQuery {
  from: string;
  to: string;
  mode: string;
  k?: number | undefined;
  maxHops: number;
  types: readonly string[];
  kinds: readonly string[];
  avoid: readonly string[];
  /** YYYY, YYYY-MM or YYYY-MM-DD; empty or absent: all dates. */
  asOf?: string | undefined;
  /** Review statuses to follow, comma-separated ("confirmed", "confirmed,proposed"); empty or absent: all. */
  status?: string | undefined;
}

const date = (asOf: string | undefined) => (asOf ? asOf : undefined);

export const api = {
  search: (q: string, limit = 8, signal?: AbortSignal, asOf?: string) =>
    ok(http.GET("/api/search", { params: { query: { q, limit, asOf: date(asOf) } }, signal: signal ?? null })).then((r) => r.results),
  query: (q: string, asOf?: string, signal?: AbortSignal, status?: string) =>
    ok(http.GET("/api/query", { params: { query: { q, asOf: date(asOf), status: status || undefined } }, signal: signal ?? null })) as Promise<QueryResponse>,
  timeline: () => ok(http.GET("/api/timeline")),
  /** A node with its degree and edge counts by type, counting only the edges that held as of the date and have the statuses given. */
  node: (id: string, asOf?: string, status?: string) =>
    ok(http.GET("/api/nodes/{id}", { params: { path: { id }, query: { asOf: date(asOf), status: status || undefined } } })),
  neighborhood: (id: string, options: { types?: readonly string[]; kinds?: readonly string[]; limit?: number; offset?: number; depth?: number; asOf?: string; status?: string }) =>
    ok(http.GET("/api/nodes/{id}/neighborhood", {
      params: { path: { id }, query: { types: list(options.types), kinds: list(options.kinds), limit: options.limit, offset: options.offset, depth: options.depth, asOf: date(options.asOf), status: options.status || undefined } },
    })),
  edge: (id: string) => ok(http.GET("/api/edges/{id}", { params: { path: { id } } })),
  paths: (q: PathQuery) => ok(http.GET("/api/paths", {
    params: { query: { from: q.from, to: q.to, mode: q.mode, k: q.k, maxHops: q.maxHops, types: list(q.types), kinds: list(q.kinds), avoid: list(q.avoid), asOf: date(q.asOf), status: q.status || undefined } },
  })),
  sources: () => ok(http.GET("/api/sources")),
  /** Adds a source document (text, Markdown or HTML, kept as plain text): analysts and admins. */
  addSource: (body: SourceRequest) => ok(http.POST("/api/sources", { body })),
  source: (id: string) => ok(http.GET("/api/sources/{id}", { params: { path: { id } } })),
  /** PUT with If-Match: the source's version; fields left out keep their value (409 when the new text drops a quote edges cite). */
  editSource: (id: string, version: number, body: SourceRequest) =>
    ok(http.PUT("/api/sources/{id}", { params: { path: { id } }, body, headers: { "If-Match": `"${version}"` } })),
  /** DELETE with If-Match: 409 while edges cite it, unless force removes those citations (an edge left with no evidence is deleted). */
  deleteSource: (id: string, version: number, force = false) =>
    ok(http.DELETE("/api/sources/{id}", { params: { path: { id }, query: { force: force || undefined } }, headers: { "If-Match": `"${version}"` } })),
  /** Every recorded version of a source, oldest first: who, when, which action ("created", "updated", "deleted"). */
  sourceHistory: (id: string) => ok(http.GET("/api/sources/{id}/history", { params: { path: { id } } })).then((r) => r.versions),
  /** Every quote the graph takes from a source, each with its edge, in text order. */
  citations: (id: string) => ok(http.GET("/api/sources/{id}/citations", { params: { path: { id } } })),
  /** The relations a source suggests between known nodes (dismissed ones only when asked for). */
  suggestions: (id: string, includeDismissed = false) =>
    ok(http.GET("/api/sources/{id}/suggestions", { params: { path: { id }, query: { include: includeDismissed ? "dismissed" : undefined } } })),
  changes: (after: number, limit: number) => ok(http.GET("/api/changes", { params: { query: { after, limit } } })),

  // ----- accounts -----

  /** Who is signed in; null when the server has no accounts (404). */
  me: async (): Promise<Me | null> => {
    const { data, response } = await http.GET("/api/auth/me");
    if (response.status === 404) return null;
    if (response.status === 401) return { authenticated: false, userName: null, role: null };
    if (!response.ok || !data) throw new ApiError(response.status, { status: response.status, title: response.statusText });
    return data;
  },
  login: async (userName: string, password: string) => {
    antiforgery = null;
    try {
      return await ok(http.POST("/api/auth/login", { body: { userName, password } }));
    } finally {
      antiforgery = null;
    }
  },
  logout: async () => {
    await ok(http.POST("/api/auth/logout"));
    antiforgery = null;
  },

  // ----- annotations -----

  annotations: (edgeId: string) =>
    ok(http.GET("/api/edges/{id}/annotations", { params: { path: { id: edgeId } } })).then((r) => r.annotations),
  annotation: (id: string) => ok(http.GET("/api/annotations/{id}", { params: { path: { id } } })),
  annotationCounts: (targets: readonly string[]) =>
    ok(http.GET("/api/annotations/counts", { params: { query: { targets: targets.join(",") } } })).then((r) => r.counts),
  annotationHistory: (id: string): Promise<AnnotationVersion[]> =>
    ok(http.GET("/api/annotations/{id}/history", { params: { path: { id } } })).then((r) => r.versions),
  annotate: (edgeId: string, body: AnnotationRequest): Promise<Annotation> =>
    ok(http.POST("/api/edges/{id}/annotations", { params: { path: { id: edgeId } }, body })),
  /** PUT with If-Match: the version the edit was made against (412 when someone else changed it first). */
  editAnnotation: (id: string, version: number, body: AnnotationRequest): Promise<Annotation> =>
    ok(http.PUT("/api/annotations/{id}", { params: { path: { id } }, body, headers: { "If-Match": `"${version}"` } })),
  deleteAnnotation: (id: string, version: number): Promise<Annotation> =>
    ok(http.DELETE("/api/annotations/{id}", { params: { path: { id } }, headers: { "If-Match": `"${version}"` } })),

  // ----- growing the graph -----

  createNode: (fields: Partial<NodeRequest>) => ok(http.POST("/api/nodes", { body: nodeRequest(fields) })),
  createEdge: (fields: Partial<EdgeRequest>) => ok(http.POST("/api/edges", { body: edgeRequest(fields) })),
  /** PUT with If-Match: the node's version; fields left out keep their value. */
  editNode: (id: string, version: number, fields: Partial<NodeRequest>) =>
    ok(http.PUT("/api/nodes/{id}", { params: { path: { id } }, body: nodeRequest(fields), headers: { "If-Match": `"${version}"` } })),
  /** PUT with If-Match: the edge's version (412 when someone else changed it first); fields left out keep their value. */
  editEdge: (id: string, version: number, fields: Partial<EdgeRequest>) =>
    ok(http.PUT("/api/edges/{id}", { params: { path: { id } }, body: edgeRequest(fields), headers: { "If-Match": `"${version}"` } })),
  deleteEdge: (id: string, version: number) =>
    ok(http.DELETE("/api/edges/{id}", { params: { path: { id } }, headers: { "If-Match": `"${version}"` } })),
  deleteNode: (id: string, version: number, cascade = false) =>
    ok(http.DELETE("/api/nodes/{id}", { params: { path: { id }, query: { cascade } }, headers: { "If-Match": `"${version}"` } })),

  // ----- reviewing a source's suggestions -----

  /** Accepts a suggestion: a proposed edge quoting its sentence (type: required when it has none; reverse: swap the ends). */
  acceptSuggestion: (sourceId: string, suggestionId: string, choice: { type?: string | null; reverse?: boolean }) =>
    ok(http.POST("/api/sources/{id}/suggestions/{suggestionId}/accept", {
      params: { path: { id: sourceId, suggestionId } },
      body: { type: choice.type || null, reverse: choice.reverse ?? null },
    })),
  dismissSuggestion: (sourceId: string, suggestionId: string) =>
    ok(http.POST("/api/sources/{id}/suggestions/{suggestionId}/dismiss", { params: { path: { id: sourceId, suggestionId } } })),
};

/** A node request: what is given, null (keep, or the server's default) for the rest. */
function nodeRequest(fields: Partial<NodeRequest>): NodeRequest {
  return { id: null, kind: null, name: null, aliases: null, description: null, validFrom: null, validTo: null, ...fields };
}

/** An edge request: what is given, null (keep, or the server's default) for the rest. */
function edgeRequest(fields: Partial<EdgeRequest>): EdgeRequest {
  return { id: null, type: null, source: null, target: null, evidence: null, validFrom: null, validTo: null, suspensions: null, status: null, ...fields };
}

/** Tolerates a missing record (deleted meanwhile): null instead of an error. */
export async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

// ----- import -----

/** The multipart form the document declares for POST /api/import (files, and an optional "mapping" part). */
type ImportForm = NonNullable<paths["/api/import"]["post"]["requestBody"]>["content"]["multipart/form-data"];

export interface ImportFilesOptions {
  /** Check and count only: nothing is written. */
  dryRun: boolean;
  /** A source document's id that edges without evidence cite (empty: none). */
  evidenceSource?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * POST /api/import with the files as one multipart form (the server tells the format from the names and
 * contents). A 200 carries the counts and every error, also when records failed; a refusal of the whole request
 * (400, 413, 415) is an ApiError with its problem.
 */
export function importFiles(files: readonly File[], options: ImportFilesOptions) {
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  return ok(http.POST("/api/import", {
    params: { query: { dryRun: options.dryRun, evidenceSource: options.evidenceSource || undefined } },
    body: form as unknown as ImportForm,
    bodySerializer: (body) => body as unknown as FormData,
    signal: options.signal ?? null,
  }));
}
