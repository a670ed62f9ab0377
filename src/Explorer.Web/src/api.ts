import type {
  ChangesResponse, EdgeRecord, Neighborhood, NodeDetails, PathsResponse, Problem, QueryResponse, SearchHit, SourceDocument,
} from "./types";

/** A non-2xx answer: the problem+json body when there was one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

export type Query = Record<string, string | number | undefined | null | readonly string[]>;

export function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(","));
    } else {
      params.set(key, String(value));
    }
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url(path, query), { headers: { Accept: "application/json" }, signal: signal ?? null });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return (await response.json()) as T;
}

export async function problemOf(response: Response): Promise<Problem> {
  try {
    return (await response.json()) as Problem;
  } catch {
    return { status: response.status, title: response.statusText };
  }
}

export const api = {
  search: (q: string, limit = 8, signal?: AbortSignal) =>
    getJson<{ results: SearchHit[] }>("/api/search", { q, limit }, signal).then((r) => r.results),
  query: (q: string, signal?: AbortSignal) => getJson<QueryResponse>("/api/query", { q }, signal),
  node: (id: string) => getJson<NodeDetails>(`/api/nodes/${encodeURIComponent(id)}`),
  neighborhood: (id: string, options: { types?: readonly string[]; kinds?: readonly string[]; limit?: number; offset?: number; depth?: number }) =>
    getJson<Neighborhood>(`/api/nodes/${encodeURIComponent(id)}/neighborhood`, {
      types: options.types, kinds: options.kinds, limit: options.limit, offset: options.offset, depth: options.depth,
    }),
  edge: (id: string) => getJson<EdgeRecord>(`/api/edges/${encodeURIComponent(id)}`),
  paths: (query: Query) => getJson<PathsResponse>("/api/paths", query),
  sources: () => getJson<{ id: string; title: string }[]>("/api/sources"),
  source: (id: string) => getJson<SourceDocument>(`/api/sources/${encodeURIComponent(id)}`),
  changes: (after: number, limit: number) => getJson<ChangesResponse>("/api/changes", { after, limit }),
};

/** Tolerates a missing record (deleted meanwhile): null instead of an error. */
export async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
