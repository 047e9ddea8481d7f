/**
 * GET /api/stream: the live event stream (Server-Sent Events). Filters are parsed once here;
 * the hub does the rest on the raw socket.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import type { Hub, View } from '../stream/hub.js';
import { parseFilter } from '../stream/filter.js';

export interface StreamRouteDeps {
  hub: Hub;
  access: Config['access'];
  /** True when the request may see the analyst view (token or session). */
  isAnalyst: (req: FastifyRequest) => boolean;
}

/** Longest Last-Event-ID accepted; longer ones are ignored (a fresh start, not an error). */
const MAX_EVENT_ID = 100;

function firstString(v: unknown): string | undefined {
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Registers GET /api/stream. Query: the filters of stream/filter.ts, `view=public|analyst`
 * (default: analyst in access.mode 'open', public in 'public'), `lastEventId` (for clients that
 * cannot set the Last-Event-ID header; the header wins). Errors: 400 FILTER_INVALID,
 * 401 AUTH_REQUIRED, 429/503 TOO_MANY_CLIENTS with Retry-After.
 */
export function registerStreamRoutes(app: FastifyInstance, deps: StreamRouteDeps): void {
  app.get('/api/stream', async (req, reply) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const parsed = parseFilter(query);
    if (!parsed.ok) return reply.code(400).send({ error: { code: 'FILTER_INVALID', message: parsed.message } });

    const asked = firstString(query.view);
    if (asked !== undefined && asked !== 'public' && asked !== 'analyst') {
      return reply.code(400).send({ error: { code: 'FILTER_INVALID', message: 'view: must be public or analyst' } });
    }
    let view: View;
    if (asked === 'analyst') {
      if (!deps.isAnalyst(req)) {
        return reply.code(401).send({ error: { code: 'AUTH_REQUIRED', message: 'the analyst view needs the analyst token or a session' } });
      }
      view = 'analyst';
    } else if (asked === 'public') {
      view = 'public';
    } else {
      // A public deployment shows the public view unless the analyst view is asked for, so a
      // logged-in analyst's wall screen does not leak addresses by accident.
      view = deps.access.mode === 'open' ? 'analyst' : 'public';
    }

    const header = firstString(req.headers['last-event-id']);
    const fromQuery = firstString(query.lastEventId);
    let lastEventId = header !== undefined && header !== '' ? header : fromQuery;
    if (lastEventId !== undefined && lastEventId.length > MAX_EVENT_ID) lastEventId = undefined;

    reply.hijack();
    deps.hub.attach(req.raw, reply.raw, { filter: parsed.filter, view, lastEventId, remote: req.ip });
  });
}
