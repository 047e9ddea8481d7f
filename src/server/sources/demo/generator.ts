/**
 * A seedable generator of believable attack events for `serve --demo` and for benchmarks.
 * Everything random comes from one small PRNG (mulberry32), and time comes only from the
 * injected clock, so the same seed and the same clock readings give the same sequence.
 *
 * Arrivals are a Poisson process at the configured mean rate; a share of the events
 * (BURST_SHARE) come in bursts: one attacker hammering one honeypot with logins for a few
 * seconds, which is what a wall map shows most often in real life.
 */
import type { IngestEvent, Severity } from '../../../event/schema.js';
import { DEMO_NETWORKS, DEMO_SENSORS, type DemoNetwork, type DemoSensor } from './networks.js';
import { BURST_SHARE, INTEL_FEEDS, INTEL_SHARE, PASSWORDS, SCENARIOS, USERNAMES, int, pick, type Rng, type Scenario } from './scenarios.js';

import { mulberry32 } from '../../random.js';

export { mulberry32 };

export interface DemoGeneratorOptions {
  /** PRNG seed (integer); default 1. */
  seed?: number;
  /** Mean events per second over time, bursts included; default 8. Must be > 0. */
  rate?: number;
  /** The clock; read once at creation as the start of the schedule. Default: system clock. */
  now?: () => Date;
}

export interface DemoGenerator {
  /** Mean events per second. */
  readonly rate: number;
  /** Epoch ms of the next scheduled event. */
  peekTime(): number;
  /** The next event of the schedule (its `time` is its scheduled time). */
  next(): IngestEvent;
  /**
   * All events scheduled at or before `untilMs` (epoch ms), at most `maxEvents` (default:
   * 5 s worth at the mean rate, at least 100). When the schedule lags more than 5 s behind
   * (a suspended laptop), the backlog is skipped rather than replayed in one flood.
   */
  until(untilMs: number, maxEvents?: number): IngestEvent[];
}

/** Burst sizes are uniform in this range (events), spread over BURST_MS. */
const BURST_EVENTS: readonly [number, number] = [12, 60];
const BURST_MS: readonly [number, number] = [2000, 8000];
/** Most bursts in flight at once; a further burst start is skipped (bounds the queue). */
const MAX_ACTIVE_BURSTS = 4;
const MAX_LAG_MS = 5000;

interface Pending { t: number; event: IngestEvent }

function weighted<T extends { weight: number }>(items: readonly T[]): (rng: Rng) => T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  return (rng) => {
    let r = rng() * total;
    for (const item of items) {
      r -= item.weight;
      if (r < 0) return item;
    }
    return items[items.length - 1];
  };
}

const pickScenario = weighted(SCENARIOS);
const pickNetwork = weighted(DEMO_NETWORKS);
const networksByRole = (role: DemoNetwork['role']) => DEMO_NETWORKS.filter((n) => n.role === role);
const sensorsFor = (s: Scenario): DemoSensor[] => DEMO_SENSORS.filter((d) => s.products.includes(d.product));

/** A host in one of the network's blocks: .1-.254 of a /24, or ::1-::ffff of a /64. */
export function address(rng: Rng, net: DemoNetwork): string {
  const block = pick(rng, net.blocks);
  return block.includes(':') ? `${block}::${int(rng, 1, 0xffff).toString(16)}` : `${block}.${int(rng, 1, 254)}`;
}

function intelSeverity(lists: number): Severity {
  if (lists >= 8) return 'critical';
  if (lists >= 5) return 'high';
  if (lists >= 3) return 'medium';
  return 'low';
}

