/**
 * The stream hub: fans stored events out to every Server-Sent Events client.
 *
 * Events published between two ticks form one batch. Per tick, clients are grouped by (view,
 * filter); each group's share of the batch is filtered, redacted for the public view, serialised
 * once into one Buffer, and that same Buffer is written to every client of the group.
 *
 * Memory bounds (the reason this module exists):
 * - pending events between ticks: flushed early at MAX_PENDING events;
 * - per client: a queue of at most `clientQueueBytes`; when a client's socket is full, the oldest
 *   queued batches are dropped and the client later gets a `gap` message naming what it lost;
 *   `maxConsecutiveGaps` gaps without catching up, or a write blocked for `stallMs` with losses,
 *   disconnect it;
 * - replay after Last-Event-ID: at most `maxReplay` events (else a gap), read in pages and written
 *   at the client's pace; live batches arriving meanwhile are held (at most MAX_HELD events) and
 *   de-duplicated by id;
 * - the snapshot ring: the last RING events in memory, so a connect costs no database read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AttackEvent } from '../../event/schema.js';
import type { Config } from '../config/schema.js';
import type { EventLog } from '../store/types.js';
import type { LiveCounters } from '../telemetry/counters.js';
import { LATENCY_BUCKETS, type Registry } from '../telemetry/metrics.js';
import { filterKey, isEmptyFilter, matches, type EventFilter } from './filter.js';
import { redactPublic } from './redact.js';
import { SSE_HEADERS, SSE_HEADERS_H2, SSE_PING, sseMessage, sseRetry } from './sse.js';

export type View = 'public' | 'analyst';

export interface AttachOptions {
  filter: EventFilter;
  view: View;
  /** From the Last-Event-ID header or the lastEventId query parameter. */
  lastEventId?: string;
  /** The client's address, for the per-address limit. */
  remote: string;
}

export interface Hub {
  /** Takes stored events, in id order (from the bus). Sent within one tick. */
  publish(events: AttackEvent[]): void;
  /**
   * Takes over `res`: writes the headers (or a 429/503 JSON answer when a limit is reached) and
   * streams until the client leaves or the hub closes. The caller must have hijacked the reply.
   */
  attach(req: IncomingMessage, res: ServerResponse, opts: AttachOptions): void;
  clientCount(): number;
  /** Bytes queued in the hub for blocked clients: the sum, and the largest single client's. */
  queuedBytes(): { total: number; max: number };
  /** Sends a reconnect hint and ends every stream; resolves when all are closed (at most ~2 s). */
  close(): Promise<void>;
}

/** The parts of the event log the hub reads. */
export type HubLog = Pick<EventLog, 'readAfter' | 'recent' | 'lastId' | 'firstId' | 'compareIds' | 'isValidId' | 'countBetween'>;

export interface HubDeps {
  log: HubLog;
  metrics: Registry;
  /** Read for `hello` and `stats`; the composition root updates them from the bus. */
  counters: LiveCounters;
  config: Config['stream'] & Config['access'];
  /** Clock, epoch ms (default Date.now). */
  now?: () => number;
  /** A blocked write with losses this long disconnects the client, ms (default 2 × heartbeatMs). */
  stallMs?: number;
  /** Interval of `stats` messages and the stall sweep, ms (default 1000). */
  statsMs?: number;
}

/** Pending events that force a flush before the tick (bounds one batch's memory and size). */
export const MAX_PENDING = 5000;
/** Events read from the log per replay page. */
export const REPLAY_PAGE = 500;
/** Live events held for one client while it replays; beyond it they become a gap. */
export const MAX_HELD = 20_000;
/** Replays reading the log at the same time; more wait their turn. */
export const MAX_CONCURRENT_REPLAYS = 8;
/**
 * Longest tick under load, ms: the tick stretches with flush cost and client count, never beyond
 * this. 250 lets the write budget hold up to 12,500 clients (10,000 clients -> 200 ms ticks).
 */
