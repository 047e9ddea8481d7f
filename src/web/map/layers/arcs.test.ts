import { describe, expect, it } from 'vitest';
import { ArcPool, buildArcs, slicePolyline, toArcInput, type ArcInput } from './arcs.js';
import { fitProjection, projectBase } from '../view.js';
import type { AttackEvent } from '../../types.js';
import type { LonLat } from '../geo.js';

const proj = fitProjection(1000, 500);
const project = (p: LonLat) => projectBase(proj, p);

function ev(over: Partial<AttackEvent> & { src?: [number, number] | null; dst?: [number, number] | null; sip?: string; dip?: string } = {}): AttackEvent {
  const { src = [-0.76, 51.4], dst = [8.68, 50.11], sip = '81.2.69.142', dip = '10.0.0.5', ...rest } = over;
  return {
    id: '1', time: '2026-11-25T10:00:00Z', received: '2026-11-25T10:00:00Z', category: 'scan', severity: 'low',
    rule: { name: 'r' }, observer: { name: 's', product: 'p' }, count: 1,
    source: { ip: sip, geo: src ? { lon: src[0], lat: src[1], country: 'GB' } : null },
    destination: { ip: dip, geo: dst ? { lon: dst[0], lat: dst[1] } : null },
    ...rest,
  } as AttackEvent;
}

const arc = (i: number, dst = 'x'): ArcInput => ({ key: `a|${i}|${dst}`, kind: 'arc', cat: 'scan', src: [-74 + (i % 50), 40], dst: [8.68, 50.11], n: 1 });

describe('toArcInput', () => {
  it('draws an arc only when both ends are located, never at 0,0', () => {
    expect(toArcInput(ev())?.kind).toBe('arc');
    expect(toArcInput(ev({ src: null }))?.kind).toBe('target');
    expect(toArcInput(ev({ dst: null }))?.kind).toBe('source');
    expect(toArcInput(ev({ src: null, dst: null }))).toBeNull();
  });
  it('draws intel as a marker at the source, not an arc', () => {
    const a = toArcInput(ev({ category: 'intel' }));
    expect(a?.kind).toBe('source');
    expect(a?.src).toEqual([-0.76, 51.4]);
  });
});

describe('ArcPool', () => {
  it('collapses repeats from one source to one target into one arc with a count', () => {
    const pool = new ArcPool(10);
    const a = toArcInput(ev())!;
    pool.offer([a, a, a], 0, project);
    pool.offer([a], 500, project);
    expect(pool.items).toHaveLength(1);
    expect(pool.items[0].count).toBe(4);
    const list = buildArcs(pool, 600, { reducedMotion: false });
    expect(list.badges.map((b) => b.text)).toEqual(['×4']);
    // A different target is a different arc.
    pool.offer([toArcInput(ev({ dip: '10.0.0.6' }))!], 700, project);
    expect(pool.items).toHaveLength(2);
  });

  it('keeps at most `budget` arcs, samples the rest and still counts everything received', () => {
    const pool = new ArcPool(50);
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    pool.offer(Array.from({ length: 200 }, (_, i) => arc(i)), 1000, project, rnd);
    expect(pool.items).toHaveLength(50);
    expect(pool.sampledOut).toBe(150);
    expect(pool.received.sum(2500, 2)).toBe(200);
    expect(pool.drawn.sum(2500, 2)).toBe(50);
    // The sample is spread over the batch, not just its head.
    const picked = pool.items.map((it) => Number(it.key.split('|')[1]));
    expect(Math.max(...picked)).toBeGreaterThan(100);
  });

  it('frees arcs when their life ends, so a long run stays bounded', () => {
    const pool = new ArcPool(20);
    for (let t = 0; t < 100_000; t += 100) pool.offer(Array.from({ length: 30 }, (_, i) => arc(i, String(t))), t, project);
    expect(pool.items.length).toBeLessThanOrEqual(20);
    pool.expire(200_000);
    expect(pool.items).toHaveLength(0);
  });
});

describe('buildArcs', () => {
  it('batches strokes by category and opacity level, and moves the head over time', () => {
    const pool = new ArcPool(10);
    pool.offer([toArcInput(ev())!, toArcInput(ev({ sip: '8.8.8.8', src: [-97.8, 37.75] }))!], 0, project);
    const early = buildArcs(pool, 100, { reducedMotion: false });
    const late = buildArcs(pool, 1000, { reducedMotion: false });
    expect(early.strokes).toHaveLength(1); // same category, same level: one canvas stroke
    const len = (l: typeof early) => l.strokes.reduce((a, s) => a + s.xy.length, 0);
    expect(len(late)).toBeGreaterThan(len(early));
    // After the arc's life nothing is drawn.
    pool.expire(5000);
    expect(buildArcs(pool, 5000, { reducedMotion: false }).strokes).toHaveLength(0);
  });

  it('reduced motion: whole static lines and no expanding rings', () => {
    const pool = new ArcPool(10);
    pool.offer([toArcInput(ev())!], 0, project);
    const a = buildArcs(pool, 50, { reducedMotion: true });
    const b = buildArcs(pool, 1500, { reducedMotion: true });
    expect(a.dots.some((d) => d.shape === 'ring')).toBe(false);
    expect(b.dots.some((d) => d.shape === 'ring')).toBe(false);
    // The full line is present from the start (same length early and late).
    expect(a.strokes[0].xy.length).toBe(b.strokes[0].xy.length);
  });

  it('slicePolyline keeps pen-up gaps', () => {
    const g = { xy: new Float32Array([0, 0, 1, 0, NaN, NaN, 5, 0, 6, 0]), n: 5 };
    const out: number[] = [];
    slicePolyline(g, 0, 4, out);
    expect(out.filter(Number.isNaN).length).toBe(4); // one gap inside, one terminator
    expect(out.slice(0, 4)).toEqual([0, 0, 1, 0]);
  });
});
