import { describe, expect, it } from 'vitest';
import type { IngestEvent } from '../../../event/schema.js';
import type { Origin, SourceContext } from '../types.js';
import { demoSourceType } from './source.js';

/** Stands in for the pipeline: records what the source submits. */
function fakeContext(now: () => Date) {
  const batches: { events: IngestEvent[]; origin: Origin }[] = [];
  const state = new Map<string, string>();
  const ctx: SourceContext = {
    submitRecords: async () => ({ accepted: 0, rejected: 0, skipped: 0 }),
    submitEvents: async (events, origin) => { batches.push({ events, origin }); return { accepted: events.length, rejected: 0, skipped: 0 }; },
    state: { getState: (k) => state.get(k), setState: (k, v) => { state.set(k, v); } },
    log: () => {},
    now,
  };
  return { ctx, batches };
}

describe('demo source', () => {
  it('checks its keys', () => {
    expect(demoSourceType.check({ type: 'demo', name: 'd', rate: -1 })).toMatch(/^rate:/);
    expect(demoSourceType.check({ type: 'demo', name: 'd', seed: 1.5 })).toMatch(/^seed:/);
    expect(demoSourceType.check({ type: 'demo', name: 'd', rate: 20, seed: 3 })).toBeNull();
  });

  it('submits batches on its timer and stops cleanly', async () => {
    const start = Date.now();
    const { ctx, batches } = fakeContext(() => new Date());
    const src = demoSourceType.create({ type: 'demo', name: 'demo', rate: 200, seed: 2 }, ctx);
    await src.start();
    while (batches.length < 3 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 50));
    await src.stop();
    const n = batches.length;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(batches[0].origin.source).toBe('demo');
    const total = batches.reduce((s, b) => s + b.events.length, 0);
    expect(src.stats().received).toBe(total);
    await new Promise((r) => setTimeout(r, 250));
    expect(batches.length).toBe(n);
  });
});
