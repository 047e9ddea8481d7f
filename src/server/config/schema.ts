/**
 * The one configuration schema: defaults live here, docs/configuration.md describes each key.
 * Precedence: defaults < config file < ATTACKMAP_<SECTION>_<KEY> environment < CLI flags.
 */
import { Type, type Static } from '@sinclair/typebox';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

export const ConfigSchema = Type.Object({
  server: Type.Object({
    host: Type.String({ default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    dataDir: Type.String({ default: './data' }),
    /** TLS (and HTTP/2) when both are set: paths to PEM files. */
    tlsCert: Type.Optional(Type.String()),
    tlsKey: Type.Optional(Type.String()),
    /** Trust X-Forwarded-For from a reverse proxy for per-address limits. */
    trustProxy: Type.Boolean({ default: false }),
  }, { default: {}, additionalProperties: false }),
  ingest: Type.Object({
    token: Type.Optional(Type.String({ minLength: 8 })),
    /** observer.name for events pushed over HTTP that name no sensor. */
    sensor: Type.String({ default: 'http' }),
    maxBodyBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024, default: 5 * 1024 * 1024 }),
    /** Events per second per token, averaged over a few seconds; 0 = no limit. */
    ratePerSecond: Type.Integer({ minimum: 0, default: 0 }),
  }, { default: {}, additionalProperties: false }),
  access: Type.Object({
    /** open: the page and stream show everything; public: the analyst view needs a login. */
    mode: Type.Union([Type.Literal('open'), Type.Literal('public')], { default: 'open' }),
    analystToken: Type.Optional(Type.String({ minLength: 8 })),
    /** Prefix length kept of source addresses in the public view. */
    publicPrefixV4: Type.Integer({ minimum: 0, maximum: 32, default: 24 }),
    publicPrefixV6: Type.Integer({ minimum: 0, maximum: 128, default: 48 }),
  }, { default: {}, additionalProperties: false }),
  geo: Type.Object({
    /** A MaxMind/DB-IP City .mmdb replacing the embedded one. */
    cityDb: Type.Optional(Type.String()),
    /** A MaxMind/DB-IP ASN .mmdb replacing the embedded one. */
    asnDb: Type.Optional(Type.String()),
    /** Entries of the lookup cache in front of the readers. */
    cacheSize: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 50_000 }),
  }, { default: {}, additionalProperties: false }),
  sites: Type.Array(Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    publicIp: Type.Optional(Type.String()),
  }), { default: [] }),
  sources: Type.Array(Type.Object({
    type: Type.String(),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    sensor: Type.Optional(Type.String()),
    site: Type.Optional(Type.String()),
    format: Type.Optional(Type.String()),
    timezone: Type.Optional(Type.String()),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }, { additionalProperties: true }), { default: [] }),
  stream: Type.Object({
    /** Batch interval: events are serialised once per tick. */
    tickMs: Type.Integer({ minimum: 10, maximum: 1000, default: 50 }),
    heartbeatMs: Type.Integer({ minimum: 1000, maximum: 120_000, default: 15_000 }),
    /** Bytes queued for one client before its oldest batches are dropped (a gap). */
    clientQueueBytes: Type.Integer({ minimum: 16 * 1024, default: 1024 * 1024 }),
    /** Gaps in a row after which a slow client is disconnected. */
    maxConsecutiveGaps: Type.Integer({ minimum: 1, default: 5 }),
    maxClients: Type.Integer({ minimum: 1, default: 20_000 }),
    maxClientsPerAddress: Type.Integer({ minimum: 1, default: 50 }),
    /** Events in the `hello` snapshot. */
    snapshotEvents: Type.Integer({ minimum: 0, maximum: 5000, default: 200 }),
    /** Most events replayed for one Last-Event-ID; more is a gap. */
    maxReplay: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 50_000 }),
  }, { default: {}, additionalProperties: false }),
  retention: Type.Object({
    rawDays: Type.Number({ minimum: 0.001, default: 30 }),
    rollupDays: Type.Number({ minimum: 1, default: 400 }),
    deadLetterRows: Type.Integer({ minimum: 100, default: 10_000 }),
  }, { default: {}, additionalProperties: false }),
  demo: Type.Object({
    enabled: Type.Boolean({ default: false }),
    /** Mean attacks per second. */
    rate: Type.Number({ minimum: 0.1, maximum: 100_000, default: 8 }),
    seed: Type.Integer({ default: 1 }),
  }, { default: {}, additionalProperties: false }),
  redis: Type.Object({
    /** redis://host:port: set to share one event log between several nodes. */
    url: Type.Optional(Type.String()),
  }, { default: {}, additionalProperties: false }),
}, { additionalProperties: false });

export type Config = Static<typeof ConfigSchema>;
export type SiteConfig = Config['sites'][number];
