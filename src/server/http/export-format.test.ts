import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, csvHeader, csvRow, formatRow } from './export-format.js';
import { makeEvent, rng } from '../store/sqlite/testkit.js';
import type { AttackEvent } from '../../event/schema.js';

const T0 = Date.parse('2026-11-20T12:00:00Z');

/** The row as the column table describes it: the reference the unrolled csvRow must match. */
const reference = (e: AttackEvent) => CSV_COLUMNS.map(([, get]) => csvCell(get(e))).join(',') + '\r\n';

describe('export text', () => {
  it('csvRow writes the cells of CSV_COLUMNS in order', () => {
    const r = rng(5);
    const hostile = ['=1+2', '-x', '+y', '@z', '\tt', '\rr', 'a,b', 'say "hi"', 'two\nlines', ''];
    for (let i = 0; i < 2000; i++) {
      const pick = () => hostile[Math.floor(r() * hostile.length)];
      const e = { id: String(i + 1), received: new Date(T0).toISOString(), ...makeEvent(r, T0 + i, i % 3 === 0 ? {
        rule: { id: pick(), name: pick() },
        observer: { name: pick() || 's', product: pick(), site: pick() },
        action: 'alert',
        details: { k: pick() },
      } : {}) } as AttackEvent;
      expect(csvRow(e)).toBe(reference(e));
    }
    expect(csvHeader().split(',')).toHaveLength(CSV_COLUMNS.length);
  });

  it('formats a stored row (JSON without id) as CSV and NDJSON with the id first', () => {
    const e = makeEvent(rng(1), T0, { details: { cmd: '=cmd|x' } });
    const row = { id: 42, json: JSON.stringify({ ...e, received: '2026-11-20T12:00:01.000Z' }) };
    const full = { id: '42', ...e, received: '2026-11-20T12:00:01.000Z' } as AttackEvent;
    expect(formatRow(row, 'csv', null)).toBe(csvRow(full));
    const line = formatRow(row, 'ndjson', null);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual(full);
    expect(Object.keys(JSON.parse(line))[0]).toBe('id');
    const pub = JSON.parse(formatRow(row, 'ndjson', { prefixV4: 24, prefixV6: 48 })) as AttackEvent;
    expect(Object.keys(pub)[0]).toBe('id');
    expect(pub.details).toBeUndefined();
    expect(pub.source.ip).toMatch(/\/24$/);
  });
});
