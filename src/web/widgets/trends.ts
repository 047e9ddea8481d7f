/**
 * Trends panel: attacks in the selected window against the span before it, the same span
 * yesterday and a week ago (arrow and percentage), and the source AS and networks first seen in
 * the window (GET /api/trends). Also the per-minute rate of the last minutes against the same
 * minutes yesterday, for the gauges. Answers are decoded field by field; all text goes in with
 * textContent. Rows are created once.
 */
import { el, fmtCount, setText } from './dom.js';

/** Rows of each new-source list. */
const LIST_ROWS = 5;
/** Most new AS remembered for the feed's badge (the server sends at most `top`). */
const MAX_NEW_ASNS = 100;
/** Minutes compared for "per minute now against yesterday". */
const RATE_MINUTES = 5;

interface Totals { total: number }
interface NewItem { key: string; count: number; title: string }
interface Decoded { window: Totals; previous: Totals | null; dayAgo: Totals | null; weekAgo: Totals | null; asns: NewItem[]; nets: NewItem[]; asnTotal: number; netTotal: number; asnNumbers: number[] }

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null);
const totals = (v: unknown): Totals | null => { const t = num(obj(v)?.total); return t === null ? null : { total: t }; };

/** The /api/trends answer as this panel uses it, or null when it is not one. */
export function decodeTrends(body: unknown): Decoded | null {
  const b = obj(body);
  const window = totals(b?.window);
  if (!b || !window) return null;
  const list = (v: unknown) => (Array.isArray(v) ? v.slice(0, MAX_NEW_ASNS).map(obj).filter((x): x is Record<string, unknown> => x !== null) : []);
  const asnRows = list(b.newAsns).filter((a) => num(a.asn) !== null && num(a.count) !== null);
  const asns = asnRows.map((a) => ({
    key: `AS${a.asn as number}${typeof a.org === 'string' && a.org ? ` ${a.org.slice(0, 80)}` : ''}`,
    count: a.count as number,
    title: typeof a.firstSeen === 'string' ? `first seen ${a.firstSeen.slice(0, 40)}` : '',
  }));
  const nets = list(b.newNetworks).filter((n) => typeof n.prefix === 'string' && num(n.count) !== null).map((n) => ({
    key: (n.prefix as string).slice(0, 64), count: n.count as number,
    title: typeof n.firstSeen === 'string' ? `first seen ${n.firstSeen.slice(0, 40)}` : '',
  }));
  return {
    window, previous: totals(b.previous), dayAgo: totals(b.dayAgo), weekAgo: totals(b.weekAgo), asns, nets,
    asnTotal: num(b.newAsnTotal) ?? asns.length, netTotal: num(b.newNetworkTotal) ?? nets.length,
    asnNumbers: asnRows.map((a) => a.asn as number),
  };
}

/** "↑ 23%", "↓ 5%", "→ 0%", "new" (nothing before) or "n/a" (no data that far back). */
export function change(now: number, before: Totals | null): { text: string; dir: 'up' | 'down' | 'flat' | 'none' } {
  if (!before) return { text: 'n/a', dir: 'none' };
  if (before.total === 0) return now === 0 ? { text: '→ 0%', dir: 'flat' } : { text: '↑ new', dir: 'up' };
  const pct = Math.round((100 * (now - before.total)) / before.total);
  if (pct === 0) return { text: '→ 0%', dir: 'flat' };
  return pct > 0 ? { text: `↑ ${fmtCount(pct)}%`, dir: 'up' } : { text: `↓ ${-pct}%`, dir: 'down' };
}

export interface TrendsQuery {
  /** Window span in ms (ending now). */
  spanMs: number;
  /** Its name for labels ("hour", "24 h"). */
  label: string;
  /** The page's filter parameters. */
  filters: URLSearchParams;
}

export class TrendsPanel {
  private cmp: { label: HTMLElement; val: HTMLElement; n: HTMLElement }[] = [];
  private lists = new Map<'asns' | 'nets', { head: HTMLElement; rows: { root: HTMLElement; name: HTMLElement; val: HTMLElement }[] }>();
  private newAsns = new Set<number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Per-minute rate of the last minutes against yesterday's, e.g. "↑ 12% vs yesterday"; '' when unknown. */
  rateVsYesterday = '';