export const MAX_TICK_MS = 250;
/** Socket writes per second the tick aims to stay within (5,000 clients -> 100 ms ticks, 10,000 -> 200 ms). */
export const WRITE_BUDGET = 50_000;
/** Reconnection hint sent on connect, ms. */
export const RETRY_MS = 3000;

interface QItem { buf: Buffer; events: number; afterId: string | null; lastId: string | null }

interface Gap { lost: number; fromId: string | null; toId: string | null }

interface Replay { held: { events: AttackEvent[]; lastId: string }[]; heldCount: number; overflow: boolean; lastHeldId: string | null }

interface Group { key: string; view: View; filter: EventFilter; empty: boolean; clients: Set<Client>; hello: Buffer | null }

interface Client {
  id: number;
  res: ServerResponse;
  socket: Socket | null;
  group: Group;
  remote: string;
  queue: QItem[];
  queueHead: number;
  queuedBytes: number;
  blocked: boolean;
  blockedSince: number;
  /** The newest id written or queued to this client. */
  lastId: string | null;
  /**
   * Set when a replay ends: live batches may still carry events the replay already sent (they
   * were stored before the replay's last read but published after it), so ids up to this one
   * are skipped until a batch is wholly newer.
   */
  dedupeAfter: string | null;
  gap: Gap | null;
  consecutiveGaps: number;
  replay: Replay | null;
  drainWaiter: (() => void) | null;
  closed: boolean;
}

