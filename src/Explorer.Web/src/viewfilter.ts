import type { EdgeRecord, NodeRecord } from "./types";
import type { ViewState } from "./state";

// Which live arrivals belong in the current view. A path or an expansion is asked with filters (edge types,
// node kinds, review status, an as-of date, avoided nodes); a change pushed live must follow the same filters,
// or "Confirmed only" would show a proposed edge the moment someone adds one, and an edge whose status moves
// out of the filter would stay drawn. The as-of rule mirrors the server's (Explorer.Graph.AsOfPeriod).

export interface LiveFilter {
  edge(edge: EdgeRecord): boolean;
  node(node: NodeRecord): boolean;
}

/** A partial date's first and last day as ISO strings (which compare as dates); null when it is not one. */
export function period(date: string): { first: string; last: string } | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date);
  if (!match) return null;
  const [, year, month, day] = match;
  if (day) return { first: date, last: date };
  if (month) {
    const days = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
    return { first: `${year}-${month}-01`, last: `${year}-${month}-${String(days).padStart(2, "0")}` };
  }
  return { first: `${year}-01-01`, last: `${year}-12-31` };
}

/**
 * Whether a fact dated validFrom..validTo, with these suspensions, holds as of the period: its span overlaps
 * the period and no suspension covers the whole period. An undated fact always holds.
 */
export function holdsAsOf(
  validFrom: string | null | undefined,
  validTo: string | null | undefined,
  suspensions: readonly { from: string; to?: string | null }[] | null | undefined,
  asOf: string,
): boolean {
  const when = period(asOf);
  if (!when) return true;
  const from = validFrom ? period(validFrom) : null;
  const to = validTo ? period(validTo) : null;
  if ((from && from.first > when.last) || (to && to.last < when.first)) return false;
  for (const suspension of suspensions ?? []) {
    const start = period(suspension.from)?.first;
    const end = suspension.to ? period(suspension.to)?.last : "9999-12-31";
    if (start !== undefined && end !== undefined && start <= when.first && when.last <= end) return false;
  }
  return true;
}

export function liveFilter(view: Pick<ViewState, "types" | "kinds" | "status" | "asOf" | "avoid">): LiveFilter {
  const types = new Set(view.types);
  const kinds = new Set(view.kinds);
  const statuses = new Set(view.status ? view.status.split(",") : []);
  const avoid = new Set(view.avoid.map((name) => name.toLowerCase()));
  const avoided = (node: NodeRecord) => [node.id, node.name, ...node.aliases].some((name) => avoid.has(name.toLowerCase()));
  return {
    edge: (edge) =>
      (types.size === 0 || types.has(edge.type)) &&
      (statuses.size === 0 || statuses.has((edge.status ?? "Confirmed").toLowerCase())) &&
      (!view.asOf || holdsAsOf(edge.validFrom, edge.validTo, edge.suspensions, view.asOf)),
    node: (node) =>
      (kinds.size === 0 || kinds.has(node.kind)) &&
      (avoid.size === 0 || !avoided(node)) &&
      (!view.asOf || holdsAsOf(node.validFrom, node.validTo, [], view.asOf)),
  };
}
