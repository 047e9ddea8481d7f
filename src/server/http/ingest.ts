/**
 * POST /api/events: events pushed by sensors and shippers. The token is checked before the body
 * is read; the answer (202) is sent only after the accepted events are durable.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import type { Pipeline, IngestResult, ItemError } from '../pipeline.js';
import { parserFor } from '../parsers/index.js';
import { sensorContext, type Correlator, type Parser } from '../parsers/types.js';
import { frameAll } from '../sources/framing.js';
import { bearerToken, secretsEqual } from './auth.js';
import { CodedError, type ErrorCode } from '../../event/errors.js';
import { isValidTimeZone } from '../../event/time.js';

export interface IngestDeps {
  pipeline: Pipeline;
  ingest: Config['ingest'];
  now: () => Date;
}

function fail(reply: FastifyReply, status: number, code: ErrorCode, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/** A token bucket in events: `rate` per second, bursts up to `burstSeconds` of it. */
export function createRateLimiter(rate: number, burstSeconds = 2, now: () => number = Date.now) {
  let tokens = rate * burstSeconds;
  let last = now();
  return {
    /** Takes `n` events; returns 0 when allowed, else the seconds to wait. */
    take(n: number): number {
      const t = now();
      tokens = Math.min(rate * burstSeconds, tokens + ((t - last) / 1000) * rate);
      last = t;
      if (tokens <= 0) return Math.max(1, Math.ceil(-tokens / rate));
      tokens -= n;
      return 0;
    },
  };
}

type Decoded = { items: unknown[]; lineErrors: ItemError[] } | { error: string };

/** Decodes a JSON or NDJSON body into items; NDJSON lines that are not JSON become item errors. */
export function decodeEventsBody(text: string, contentType: string): Decoded {
  const ndjson = /ndjson|jsonl|json-seq/.test(contentType);
  if (!ndjson) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return { error: `not JSON: ${(err as Error).message}` };
    }
    return { items: Array.isArray(doc) ? doc : [doc], lineErrors: [] };
  }
  const items: unknown[] = [];
  const lineErrors: ItemError[] = [];
  let index = 0;
  for (const line of text.split('\n')) {
    if (line.trim().length === 0) continue;
    try {
      items.push(JSON.parse(line));
    } catch {
      items.push(undefined);
      lineErrors.push({ index, code: 'INGEST_BAD_BODY', message: `item ${index}: not JSON` });
    }
    index += 1;
  }
  if (items.length > 0 && lineErrors.length === items.length) return { error: 'no NDJSON line could be decoded' };
  return { items, lineErrors };
}

function answer(result: IngestResult, extraErrors: ItemError[] = []) {
  const errors = [...extraErrors, ...result.errors].sort((a, b) => a.index - b.index).slice(0, 100);
  return { accepted: result.accepted, rejected: result.rejected + extraErrors.length, skipped: result.skipped, errors };
}

/** Most (format, sensor) correlators kept for raw lines pushed over HTTP; the oldest is dropped. */
export const MAX_HTTP_CORRELATORS = 64;

