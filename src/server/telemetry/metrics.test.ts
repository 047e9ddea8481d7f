import { describe, expect, it } from 'vitest';
import { createRegistry } from './metrics.js';

describe('metrics registry', () => {
  it('renders counters, gauges and labels in text format 0.0.4', () => {
    const r = createRegistry();
    const c = r.counter({ name: 'attackmap_parse_errors_total', help: 'Lines no parser could read.', labels: ['source', 'code'] });
    c.inc({ source: 'ids "a"\n', code: 'PARSE_NO_MATCH' });
    c.inc({ source: 'ids "a"\n', code: 'PARSE_NO_MATCH' }, 2);
    c.inc({ source: 'x', code: 'PARSE_EMPTY' }, -5); // ignored: counters only go up
    const g = r.gauge({ name: 'attackmap_clients', help: 'Clients.' });
    g.set(7); g.dec(2);
    const text = r.render();
    expect(text).toContain('# HELP attackmap_parse_errors_total Lines no parser could read.\n# TYPE attackmap_parse_errors_total counter\n');
    expect(text).toContain('attackmap_parse_errors_total{source="ids \\"a\\"\\n",code="PARSE_NO_MATCH"} 3\n');
    expect(text).not.toContain('PARSE_EMPTY');
    expect(text).toContain('# TYPE attackmap_clients gauge\nattackmap_clients 5\n');
    expect(c.get({ source: 'ids "a"\n', code: 'PARSE_NO_MATCH' })).toBe(3);
  });

  it('renders cumulative histogram buckets with +Inf, sum and count', () => {
    const r = createRegistry();
    const h = r.histogram({ name: 'op_seconds', help: 'Op time.', buckets: [0.1, 1] });
    h.observe(0.05); h.observe(0.5); h.observe(5);
    const text = r.render();
    expect(text).toContain('op_seconds_bucket{le="0.1"} 1\nop_seconds_bucket{le="1"} 2\nop_seconds_bucket{le="+Inf"} 3\nop_seconds_sum 5.55\nop_seconds_count 3\n');
  });

  it('returns the same metric when registered twice and refuses a clash', () => {
    const r = createRegistry();
    const a = r.counter({ name: 'x_total', help: 'x' });
    expect(r.counter({ name: 'x_total', help: 'x' })).toBe(a);
    expect(() => r.gauge({ name: 'x_total', help: 'x' })).toThrow(/different/);
    expect(() => r.counter({ name: 'bad name', help: 'x' })).toThrow(/invalid metric name/);
  });

  it('folds label combinations beyond the bound into _other', () => {
    const r = createRegistry({ maxSeries: 3 });
    const c = r.counter({ name: 'by_sensor_total', help: 'x', labels: ['sensor'] });
    for (let i = 0; i < 100; i++) c.inc({ sensor: `s${i}` });
    const lines = r.render().split('\n').filter((l) => l.startsWith('by_sensor_total{'));
    expect(lines).toHaveLength(4);
    expect(lines).toContain('by_sensor_total{sensor="_other"} 97');
  });

  it('runs collect callbacks before rendering', () => {
    const r = createRegistry();
    let n = 1;
    const g = r.gauge({ name: 'live', help: 'x', collect: () => g.set(n * 10) });
    n = 4;
    expect(r.render()).toContain('live 40\n');
  });
});
