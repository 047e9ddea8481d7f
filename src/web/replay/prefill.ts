/**
 * The map is never blank on load: the hello snapshot already fills feed and counters; when it holds
 * few events, the last few minutes are read once from /api/events. Either way the newest events are
 * drawn as arcs that have already arrived (so they fade out rather than fly), marking them as recent past.
 */
import { decodeEvents } from '../decode.js';
import { filterQuery, type Filters } from '../settings.js';
import type { AttackEvent } from '../types.js';

export interface PrefillOptions {
  /** Events the hello snapshot carried. */
  snapshot: AttackEvent[];
  filters: Filters;
  /** Fewer snapshot events than this trigger the fetch (default 50). */
  minEvents?: number;
  /** How far back the fetch reaches, ms (default 5 minutes). */
  windowMs?: number;
  /** Most events fetched (default 500; one page). */
  limit?: number;
  /** Most arcs drawn (default 60). */
  maxArcs?: number;
  /** Counts events into the page's store, without drawing. */
  ingest(events: AttackEvent[]): void;
  /** Draws events as arcs that have already arrived. */
  drawFaded(events: AttackEvent[]): void;
  now?: () => number;
}

const byTime = (a: AttackEvent, b: AttackEvent) => Date.parse(a.time) - Date.parse(b.time);

/** Fills the page with the recent past. Resolves to the number of events fetched (0 when none were needed or the fetch failed). */
export async function prefillRecent(o: PrefillOptions): Promise<number> {
  const maxArcs = o.maxArcs ?? 60;
  let fetched: AttackEvent[] = [];
  if (o.snapshot.length < (o.minEvents ?? 50)) {
    const now = (o.now ?? Date.now)();
    const q = filterQuery(o.filters);
    q.set('from', String(now - (o.windowMs ?? 300_000)));
    q.set('to', String(now + 1000));
    q.set('limit', String(Math.min(1000, o.limit ?? 500)));
    try {
      const r = await fetch(`/api/events?${q}`, { credentials: 'same-origin', cache: 'no-store' });
      if (r.ok) {
        const body = (await r.json()) as { events?: unknown };
        fetched = decodeEvents(body.events ?? []).events.sort(byTime);
        if (fetched.length) o.ingest(fetched);
      }
    } catch { /* the snapshot alone is shown */ }
  }
  const seen = new Set<string>();
  const all = [...o.snapshot, ...fetched].filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true))).sort(byTime);
  if (all.length) o.drawFaded(all.slice(-maxArcs));
  return fetched.length;
}