/** Creates a generator; see DemoGeneratorOptions for units and defaults. */
export function createDemoGenerator(options: DemoGeneratorOptions = {}): DemoGenerator {
  const rate = options.rate ?? 8;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`demo rate must be a positive number, got ${rate}`);
  const rng = mulberry32(options.seed ?? 1);
  const start = (options.now ?? (() => new Date()))().getTime();
  const exp = (perSecond: number) => (-Math.log(1 - rng()) * 1000) / perSecond;

  const meanBurst = (BURST_EVENTS[0] + BURST_EVENTS[1]) / 2;
  const bgRate = rate * (1 - BURST_SHARE);
  const burstRate = (rate * BURST_SHARE) / meanBurst;
  let tBg = start + exp(bgRate);
  let tBurst = start + exp(burstRate);
  const queue: Pending[] = [];
  let activeBursts: number[] = [];

  function background(t: number): IngestEvent {
    const time = new Date(t).toISOString();
    if (rng() < INTEL_SHARE) {
      const net = pickNetwork(rng);
      const lists = int(rng, 1, 10);
      const feed = pick(rng, INTEL_FEEDS);
      return {
        time, observer: { name: `intel-${feed}`, product: 'intel-feed' }, category: 'intel', severity: intelSeverity(lists),
        rule: { name: feed }, source: { ip: address(rng, net) }, destination: { ip: '0.0.0.0' },
        details: { feed, lists },
      };
    }
    const scenario = pickScenario(rng);
    const sensor = pick(rng, sensorsFor(scenario));
    const pool = scenario.role && rng() < 0.7 ? networksByRole(scenario.role) : null;
    const net = pool && pool.length > 0 ? pick(rng, pool) : pickNetwork(rng);
    const src = address(rng, net);
    const out = scenario.build(rng, src);
    const ev: IngestEvent = {
      time,
      observer: { name: sensor.name, product: sensor.product, site: sensor.site },
      category: scenario.category, severity: out.severity,
      rule: out.rule, transport: out.transport,
      source: out.transport === 'icmp' ? { ip: src } : { ip: src, port: int(rng, 1024, 65535) },
      destination: out.transport === 'icmp' ? { ip: '0.0.0.0' } : { ip: '0.0.0.0', port: out.port },
    };
    if (out.service) ev.service = out.service;
    if (out.action) ev.action = out.action;
    if (out.details) ev.details = out.details;
    return ev;
  }

  function startBurst(t0: number): void {
    activeBursts = activeBursts.filter((end) => end > t0);
    if (activeBursts.length >= MAX_ACTIVE_BURSTS) return;
    const sensors = DEMO_SENSORS.filter((s) => s.product === 'cowrie' || s.product === 'sshd');
    const sensor = pick(rng, sensors);
    const src = address(rng, pickNetwork(rng));
    const n = int(rng, BURST_EVENTS[0], BURST_EVENTS[1]);
    const span = int(rng, BURST_MS[0], BURST_MS[1]);
    const telnet = sensor.product === 'cowrie' && rng() < 0.3;
    const session = Math.floor(rng() * 2 ** 32).toString(16).padStart(8, '0');
    let port = int(rng, 30000, 60000);
    const user = pick(rng, USERNAMES);
    for (let i = 0; i < n; i++) {
      const t = t0 + Math.floor((span * i) / n);
      const password = pick(rng, PASSWORDS);
      const details: Record<string, string | number> = sensor.product === 'cowrie'
        ? { username: user, password, session: `${session}${i.toString(16).padStart(4, '0')}` }
        : { username: user, message: `Failed password for ${user === 'root' ? '' : 'invalid user '}${user}` };
      queue.push({
        t,
        event: {
          time: new Date(t).toISOString(),
          observer: { name: sensor.name, product: sensor.product, site: sensor.site },
          category: 'bruteforce', severity: 'medium',
          rule: { name: sensor.product === 'cowrie' ? 'cowrie.login.failed' : 'sshd: Failed password' },
          transport: 'tcp', service: telnet ? 'telnet' : 'ssh',
          source: { ip: src, port: port++ }, destination: { ip: '0.0.0.0', port: telnet ? 23 : 22 },
          details,
        },
      });
    }
    activeBursts.push(t0 + span);
    queue.sort((a, b) => a.t - b.t);
  }

  function peekTime(): number {
    return Math.min(tBg, tBurst, queue.length > 0 ? queue[0].t : Infinity);
  }

  function next(): IngestEvent {
    for (;;) {
      const q = queue.length > 0 ? queue[0].t : Infinity;
      if (q <= tBg && q <= tBurst) return queue.shift()!.event;
      if (tBurst < tBg) {
        const t = tBurst;
        tBurst += exp(burstRate);
        startBurst(t);
        continue;
      }
      const t = tBg;
      tBg += exp(bgRate);
      return background(t);
    }
  }

  function until(untilMs: number, maxEvents = Math.max(100, Math.ceil(rate * 5))): IngestEvent[] {
    if (peekTime() < untilMs - MAX_LAG_MS) {
      // Skip the backlog: jump both processes to now and drop queued burst events that are stale.
      tBg = untilMs - 1 + exp(bgRate);
      tBurst = untilMs - 1 + exp(burstRate);
      while (queue.length > 0 && queue[0].t < untilMs - MAX_LAG_MS) queue.shift();
    }
    const out: IngestEvent[] = [];
    while (out.length < maxEvents && peekTime() <= untilMs) out.push(next());
    return out;
  }

  return { rate, peekTime, next, until };
}
