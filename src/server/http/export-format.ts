/**
 * The text of history exports: CSV rows (RFC 4180, formula-safe) and NDJSON lines, built from
 * stored rows. Shared by the in-process export and the export worker, so both write the same bytes.
 */
import type { AttackEvent } from '../../event/schema.js';
import { redactPublic, type RedactOptions } from '../stream/redact.js';

export type ExportFormat = 'ndjson' | 'csv';

/**
 * The CSV columns: name and value. csvRow below writes the same cells unrolled (a loop over these
 * getters costs about twice as much per row); a test checks the two agree.
 */
export const CSV_COLUMNS: [string, (e: AttackEvent) => unknown][] = [
  ['id', (e) => e.id],
  ['time', (e) => e.time],
  ['received', (e) => e.received],
  ['sensor', (e) => e.observer.name],
  ['product', (e) => e.observer.product],
  ['site', (e) => e.observer.site],
  ['category', (e) => e.category],
  ['severity', (e) => e.severity],
  ['action', (e) => e.action],
  ['rule_id', (e) => e.rule.id],
  ['rule_name', (e) => e.rule.name],
  ['transport', (e) => e.transport],
  ['service', (e) => e.service],
  ['src_ip', (e) => e.source.ip],
  ['src_port', (e) => e.source.port],
  ['src_country', (e) => e.source.geo?.country],
  ['src_city', (e) => e.source.geo?.city],
  ['src_lat', (e) => e.source.geo?.lat],
  ['src_lon', (e) => e.source.geo?.lon],
  ['src_geo_reason', (e) => e.source.geoReason],
  ['src_asn', (e) => e.source.as?.number],
  ['src_as_org', (e) => e.source.as?.org],
  ['dst_ip', (e) => e.destination.ip],
  ['dst_port', (e) => e.destination.port],
  ['dst_country', (e) => e.destination.geo?.country],
  ['count', (e) => e.count],
  ['details', (e) => (e.details ? JSON.stringify(e.details) : undefined)],
];
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell (RFC 4180 quoting). Text that a spreadsheet would run as a formula (starting
 * with = + - @, or a tab or carriage return) gets a leading apostrophe: sensor text is
 * attacker-controlled. Numbers are written as they are.
 */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = typeof v === 'string' ? v : String(v);
  if (s.length === 0) return s;
  const c = s.charCodeAt(0);
  // = + - @ tab CR
  if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return CSV_COLUMNS.map(([name]) => name).join(',') + '\r\n';
}

/** One CSV line of an event, ending in CRLF (the cells of CSV_COLUMNS, in order). */
export function csvRow(e: AttackEvent): string {
  const o = e.observer, r = e.rule, s = e.source, g = s.geo, d = e.destination;
  return csvCell(e.id) + ',' + csvCell(e.time) + ',' + csvCell(e.received) + ',' + csvCell(o.name) + ','
    + csvCell(o.product) + ',' + csvCell(o.site) + ',' + csvCell(e.category) + ',' + csvCell(e.severity) + ','
    + csvCell(e.action) + ',' + csvCell(r.id) + ',' + csvCell(r.name) + ',' + csvCell(e.transport) + ','
    + csvCell(e.service) + ',' + csvCell(s.ip) + ',' + csvCell(s.port) + ',' + csvCell(g?.country) + ','
    + csvCell(g?.city) + ',' + csvCell(g?.lat) + ',' + csvCell(g?.lon) + ',' + csvCell(s.geoReason) + ','
    + csvCell(s.as?.number) + ',' + csvCell(s.as?.org) + ',' + csvCell(d.ip) + ',' + csvCell(d.port) + ','
    + csvCell(d.geo?.country) + ',' + csvCell(e.count) + ',' + csvCell(e.details ? JSON.stringify(e.details) : undefined)
    + '\r\n';
}

/** A stored row: its id and the event's JSON without the id (see rows.ts). */
export interface StoredRow { id: number; json: string }

/**
 * The export text of one stored row: a CSV line, or an NDJSON line (ending in "\n"). The analyst
 * NDJSON splices the id into the stored JSON without parsing it; CSV and the public view parse
 * the row once.
 */
export function formatRow(r: StoredRow, format: ExportFormat, redact: RedactOptions | null): string {
  if (format === 'ndjson' && !redact) return `{"id":"${r.id}",${r.json.slice(1)}\n`;
  let e = JSON.parse(r.json) as AttackEvent;
  // Key order only matters for JSON, and redactPublic writes the id first.
  e.id = String(r.id);
  if (redact) e = redactPublic(e, redact);
  return format === 'csv' ? csvRow(e) : JSON.stringify(e) + '\n';
}

/** The export text of a page of rows (formatRow of each, joined). */
export function formatRows(rows: StoredRow[], format: ExportFormat, redact: RedactOptions | null): string {
  const parts: string[] = [];
  for (const r of rows) parts.push(formatRow(r, format, redact));
  return parts.join('');
}
