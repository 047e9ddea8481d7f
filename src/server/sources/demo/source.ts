/**
 * The `demo` source: synthetic attacks from createDemoGenerator, submitted every TICK_MS.
 * One submission at a time: when the pipeline is slower than the generator, the next tick
 * takes everything scheduled since (bounded by the generator's per-call cap), so memory stays
 * flat however slow the store is.
 */
import type { Source, SourceConfigBase, SourceContext, SourceType } from '../types.js';
import { createDemoGenerator, type DemoGenerator } from './generator.js';

/** Batch interval of the demo source, ms. */
export const TICK_MS = 100;

function demoOptions(config: SourceConfigBase): { rate: number; seed: number } {
  return { rate: (config.rate as number | undefined) ?? 8, seed: (config.seed as number | undefined) ?? 1 };
}

class DemoSource implements Source {
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> | null = null;
  private received = 0;
  private errors = 0;
  private lastRecordAt: string | null = null;
  private gen: DemoGenerator | null = null;

  constructor(readonly name: string, private readonly config: SourceConfigBase, private readonly ctx: SourceContext) {}

  async start(): Promise<void> {
    const { rate, seed } = demoOptions(this.config);
    this.gen = createDemoGenerator({ rate, seed, now: () => this.ctx.now() });
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref?.();
  }

  private tick(): void {
    if (this.inflight || !this.gen) return;
    const events = this.gen.until(this.ctx.now().getTime());
    if (events.length === 0) return;
    const site = this.config.site;
    if (site) {
      // One configured site pins every sensor event there (intel markers have no site).
      for (const e of events) if (e.category !== 'intel') e.observer = { ...e.observer, site };
    }
    this.received += events.length;
    this.lastRecordAt = events[events.length - 1].time;
    this.inflight = this.ctx.submitEvents(events, { source: this.name, position: 'demo' })
      .then(() => undefined, (err: unknown) => {
        this.errors += 1;
        this.ctx.log('warn', 'demo events not stored', { source: this.name, error: String(err) });
      })
      .finally(() => { this.inflight = null; });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.inflight) await this.inflight;
  }

  stats() {
    return { received: this.received, lastRecordAt: this.lastRecordAt, errors: this.errors };
  }
}

export const demoSourceType: SourceType = {
  type: 'demo',
  check(config) {
    if (config.rate !== undefined && (typeof config.rate !== 'number' || !(config.rate > 0) || config.rate > 100_000)) {
      return 'rate: must be a number of events per second, > 0 and at most 100000';
    }
    if (config.seed !== undefined && !Number.isInteger(config.seed)) return 'seed: must be an integer';
    return null;
  },
  create: (config, ctx) => new DemoSource(config.name, config, ctx),
};