export function registerIngestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  const limiter = deps.ingest.ratePerSecond > 0 ? createRateLimiter(deps.ingest.ratePerSecond) : null;
  // Formats that join records (Cowrie sessions) keep their state per sensor across requests,
  // as a file source does across reads.
  const correlators = new Map<string, Correlator>();
  const correlatorFor = (parser: Parser, sensor: string): Correlator | undefined => {
    if (!parser.correlator) return undefined;
    const key = `${parser.name}|${sensor}`;
    let c = correlators.get(key);
    if (!c) {
      if (correlators.size >= MAX_HTTP_CORRELATORS) correlators.delete(correlators.keys().next().value as string);
      c = parser.correlator();
      correlators.set(key, c);
    }
    return c;
  };

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: any, _req, reply) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
        return fail(reply, 413, 'INGEST_BODY_TOO_LARGE', `body exceeds ${deps.ingest.maxBodyBytes} bytes`);
      }
      if (err instanceof CodedError && err.code === 'INGEST_STORE_FAILED') {
        return fail(reply, 503, 'INGEST_STORE_FAILED', err.message);
      }
      if (err.statusCode && err.statusCode < 500) return fail(reply, err.statusCode, 'INGEST_BAD_BODY', err.message);
      reply.log.error(err);
      return fail(reply, 503, 'INGEST_STORE_FAILED', 'the events could not be stored; nothing was acknowledged');
    });

    const authorize = async (req: FastifyRequest, reply: FastifyReply) => {
      if (!deps.ingest.token) {
        return fail(reply, 401, 'INGEST_NO_TOKEN_CONFIGURED', 'ingest is disabled: no ingest token is configured');
      }
      const token = bearerToken(req);
      if (!token || !secretsEqual(token, deps.ingest.token)) {
        return fail(reply, 401, 'INGEST_UNAUTHORIZED', 'missing or wrong bearer token');
      }
    };

    scope.post('/api/events', { bodyLimit: deps.ingest.maxBodyBytes, onRequest: authorize }, async (req, reply) => {
      const body = req.body;
      const text = Buffer.isBuffer(body) ? body.toString('utf8') : '';
      const contentType = String(req.headers['content-type'] ?? 'application/json').toLowerCase();
      const query = req.query as Record<string, string | undefined>;

      if (query.format !== undefined) {
        const parser = parserFor(String(query.format));
        if (!parser) return fail(reply, 400, 'INGEST_UNKNOWN_FORMAT', `unknown format ${JSON.stringify(String(query.format).slice(0, 100))}`);
        const timezone = typeof query.timezone === 'string' && query.timezone ? query.timezone : 'UTC';
        if (!isValidTimeZone(timezone)) return fail(reply, 400, 'INGEST_BAD_BODY', `timezone: unknown IANA zone ${JSON.stringify(timezone.slice(0, 100))}`);
        const records = frameAll(text, parser.framing);
        const wait = limiter?.take(records.length) ?? 0;
        if (wait > 0) return reply.header('retry-after', String(wait)).code(429).send({ error: { code: 'INGEST_RATE_LIMITED', message: 'ingest rate limit reached' } });
        // A sensor named in the query wins over the records' own names, as on a source.
        const named = sensorContext(typeof query.sensor === 'string' ? query.sensor.slice(0, 200) : undefined, deps.ingest.sensor);
        const result = await deps.pipeline.submitRecords(records, {
          parser,
          ctx: { now: deps.now(), timezone, ...named, site: typeof query.site === 'string' ? query.site.slice(0, 200) : undefined },
          correlator: correlatorFor(parser, named.sensor),
          source: `http:${parser.name}`,
          position: 'http',
        });
        return reply.code(202).send(answer(result));
      }

      if (!/json|^$/.test(contentType.split(';')[0].trim())) {
        return fail(reply, 415, 'INGEST_BAD_BODY', `content type ${JSON.stringify(contentType.slice(0, 100))}: send application/json, application/x-ndjson, or raw lines with ?format=NAME`);
      }
      const decoded = decodeEventsBody(text, contentType);
      if ('error' in decoded) return fail(reply, 400, 'INGEST_BAD_BODY', decoded.error);
      const wait = limiter?.take(decoded.items.length) ?? 0;
      if (wait > 0) return reply.header('retry-after', String(wait)).code(429).send({ error: { code: 'INGEST_RATE_LIMITED', message: 'ingest rate limit reached' } });

      const bad = new Set(decoded.lineErrors.map((e) => e.index));
      const goodItems: unknown[] = [];
      const indexMap: number[] = [];
      decoded.items.forEach((item, i) => {
        if (!bad.has(i)) {
          goodItems.push(item);
          indexMap.push(i);
        }
      });
      const result = await deps.pipeline.submitEvents(goodItems, { sensor: deps.ingest.sensor, source: 'http' });
      for (const e of result.errors) e.index = indexMap[e.index];
      return reply.code(202).send(answer(result, decoded.lineErrors));
    });
  });
}
