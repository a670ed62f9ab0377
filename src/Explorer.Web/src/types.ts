// Wire types of the Explorer HTTP API and live channel (camelCase JSON, enums as names).

export const NODE_KINDS = ["Nation", "Organization", "Mission", "Region", "Theme"] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export const EDGE_TYPES = [
  "CONDUCTED", "AUTHORIZED", "DEPLOYED_TO", "PROVIDED_AID_TO", "PARTNERED_WITH",
  "MEMBER_OF", "LOCATED_IN", "PART_OF", "SUCCEEDED_BY",
  "EXEMPLIFIES", "FOCUSES_ON", "ADDRESSES", "SUPPORTS", "CONSTRAINS", "LEADS_TO", "TRANSFORMS", "COMPLEMENTS", "ASPECT_OF",
] as const;

export interface NodeRecord {
  id: string;
  kind: NodeKind;
  name: string;
  aliases: string[];
  description: string;
  validFrom?: string | null;
  validTo?: string | null;
}

export interface Evidence {
  sourceId: string;
  quote: string;
}

export interface EdgeRecord {
  id: string;
  type: string;
  source: string;
  target: string;
  evidence: Evidence[];
  validFrom?: string | null;
  validTo?: string | null;
  suspensions?: { from: string; to?: string | null }[];
}

export interface NodeRef {
  id: string;
  kind: NodeKind;
  name: string;
}

export interface NodeDetails extends NodeRecord {
  degree: number;
  countsByType: Record<string, number>;
}

export interface SearchHit {
  id: string;
  kind: NodeKind;
  name: string;
  aliases: string[];
  score: number;
  match: "Exact" | "Prefix" | "Token" | "Fuzzy";
}

export interface Neighborhood {
  center: NodeRecord;
  nodes: NodeRecord[];
  edges: EdgeRecord[];
  truncated: boolean;
  countsByType: Record<string, number>;
}

export interface GraphPath {
  nodes: string[];
  edges: string[];
  length: number;
  cost: number;
  /** Ranked mode: one line saying why the path ranks where it does. */
  why?: string | null;
}

export interface PathsResponse {
  from: NodeRef;
  to: NodeRef;
  mode: string;
  paths: GraphPath[];
  nodes: NodeRecord[];
  edges: EdgeRecord[];
  reason: string | null;
}

export type QueryResponse =
  | ({ kind: "path"; interpretation: string } & PathsResponse)
  | ({ kind: "neighborhood"; interpretation: string } & Neighborhood)
  | { kind: "search"; interpretation: string; results: SearchHit[] };

export interface SourceDocument {
  id: string;
  title: string;
  kind: string;
  description: string;
  text: string;
}

export type ChangeKind =
  | "NodeUpserted" | "NodeRemoved" | "EdgeUpserted" | "EdgeRemoved" | "GraphReloaded"
  | "AnnotationAdded" | "AnnotationChanged" | "AnnotationRemoved";

export interface Change {
  seq: number;
  at: string;
  kind: ChangeKind | string;
  entityId: string;
}

export interface ChangesResponse {
  changes: Change[];
  last: number;
}

export interface ChangeEvent extends Change {
  node?: NodeRecord | null;
  edge?: EdgeRecord | null;
  annotation?: unknown;
}

export interface PresenceEvent {
  viewers: number;
  users: string[];
}

/** RFC 9457 problem+json as the API sends it (extensions flattened). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  field?: string;
  candidates?: NodeRef[];
  suggestions?: NodeRef[];
}
