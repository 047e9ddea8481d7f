/**
 * The one definition of an attack event. TypeBox gives both the static type and the JSON schema
 * that the runtime validator (./validate.ts) compiles. Names follow the Elastic Common Schema
 * where one exists.
 */
import { Type, type Static } from '@sinclair/typebox';

export const SCHEMA_VERSION = 1;

export const CATEGORIES = ['scan', 'bruteforce', 'exploit', 'malware', 'dos', 'recon', 'policy', 'intel', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Ordered from least to most severe; the index is the rank used by `minSeverity` filters. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ACTIONS = ['alert', 'blocked', 'allowed'] as const;
export type Action = (typeof ACTIONS)[number];

export const GEO_REASONS = ['private', 'reserved', 'unknown'] as const;
export type GeoReason = (typeof GEO_REASONS)[number];

/** Longest string a sensor may put in any text field; longer text is cut by the validator. */
export const MAX_TEXT = 4096;
/** Most keys a `details` object may carry. */
export const MAX_DETAIL_KEYS = 32;

const Text = (max = MAX_TEXT) => Type.String({ maxLength: max });

export const GeoSchema = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  country: Type.Optional(Type.String({ maxLength: 2 })),
  city: Type.Optional(Text(200)),
  radius: Type.Optional(Type.Number()),
  site: Type.Optional(Text(200)),
});
export type Geo = Static<typeof GeoSchema>;

export const EndpointSchema = Type.Object({
  ip: Type.String({ minLength: 1, maxLength: 100 }),
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  geo: Type.Optional(Type.Union([GeoSchema, Type.Null()])),
  geoReason: Type.Optional(Type.Union(GEO_REASONS.map((r) => Type.Literal(r)))),
  range: Type.Optional(Text(40)),
  as: Type.Optional(Type.Object({ number: Type.Integer({ minimum: 0 }), org: Type.Optional(Text(300)) })),
});
export type Endpoint = Static<typeof EndpointSchema>;

export const ObserverSchema = Type.Object({
  name: Text(200),
  product: Text(100),
  site: Type.Optional(Text(200)),
});
export type Observer = Static<typeof ObserverSchema>;

export const RuleSchema = Type.Object({
  id: Type.Optional(Text(100)),
  name: Text(),
  rev: Type.Optional(Type.Integer({ minimum: 0 })),
});

const DetailsSchema = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Text(), Type.Number()]));

const Common = {
  time: Type.String({ minLength: 1, maxLength: 64 }),
  category: Type.Union(CATEGORIES.map((c) => Type.Literal(c))),
  severity: Type.Union(SEVERITIES.map((s) => Type.Literal(s))),
  action: Type.Optional(Type.Union(ACTIONS.map((a) => Type.Literal(a)))),
  rule: RuleSchema,
  transport: Type.Optional(Text(20)),
  service: Type.Optional(Text(40)),
  details: Type.Optional(DetailsSchema),
};

/** An event as stored and streamed: id, received time and enrichment are set by the server. */
export const AttackEventSchema = Type.Object({
  id: Type.String(),
  received: Type.String(),
  observer: ObserverSchema,
  source: EndpointSchema,
  destination: EndpointSchema,
  count: Type.Integer({ minimum: 1 }),
  ...Common,
});
export type AttackEvent = Static<typeof AttackEventSchema>;

/** An endpoint as a sensor or parser states it: address and port only. */
export const InputEndpointSchema = Type.Object({
  ip: Type.String({ minLength: 1, maxLength: 100 }),
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
});

/**
 * What ingest accepts and what parsers produce: no id, received, geo or as (the server sets
 * them and drops them if sent); count defaults to 1; observer.name defaults to the sensor named
 * for the token or source.
 */
export const IngestEventSchema = Type.Object({
  observer: Type.Optional(Type.Object({
    name: Type.Optional(Text(200)),
    product: Type.Optional(Text(100)),
    site: Type.Optional(Text(200)),
  })),
  source: InputEndpointSchema,
  destination: InputEndpointSchema,
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
  ...Common,
});
export type IngestEvent = Static<typeof IngestEventSchema>;

/** An ingest event after validation and defaults: every required field present and canonical. */
export interface NormalEvent {
  time: string;
  observer: Observer;
  category: Category;
  severity: Severity;
  action?: Action;
  rule: { id?: string; name: string; rev?: number };
  transport?: string;
  service?: string;
  source: { ip: string; port?: number };
  destination: { ip: string; port?: number };
  count: number;
  details?: Record<string, string | number>;
}

/** An event ready to store: normalised plus enrichment, without id and received. */
export type EnrichedEvent = Omit<AttackEvent, 'id' | 'received'>;

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