  constructor(private box: HTMLElement, private note: HTMLElement, private onChange: () => void = () => undefined) {
    const ul = el('ul', 'trend-cmp');
    for (let i = 0; i < 3; i++) {
      const li = el('li');
      const label = el('span', 'name'), val = el('b'), n = el('span', 'muted');
      li.append(label, val, n);
      ul.append(li);
      this.cmp.push({ label, val, n });
    }
    box.append(ul);
    for (const [key, title] of [['asns', 'New AS'], ['nets', 'New networks']] as const) {
      const h = el('h3', undefined, title);
      const head = el('span', 'muted note');
      h.append(head);
      const ol = el('ol', 'trend-new');
      ol.dataset.list = key;
      const rows = Array.from({ length: LIST_ROWS }, () => {
        const root = el('li'), name = el('span', 'name'), val = el('b');
        root.append(name, val);
        ol.append(root);
        return { root, name, val };
      });
      box.append(h, ol);
      this.lists.set(key, { head, rows });
    }
  }

  /** True when the source AS `asn` was first seen in the current window (for the feed's badge). */
  isNewAsn(asn: number): boolean { return this.newAsns.has(asn); }

  /** Polls every `everyMs` (default 60 s) with the query `q()` gives at that moment; calls once at once. */
  start(q: () => TrendsQuery, everyMs = 60_000): void {
    clearInterval(this.timer);
    void this.refresh(q());
    this.timer = setInterval(() => { void this.refresh(q()); }, everyMs);
  }

  async refresh(q: TrendsQuery): Promise<void> {
    const to = Date.now();
    const params = (spanMs: number, top: number) => {
      const p = new URLSearchParams(q.filters);
      p.set('from', new Date(to - spanMs).toISOString());
      p.set('to', new Date(to).toISOString());
      p.set('top', String(top));
      return p;
    };
    const [main, rate] = await Promise.all([
      getJson(`/api/trends?${params(q.spanMs, MAX_NEW_ASNS)}`),
      getJson(`/api/trends?${params(RATE_MINUTES * 60_000, 1)}`),
    ]);
    const d = decodeTrends(main);
    if (!d) { setText(this.note, main === undefined ? 'unavailable' : 'no answer'); return; }
    setText(this.note, `last ${q.label}`);
    const rows: [string, Totals | null, string][] = [
      [`vs previous ${q.label}`, d.previous, ''], ['vs yesterday', d.dayAgo, ''], ['vs last week', d.weekAgo, ''],
    ];
    rows.forEach(([label, before], i) => {
      const c = change(d.window.total, before);
      const r = this.cmp[i];
      setText(r.label, label);
      setText(r.val, c.text);
      r.val.dataset.dir = c.dir;
      setText(r.n, before ? ` ${fmtCount(d.window.total)} / ${fmtCount(before.total)}` : '');
    });
    this.fill('asns', d.asns, d.asnTotal);
    this.fill('nets', d.nets, d.netTotal);
    this.newAsns = new Set(d.asnNumbers);
    const r = decodeTrends(rate);
    if (r?.dayAgo) {
      const c = change(r.window.total, r.dayAgo);
      this.rateVsYesterday = `${c.text} vs yesterday (${fmtCount(r.dayAgo.total / RATE_MINUTES)}/min)`;
    } else this.rateVsYesterday = '';
    this.onChange();
  }

  private fill(key: 'asns' | 'nets', items: NewItem[], total: number): void {
    const l = this.lists.get(key);
    if (!l) return;
    setText(l.head, total > items.slice(0, LIST_ROWS).length ? ` · ${fmtCount(total)} in all` : '');
    l.rows.forEach((r, i) => {
      const it = items[i];
      r.root.classList.toggle('empty', !it);
      setText(r.name, it ? it.key : i === 0 ? 'none' : '');
      setText(r.val, it ? fmtCount(it.count) : '');
      if (it) r.root.title = `${it.key}: ${it.count} attacks, ${it.title}`; else r.root.removeAttribute('title');
    });
  }
}

/** The JSON of a GET, null for an error answer, undefined when the server was not reachable. */
async function getJson(path: string): Promise<unknown> {
  try {
    const r = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
    return r.ok ? await r.json() : null;
  } catch { return undefined; }
}
