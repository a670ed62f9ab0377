import type { components } from "./generated/api";

// The page's names for the server's shapes. Every HTTP shape comes from src/generated/api.ts, which the build
// generates from openapi/v1.json (the server's OpenAPI document, kept equal to it by a test), so a change on
// the server shows up here as a type error instead of a silent undefined. Only the live channel's messages
// (SignalR, not in the OpenAPI document) are declared here, in terms of the generated records.

type Schemas = components["schemas"];

export type NodeKind = Schemas["NodeKind"];
export type NodeRecord = Schemas["Node"];
export type EdgeRecord = Schemas["Edge"];
export type Evidence = Schemas["Evidence"];
export type NodeRef = Schemas["NodeRef"];
export type NodeDetails = Schemas["NodeResponse"];
export type SearchHit = Schemas["SearchHit"];
export type Neighborhood = Schemas["Neighborhood"];
export type GraphPath = Schemas["GraphPath"];
export type PathsResponse = Schemas["PathsResponse"];
/** The document marks the discriminator optional; the server always sends it. */
type WithKind<T> = T extends { kind?: infer K } ? Omit<T, "kind"> & { kind: Exclude<K, undefined> } : never;
export type QueryResponse = WithKind<Schemas["QueryResponse"]>;
export type SourceDocument = Schemas["SourceDocument"];
export type SourceInfo = Schemas["SourceInfo"];
export type SourceRequest = Schemas["SourceRequest"];
export type Change = Schemas["Change"];
export type ChangeKind = Schemas["ChangeKind"];
export type ChangesResponse = Schemas["ChangesResponse"];
export type Annotation = Schemas["AnnotationResponse"];
export type AnnotationRequest = Schemas["AnnotationRequest"];
export type AnnotationVersion = Schemas["AnnotationVersionResponse"];
export type Me = Schemas["MeResponse"];
export type NodeRequest = Schemas["NodeRequest"];
export type EdgeRequest = Schemas["EdgeRequest"];
export type EdgeStatus = Schemas["EdgeStatus"];
export type ImportResponse = Schemas["ImportResponse"];
export type ImportError = Schemas["ImportErrorResponse"];
export type SourceCitations = Schemas["SourceCitations"];
export type Citation = Schemas["Citation"];
export type DocumentSuggestions = Schemas["DocumentSuggestions"];
export type SuggestedRelation = Schemas["SuggestedRelation"];

export const NODE_KINDS = ["Nation", "Organization", "Mission", "Region", "Theme"] as const satisfies readonly NodeKind[];

/** The edge vocabulary (Explorer.Graph.Vocabulary.EdgeTypes); the document types an edge's type as a string. */
export const EDGE_TYPES = [
  "CONDUCTED", "AUTHORIZED", "DEPLOYED_TO", "PROVIDED_AID_TO", "PARTNERED_WITH",
  "MEMBER_OF", "LOCATED_IN", "PART_OF", "SUCCEEDED_BY",
  "EXEMPLIFIES", "FOCUSES_ON", "ADDRESSES", "SUPPORTS", "CONSTRAINS", "LEADS_TO", "TRANSFORMS", "COMPLEMENTS", "ASPECT_OF",
] as const;

/** Explorer.Server.Live.ChangeEvent: a committed change as the hub pushes it. */
export interface ChangeEvent extends Change {
  node?: NodeRecord | null;
  edge?: EdgeRecord | null;
  annotation?: Annotation | null;
  /** An opaque token for a state that includes this change (null with the embedded store): see api.ts. */
  bookmark?: string | null;
}

/** Explorer.Server.Live.PresenceEvent. */
export interface PresenceEvent {
  viewers: number;
  users: string[];
}

/**
 * RFC 9457 problem+json as the API sends it. The document declares the standard members; `candidates`
 * (422, ambiguous name), `suggestions` (404, unknown name), `field`, and `edges` with `count` (409, a source
 * edges cite) are extensions the server adds.
 */
export type Problem = Schemas["ProblemDetails"] & {
  field?: string;
  candidates?: NodeRef[];
  suggestions?: NodeRef[];
  /** 409 on a source's edit or delete: the edges whose quotes it holds (the first ones), and how many there are. */
  edges?: string[];
  count?: number;
};