/** Creates a hub; its timers run until `close()`. */
export function createHub(deps: HubDeps): Hub {
  const { log, counters, config: cfg } = deps;
  const now = deps.now ?? Date.now;
  const stallMs = deps.stallMs ?? 2 * cfg.heartbeatMs;
  const statsMs = deps.statsMs ?? 1000;
  const redactOpts = { prefixV4: cfg.publicPrefixV4, prefixV6: cfg.publicPrefixV6 };
  const ringMax = Math.min(Math.max(cfg.snapshotEvents * 5, 1000), 25_000);

  const m = registerMetrics(deps.metrics);
  const groups = new Map<string, Group>();
  const clients = new Set<Client>();
  const perAddress = new Map<string, number>();
  const viewCount: Record<View, number> = { public: 0, analyst: 0 };
  const queued = deps.metrics.gauge({
    name: 'attackmap_stream_queued_bytes', help: 'Bytes queued in the hub for blocked clients (all clients; each is capped at clientQueueBytes).',
    collect: () => queued.set(queuedBytes().total),
  });
  m.clients.set({ view: 'public' }, 0);
  m.clients.set({ view: 'analyst' }, 0);

  let pending: AttackEvent[] = [];
  let tickTimer: NodeJS.Timeout | null = null;
  let lastFlushMs = 0;
  let lastFlushAt = -Infinity;
  let statsDue = false;
  let closing = false;
  let nextId = 1;
  let ring: AttackEvent[] = log.recent(ringMax);
  let lastFlushedId: string | null = log.lastId();

  function encodeAttack(lastId: string, events: AttackEvent[], kind: 'live' | 'replay'): Buffer {
    m.serialisations.inc({ kind });
    return Buffer.from(sseMessage('attack', JSON.stringify({ events }), lastId));
  }

  function forView(view: View, events: AttackEvent[]): AttackEvent[] {
    return view === 'public' ? events.map((e) => redactPublic(e, redactOpts)) : events;
  }

  // ---- writing -------------------------------------------------------------------------------

  /** Writes now when the socket accepts, else queues within the byte bound (oldest dropped). */
  function send(c: Client, item: QItem): void {
    if (c.closed) return;
    if (!c.blocked) {
      if (item.lastId !== null) c.lastId = item.lastId;
      write(c, item.buf, item.events);
      return;
    }
    item.afterId = c.lastId;
    if (item.lastId !== null) c.lastId = item.lastId;
    c.queue.push(item);
    c.queuedBytes += item.buf.length;
    while (c.queuedBytes > cfg.clientQueueBytes && c.queueHead < c.queue.length) {
      const drop = c.queue[c.queueHead];
      c.queue[c.queueHead++] = undefined as never;
      c.queuedBytes -= drop.buf.length;
      if (drop.events > 0) {
        if (!c.gap) c.gap = { lost: 0, fromId: drop.afterId, toId: null };
        c.gap.lost += drop.events;
        c.gap.toId = drop.lastId;
        m.queueDrops.inc();
        m.eventsDropped.inc(drop.events);
      }
    }
    compact(c);
  }

  function compact(c: Client): void {
    if (c.queueHead > 64 && c.queueHead * 2 > c.queue.length) {
      c.queue = c.queue.slice(c.queueHead);
      c.queueHead = 0;
    }
  }

  function write(c: Client, buf: Buffer, events: number): boolean {
    const ok = c.res.write(buf);
    m.bytes.inc(buf.length);
    if (events > 0) m.eventsOut.inc(events);
    if (!ok && !c.blocked) { c.blocked = true; c.blockedSince = now(); }
    return ok;
  }

  function onDrain(c: Client): void {
    if (c.closed) return;
    c.blocked = false;
    if (c.drainWaiter) { const w = c.drainWaiter; c.drainWaiter = null; w(); return; }
    if (c.gap) {
      const g = c.gap;
      c.gap = null;
      c.consecutiveGaps++;
      m.gaps.inc();
      if (c.consecutiveGaps >= cfg.maxConsecutiveGaps) { dropSlow(c, 'gaps'); return; }
      write(c, Buffer.from(sseMessage('gap', JSON.stringify(g))), 0);
    } else {
      c.consecutiveGaps = 0;
    }
    while (!c.blocked && c.queueHead < c.queue.length) {
      const item = c.queue[c.queueHead];
      c.queue[c.queueHead++] = undefined as never;
      c.queuedBytes -= item.buf.length;
      write(c, item.buf, item.events);
    }
    if (c.queueHead >= c.queue.length) { c.queue = []; c.queueHead = 0; }
  }

  function dropSlow(c: Client, reason: 'gaps' | 'stalled'): void {
    m.slowDisconnects.inc({ reason });
    remove(c);
    c.res.destroy();
  }

  // ---- clients -------------------------------------------------------------------------------

  function groupFor(view: View, filter: EventFilter): Group {
    const key = `${view}\u0000${filterKey(filter)}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, view, filter, empty: isEmptyFilter(filter), clients: new Set(), hello: null };
      groups.set(key, g);
    }
    return g;
  }

  function remove(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    c.queue = [];
    c.queuedBytes = 0;
    c.replay = null;
    if (c.drainWaiter) { const w = c.drainWaiter; c.drainWaiter = null; w(); }
    clients.delete(c);
    c.group.clients.delete(c);
    if (c.group.clients.size === 0) groups.delete(c.group.key);
    const n = (perAddress.get(c.remote) ?? 1) - 1;
    if (n <= 0) perAddress.delete(c.remote); else perAddress.set(c.remote, n);
    viewCount[c.group.view]--;
    m.clients.set({ view: c.group.view }, viewCount[c.group.view]);
  }

  function reject(res: ServerResponse, status: number, message: string, retryAfterS: number, reason: string): void {
    m.rejected.inc({ reason });
    const body = JSON.stringify({ error: { code: 'TOO_MANY_CLIENTS', message } });
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'retry-after': String(retryAfterS),
      'cache-control': 'no-store',
    });
    res.end(body);
  }

  function snapshotEvents(g: Group): AttackEvent[] {
    const out: AttackEvent[] = [];
    for (let i = ring.length - 1; i >= 0 && out.length < cfg.snapshotEvents; i--) {
      if (g.empty || matches(g.filter, ring[i])) out.push(ring[i]);
    }
    out.reverse();
    return forView(g.view, out);
  }

  /** The hello of a fresh connect; the same for every client of a group until the next tick. */
  function helloFor(g: Group): Buffer {
    if (!g.hello) {
      const body = { schema: 1, view: g.view, lastId: lastFlushedId, snapshot: { events: snapshotEvents(g), counters: counters.snapshot() } };
      m.serialisations.inc({ kind: 'hello' });
      g.hello = Buffer.from(sseRetry(RETRY_MS) + sseMessage('hello', JSON.stringify(body), lastFlushedId));
    }
    return g.hello;
  }

  function attach(req: IncomingMessage, res: ServerResponse, opts: AttachOptions): void {
    if (closing) return reject(res, 503, 'the server is shutting down', 5, 'closing');
    if (clients.size >= cfg.maxClients) return reject(res, 503, `this node serves its maximum of ${cfg.maxClients} stream clients`, 5, 'node_full');
    const used = perAddress.get(opts.remote) ?? 0;
    if (used >= cfg.maxClientsPerAddress) {
      return reject(res, 429, `your address has ${used} open streams (limit ${cfg.maxClientsPerAddress})`, 10, 'per_address');
    }
    // Over HTTP/2 the socket is shared and may not be touched, and connection headers are illegal.
    const h2 = req.httpVersionMajor >= 2;
    const socket = h2 ? null : ((req.socket ?? null) as Socket | null);
    socket?.setNoDelay(true);
    socket?.setTimeout(0);
    // Finds peers that vanished without a FIN while the stream is idle.
    socket?.setKeepAlive(true, 60_000);
    res.writeHead(200, h2 ? SSE_HEADERS_H2 : SSE_HEADERS);

    const g = groupFor(opts.view, opts.filter);
    const c: Client = {
      id: nextId++, res, socket, group: g, remote: opts.remote,
      queue: [], queueHead: 0, queuedBytes: 0, blocked: false, blockedSince: 0,
      lastId: lastFlushedId, dedupeAfter: null, gap: null, consecutiveGaps: 0, replay: null, drainWaiter: null, closed: false,
    };
    clients.add(c);
    g.clients.add(c);
    perAddress.set(opts.remote, used + 1);
    viewCount[g.view]++;
    m.clients.set({ view: g.view }, viewCount[g.view]);
    res.on('drain', () => onDrain(c));
    res.on('close', () => remove(c));
    res.on('error', () => remove(c));

    const resume = resumePlan(opts.lastEventId);
    if (resume.kind === 'fresh') {
      write(c, helloFor(g), 0);
      return;
    }
    if (resume.kind === 'gap') {
      m.replays.inc({ result: 'gap' });
      write(c, helloFor(g), 0);
      m.gaps.inc();
      write(c, Buffer.from(sseMessage('gap', JSON.stringify({ lost: resume.lost, fromId: resume.afterId, toId: lastFlushedId }))), 0);
      return;
    }
    m.replays.inc({ result: 'replayed' });
    const body = { schema: 1, view: g.view, lastId: log.lastId(), resumed: true };
    write(c, Buffer.from(sseRetry(RETRY_MS) + sseMessage('hello', JSON.stringify(body))), 0);
    c.replay = { held: [], heldCount: 0, overflow: false, lastHeldId: null };
    void replay(c, resume.afterId);
  }

  type Plan = { kind: 'fresh' } | { kind: 'gap'; afterId: string; lost: number } | { kind: 'replay'; afterId: string };

  function resumePlan(id: string | undefined): Plan {
    if (id === undefined || id === '' || id.length > 100 || !log.isValidId(id)) {
      if (id) m.replays.inc({ result: 'invalid' });
      return { kind: 'fresh' };
    }
    const last = log.lastId();
    // An id newer than anything stored (a wiped or foreign log) cannot be resumed from.
    if (last === null || log.compareIds(id, last) > 0) { m.replays.inc({ result: 'invalid' }); return { kind: 'fresh' }; }
    const first = log.firstId();
    const lost = log.countBetween(id, last);
    if ((first !== null && log.compareIds(id, first) < 0) || lost > cfg.maxReplay) return { kind: 'gap', afterId: id, lost };
    return { kind: 'replay', afterId: id };
  }

  function waitDrain(c: Client): Promise<void> {
    return new Promise((resolve) => { c.drainWaiter = resolve; });
  }

  /** Sends what the client missed, at its pace, then switches it to live without loss or repeat. */
  // After a restart every client comes back with a Last-Event-ID at once; a few replays at a
  // time keep the log and the loop responsive, the others hold their live events meanwhile.
  let replaysRunning = 0;
  const replayQueue: (() => void)[] = [];
  async function replaySlot(): Promise<void> {
    if (replaysRunning < MAX_CONCURRENT_REPLAYS) { replaysRunning++; return; }
    await new Promise<void>((r) => replayQueue.push(r));
  }
  function releaseReplaySlot(): void {
    const next = replayQueue.shift();
    if (next) next(); else replaysRunning--;
  }

  async function replay(c: Client, afterId: string): Promise<void> {
    await replaySlot();
    try { await replayPages(c, afterId); } finally { releaseReplaySlot(); }
  }

  async function replayPages(c: Client, afterId: string): Promise<void> {
    let cursor = afterId;
    for (;;) {
      if (c.closed || closing) return;
      const page = log.readAfter(cursor, REPLAY_PAGE);
      if (page.length === 0) break;
      cursor = page[page.length - 1].id;
      const sel = c.group.empty ? page : page.filter((e) => matches(c.group.filter, e));
      if (sel.length > 0) {
        c.lastId = cursor;
        if (!write(c, encodeAttack(cursor, forView(c.group.view, sel), 'replay'), sel.length)) await waitDrain(c);
      }
      if (page.length < REPLAY_PAGE) break;
      await new Promise<void>((r) => setImmediate(r));
    }
    if (c.closed || !c.replay) return;
    const r = c.replay;
    c.replay = null;
    c.lastId = cursor;
    c.dedupeAfter = cursor;
    if (r.overflow && r.lastHeldId !== null) {
      const lost = log.countBetween(cursor, r.lastHeldId);
      m.gaps.inc();
      c.lastId = r.lastHeldId;
      write(c, Buffer.from(sseMessage('gap', JSON.stringify({ lost, fromId: cursor, toId: r.lastHeldId }))), 0);
      return;
    }
    const rest: AttackEvent[] = [];
    for (const h of r.held) for (const e of h.events) if (log.compareIds(e.id, cursor) > 0) rest.push(e);
    if (r.lastHeldId !== null && log.compareIds(r.lastHeldId, cursor) > 0) {
      c.dedupeAfter = r.lastHeldId;
      if (rest.length > 0) send(c, { buf: encodeAttack(r.lastHeldId, rest, 'replay'), events: rest.length, afterId: null, lastId: r.lastHeldId });
      else c.lastId = r.lastHeldId;
    }
  }

  /** The first live batches after a replay: drop what the replay already sent. */
  function sendAfterReplay(c: Client, sel: AttackEvent[], lastId: string, shared: Buffer): void {
    const after = c.dedupeAfter!;
    if (log.compareIds(lastId, after) <= 0) return;
    if (log.compareIds(sel[0].id, after) > 0) {
      c.dedupeAfter = null;
      send(c, { buf: shared, events: sel.length, afterId: null, lastId });
      return;
    }
    c.dedupeAfter = null;
    const rest = sel.filter((e) => log.compareIds(e.id, after) > 0);
    if (rest.length > 0) send(c, { buf: encodeAttack(lastId, rest, 'replay'), events: rest.length, afterId: null, lastId });
    else c.lastId = lastId;
  }

  function hold(c: Client, events: AttackEvent[], lastId: string): void {
    const r = c.replay!;
    r.lastHeldId = lastId;
    if (r.overflow) return;
    r.heldCount += events.length;
    if (r.heldCount > MAX_HELD) { r.overflow = true; r.held = []; return; }
    r.held.push({ events, lastId });
  }

  // ---- ticks ---------------------------------------------------------------------------------

  function publish(events: AttackEvent[]): void {
    if (closing || events.length === 0) return;
    for (const e of events) pending.push(e);
    if (pending.length >= MAX_PENDING) { flush(); return; }
    if (!tickTimer) {
      // A tick is the shortest time between two flushes, not a wait: an event arriving after a
      // quiet spell goes out at once, and only a steady flow is batched. Under load a tick
      // stretches with the cost of the last flush, so batches grow and the number of writes
      // per second falls; many clients stretch it too, keeping socket writes within
      // WRITE_BUDGET per second; never beyond MAX_TICK_MS.
      const tick = Math.min(MAX_TICK_MS, Math.max(cfg.tickMs, Math.round(lastFlushMs * 2), Math.ceil((clients.size * 1000) / WRITE_BUDGET)));
      tickTimer = setTimeout(flush, Math.max(0, lastFlushAt + tick - performance.now()));
    }
  }

  function flush(): void {
    if (tickTimer) { clearTimeout(tickTimer); tickTimer = null; }
    if (pending.length === 0) return;
    const t0 = performance.now();
    lastFlushAt = t0;
    const batch = pending;
    pending = [];
    const lastId = batch[batch.length - 1].id;
    lastFlushedId = lastId;
    m.eventsIn.inc(batch.length);
    for (const e of batch) ring.push(e);
    if (ring.length > ringMax * 2) ring = ring.slice(ring.length - ringMax);

    let publicBatch: AttackEvent[] | null = null;
    const stats = statsDue ? statsBuffers() : null;
    statsDue = false;
    for (const g of groups.values()) {
      g.hello = null;
      if (g.clients.size === 0) continue;
      let sel: AttackEvent[];
      if (g.view === 'public') {
        publicBatch ??= batch.map((e) => redactPublic(e, redactOpts));
        sel = g.empty ? publicBatch : publicBatch.filter((_, i) => matches(g.filter, batch[i]));
      } else {
        sel = g.empty ? batch : batch.filter((e) => matches(g.filter, e));
      }
      if (sel.length === 0) {
        if (stats) for (const c of g.clients) if (!c.blocked) write(c, stats[g.view](), 0);
        continue;
      }
      const attack = encodeAttack(lastId, sel, 'live');
      const buf = stats ? Buffer.concat([attack, stats[g.view]()]) : attack;
      for (const c of g.clients) {
        if (c.replay) hold(c, sel, lastId);
        else if (c.dedupeAfter !== null) sendAfterReplay(c, sel, lastId, buf);
        else send(c, { buf, events: sel.length, afterId: null, lastId });
      }
      const received = Date.parse(sel[0].received);
      if (Number.isFinite(received)) m.latency.observe(Math.max(0, now() - received) / 1000);
    }
    lastFlushMs = performance.now() - t0;
    m.tick.observe(lastFlushMs / 1000);
  }

  // ---- periodic: stats, stall sweep, heartbeat -----------------------------------------------

  /** `stats` messages, serialised once per view for this second. */
  function statsBuffers(): Record<View, () => Buffer> {
    const snap = counters.snapshot();
    const cache: Partial<Record<View, Buffer>> = {};
    // The counters hold nothing per address, so both views get the same figures; they are still
    // serialised per view so that a view-specific field can never leak across.
    const get = (view: View) => () => {
      let b = cache[view];
      if (!b) {
        m.serialisations.inc({ kind: 'stats' });
        b = cache[view] = Buffer.from(sseMessage('stats', JSON.stringify({ counters: snap })));
      }
      return b;
    };
    return { public: get('public'), analyst: get('analyst') };
  }

  function sendStats(): void {
    statsDue = false;
    const stats = statsBuffers();
    for (const c of clients) if (!c.blocked) write(c, stats[c.group.view](), 0);
  }

  const statsTimer = setInterval(() => {
    const t = now();
    for (const g of groups.values()) g.hello = null;
    for (const c of [...clients]) {
      if (c.blocked && (c.gap || c.drainWaiter) && t - c.blockedSince > stallMs) dropSlow(c, 'stalled');
    }
    // While events flow, stats ride along with the next batch (one write instead of two per
    // client); when idle they go out now.
    statsDue = true;
    if (!tickTimer) sendStats();
  }, statsMs);
  statsTimer.unref();

  const heartbeatTimer = setInterval(() => {
    for (const c of clients) if (!c.blocked) write(c, SSE_PING, 0);
  }, cfg.heartbeatMs);
  heartbeatTimer.unref();

  async function close(): Promise<void> {
    if (closing) return;
    flush();
    closing = true;
    clearInterval(statsTimer);
    clearInterval(heartbeatTimer);
    const all = [...clients];
    const done = all.map((c) => new Promise<void>((resolve) => {
      if (c.res.closed || c.res.destroyed) return resolve();
      c.res.once('close', () => resolve());
      // Spread reconnects so a restart does not bring every client back in the same second.
      c.res.end(sseRetry(RETRY_MS + Math.floor(Math.random() * 2000)));
    }));
    const timeout = new Promise<void>((r) => setTimeout(r, 2000).unref());
    await Promise.race([Promise.all(done), timeout]);
    for (const c of all) if (!c.res.destroyed) c.res.destroy();
    for (const c of all) remove(c);
  }

  function queuedBytes(): { total: number; max: number } {
    let total = 0, max = 0;
    for (const c of clients) { total += c.queuedBytes; if (c.queuedBytes > max) max = c.queuedBytes; }
    return { total, max };
  }

  return { publish, attach, clientCount: () => clients.size, queuedBytes, close };
}

function registerMetrics(reg: Registry) {
  return {
    clients: reg.gauge({ name: 'attackmap_stream_clients', help: 'Open stream clients by view.', labels: ['view'] }),
    eventsIn: reg.counter({ name: 'attackmap_stream_events_in_total', help: 'Events the stream hub received from the bus.' }),
    eventsOut: reg.counter({ name: 'attackmap_stream_events_out_total', help: 'Event deliveries written to clients (events x clients).' }),
    bytes: reg.counter({ name: 'attackmap_stream_bytes_written_total', help: 'Bytes written to stream sockets.' }),
    serialisations: reg.counter({ name: 'attackmap_stream_serialisations_total', help: 'Messages serialised (JSON.stringify), by kind; live ones are once per tick and group.', labels: ['kind'] }),
    queueDrops: reg.counter({ name: 'attackmap_stream_queue_drops_total', help: 'Batches dropped from full client queues.' }),
    eventsDropped: reg.counter({ name: 'attackmap_stream_events_dropped_total', help: 'Event deliveries dropped from full client queues (reported to the client as gaps).' }),
    gaps: reg.counter({ name: 'attackmap_stream_gaps_total', help: 'Gap messages sent.' }),
    slowDisconnects: reg.counter({ name: 'attackmap_stream_slow_disconnects_total', help: 'Clients disconnected for being too slow, by reason.', labels: ['reason'] }),
    replays: reg.counter({ name: 'attackmap_stream_replay_requests_total', help: 'Connects with a Last-Event-ID, by result (replayed, gap, invalid).', labels: ['result'] }),
    rejected: reg.counter({ name: 'attackmap_stream_rejected_total', help: 'Stream connects refused by a limit, by reason.', labels: ['reason'] }),
    tick: reg.histogram({ name: 'attackmap_stream_tick_seconds', help: 'Time to filter, serialise and write one tick.', buckets: LATENCY_BUCKETS }),
    latency: reg.histogram({ name: 'attackmap_stream_event_write_latency_seconds', help: 'From an event\'s received time to its write, oldest event of each group batch.', buckets: LATENCY_BUCKETS }),
  };
}
