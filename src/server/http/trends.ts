/**
 * GET /api/trends: a window of event time against the span before it and the same span a day
 * and a week earlier, and the source AS and networks first seen in it. Query parameters and
 * errors are those of /api/stats (from, to, the filter parameters, top).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { EventLog, TrendsResult } from '../store/types.js';
import { truncateIp, type RedactOptions } from '../stream/redact.js';
import { EVENTS_WINDOW_MS, filterOf, intParam, replyQueryError, windowOf, type Query } from './history.js';

export interface TrendsDeps {
  log: EventLog;
  preHandler?: preHandlerAsyncHookHandler;
  /** Redaction for the public view, or null for the analyst view (as for the history routes). */
  publicView?: (req: FastifyRequest) => RedactOptions | null;
  /** Clock in epoch ms for the default window (default Date.now). */
  now?: () => number;
}

/** Stored networks are /24 and /48. */
const STORED_V4 = 24;
const STORED_V6 = 48;

/**
 * New networks as the public view may show them: the stored /24 and /48 already hide the host;
 * a shorter configured prefix cuts further, and networks that fall together are merged (attacks
 * summed, the earliest first sighting kept).
 */
export function publicNetworks(list: TrendsResult['newNetworks'], redact: RedactOptions): TrendsResult['newNetworks'] {
  if (redact.prefixV4 >= STORED_V4 && redact.prefixV6 >= STORED_V6) return list;
  const merged = new Map<string, TrendsResult['newNetworks'][number]>();
  for (const n of list) {
    const prefix = truncateIp(n.prefix.split('/')[0], redact);
    const m = merged.get(prefix);
    if (!m) merged.set(prefix, { ...n, prefix });
    else { m.count += n.count; if (n.firstSeen < m.firstSeen) m.firstSeen = n.firstSeen; }
  }
  return [...merged.values()].sort((a, b) => b.count - a.count);
}

/** Registers GET /api/trends when the log can answer it (default window: the last hour; top 1-100, default 10). */
export function registerTrendsRoutes(app: FastifyInstance, deps: TrendsDeps): void {
  const trends = deps.log.trends?.bind(deps.log);
  if (!trends) return;
  const now = deps.now ?? Date.now;
  const opts = deps.preHandler ? { preHandler: deps.preHandler } : {};
  const publicView = deps.publicView ?? (() => null);

  app.get('/api/trends', opts, async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Query;
    try {
      const { from, to } = windowOf(q, now(), EVENTS_WINDOW_MS, false);
      const filter = filterOf(q);
      const top = intParam(q, 'top', 1, 100, 10);
      const result = await trends({ from, to, filter, top });
      const redact = publicView(req);
      if (redact) result.newNetworks = publicNetworks(result.newNetworks, redact);
      return reply.header('cache-control', 'no-store').send(result);
    } catch (err) {
      return replyQueryError(reply, err);
    }
  });
}
