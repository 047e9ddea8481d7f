/**
 * Every setting of a screen lives in the URL (filters, theme, panels, kiosk, window), so one
 * bookmark restores one wall screen. Parsing is pure and forgiving: a bad value falls back to
 * its default instead of breaking the page.
 */
import { CATEGORY_LIST, SEVERITY_LIST, type Category, type Severity } from './types.js';
import { parseReplay, writeReplay, type ReplayParams } from './replay/url.js';

export const PANELS = ['gauges', 'top', 'feed', 'health'] as const;
export type Panel = (typeof PANELS)[number];
export const WINDOWS = ['live', '1h', '24h'] as const;
export type TopWindow = (typeof WINDOWS)[number];

export interface Filters {
  category: Category[];
  minSeverity: Severity | '';
  sensor: string;
  site: string;
  srcCountry: string;
  asn: string;
  port: string;
  service: string;
}

export interface Settings {
  filters: Filters;
  view: 'public' | 'analyst' | '';
  theme: 'dark' | 'light';
  panels: Panel[];
  kiosk: boolean;
  /** Stale-data banner after this many ms without any byte (default 2.5 × the 15 s heartbeat). */
  staleAfterMs: number;
  sound: boolean;
  window: TopWindow;
  /** Most live arcs (default 300, 10–5000). */
  arcBudget: number;
  /** Force reduced motion on (`motion=reduce`), in addition to the OS preference. */
  reduceMotion: boolean;
  /** Most map frames per second (`fps=`, default 30, 5–120). */
  maxFps: number;
  /** Replay of a past window (`mode=replay&from=&to=&speed=&at=&play=`); null: live. */
  replay: ReplayParams | null;
}

export const DEFAULTS: Settings = {
  filters: { category: [], minSeverity: '', sensor: '', site: '', srcCountry: '', asn: '', port: '', service: '' },
  view: '',
  theme: 'dark',
  panels: [...PANELS],
  kiosk: false,
  staleAfterMs: 37_500,
  sound: false,
  window: 'live',
  arcBudget: 300,
  reduceMotion: false,
  maxFps: 30,
  replay: null,
};

const FILTER_TEXT = ['sensor', 'site', 'srcCountry', 'asn', 'port', 'service'] as const;

function num(v: string | null, def: number, min: number, max: number): number {
  if (v === null || v.trim() === '') return def;
  const n = Number(v);
  return Number.isFinite(n) ? Math.max(min, Math.min(max, Math.round(n))) : def;
}

const clean = (v: string | null) => (v ?? '').slice(0, 200).trim();

/** Settings from a query string (`location.search`). */
export function parseSettings(search: string): Settings {
  const q = new URLSearchParams(search);
  const cats = clean(q.get('category')).split(',').filter((c): c is Category => (CATEGORY_LIST as string[]).includes(c));
  const sev = clean(q.get('minSeverity'));
  const panelsRaw = q.get('panels');
  const panels = panelsRaw === null ? [...PANELS] : panelsRaw.split(',').filter((p): p is Panel => (PANELS as readonly string[]).includes(p));
  const w = clean(q.get('window'));
  const view = clean(q.get('view'));
  const f: Filters = { ...DEFAULTS.filters, category: [...new Set(cats)], minSeverity: (SEVERITY_LIST as string[]).includes(sev) ? (sev as Severity) : '' };
  for (const k of FILTER_TEXT) f[k] = clean(q.get(k));
  return {
    filters: f,
    view: view === 'public' || view === 'analyst' ? view : '',
    theme: q.get('theme') === 'light' ? 'light' : 'dark',
    panels,
    kiosk: q.get('kiosk') === '1' || q.get('kiosk') === 'true',
    staleAfterMs: num(q.get('staleAfter'), DEFAULTS.staleAfterMs, 1000, 3_600_000),
    sound: q.get('sound') === '1',
    window: (WINDOWS as readonly string[]).includes(w) ? (w as TopWindow) : 'live',
    arcBudget: num(q.get('arcs'), DEFAULTS.arcBudget, 10, 5000),
    reduceMotion: q.get('motion') === 'reduce',
    maxFps: num(q.get('fps'), DEFAULTS.maxFps, 5, 120),
    replay: parseReplay(q),
  };
}

/**
 * Filter values in a query string that `parseSettings` had to drop (an unknown category or
 * severity), as `key value` texts: a wall screen whose link has a typo must say that it is not
 * filtered the way its link meant.
 */
export function ignoredFilters(search: string): string[] {
  const q = new URLSearchParams(search);
  const out: string[] = [];
  for (const c of clean(q.get('category')).split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!(CATEGORY_LIST as string[]).includes(c)) out.push(`category ${c.slice(0, 40)}`);
  }
  const sev = clean(q.get('minSeverity'));
  if (sev && !(SEVERITY_LIST as string[]).includes(sev)) out.push(`minSeverity ${sev.slice(0, 40)}`);
  return out;
}

/** The query string for settings, listing only what differs from the defaults (starts with `?` or is empty). */
export function toSearch(s: Settings): string {
  const q = new URLSearchParams();
  const f = s.filters;
  if (f.category.length) q.set('category', f.category.join(','));
  if (f.minSeverity) q.set('minSeverity', f.minSeverity);
  for (const k of FILTER_TEXT) if (f[k]) q.set(k, f[k]);
  if (s.view) q.set('view', s.view);
  if (s.theme !== 'dark') q.set('theme', s.theme);
  if (s.panels.join(',') !== PANELS.join(',')) q.set('panels', s.panels.join(','));
  if (s.kiosk) q.set('kiosk', '1');
  if (s.staleAfterMs !== DEFAULTS.staleAfterMs) q.set('staleAfter', String(s.staleAfterMs));
  if (s.sound) q.set('sound', '1');
  if (s.window !== 'live') q.set('window', s.window);
  if (s.arcBudget !== DEFAULTS.arcBudget) q.set('arcs', String(s.arcBudget));
  if (s.reduceMotion) q.set('motion', 'reduce');
  if (s.maxFps !== DEFAULTS.maxFps) q.set('fps', String(s.maxFps));
  writeReplay(q, s.replay);
  const out = q.toString();
  return out ? `?${out}` : '';
}

/** Query parameters the server applies (`/api/stream`, `/api/stats`, `/api/events`). */
export function filterQuery(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.category.length) q.set('category', f.category.join(','));
  if (f.minSeverity) q.set('minSeverity', f.minSeverity);
  for (const k of FILTER_TEXT) if (f[k]) q.set(k, f[k].replace(/\s+/g, ''));
  return q;
}

/** The stream path for settings: server-side filters plus the view. */
export function streamPath(s: Settings): string {
  const q = filterQuery(s.filters);
  if (s.view) q.set('view', s.view);
  const t = q.toString();
  return `/api/stream${t ? `?${t}` : ''}`;
}

/** True when any server-side filter is set. */
export function hasFilters(f: Filters): boolean {
  return filterQuery(f).toString() !== '';
}
