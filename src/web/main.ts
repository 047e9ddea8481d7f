/**
 * The page's composition root: settings from the URL, the stream, the live store, the map and the
 * widgets, wired to ONE animation clock (requestAnimationFrame; stopped while the tab is hidden,
 * when a one-second timer keeps the numbers current instead).
 */
import coarseWorldUrl from 'world-atlas/countries-110m.json?url';
import worldUrl from 'world-atlas/countries-50m.json?url';
import { decodeAttack, decodeEvents, decodeGap, decodeHello, decodeHistory, decodeStats } from './decode.js';
import { loadWorld } from './map/basemap.js';
import { MapController } from './map/controller.js';
import { legendBreaks } from './map/layers/choropleth.js';
import { toArcInput, type ArcInput } from './map/layers/arcs.js';
import { THEMES } from './palette.js';
import { filterQuery, hasFilters, ignoredFilters, parseSettings, PANELS, streamPath, toSearch, type Settings } from './settings.js';
import { Beeper } from './sound.js';
import { LiveStore, type TopKey } from './state/store.js';
import { ReplayMode } from './replay/mode.js';
import { prefillRecent } from './replay/prefill.js';
import { StreamClient, type StreamState } from './stream/client.js';
import { CATEGORY_LIST, SEVERITY_LIST, type AttackEvent, type Counters, type HistoryStats, type Info, type KeyCount } from './types.js';
import { byId, el, fmtAge, fmtCount, fmtTime, setText } from './widgets/dom.js';
import { FeedView, sourceText, targetText, timeCell } from './widgets/feed.js';
import { Gauges } from './widgets/gauges.js';
import { DeadLetterDialog } from './widgets/deadletters.js';
import { KeyValues } from './widgets/kv.js';
import { TopTables } from './widgets/tops.js';
import { TrendsPanel } from './widgets/trends.js';

performance.mark('am:script-start');
// The coarse outlines are fetched first thing, while the rest of the page sets up.
const coarseWorld = loadWorld(coarseWorldUrl);
coarseWorld.catch(() => undefined);

// ------------------------------------------------------------------ settings and chrome
let settings: Settings = parseSettings(location.search);
const osReducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const reducedMotion = () => settings.reduceMotion || osReducedMotion.matches;

function applyChrome(): void {
  const root = document.documentElement;
  root.dataset.theme = settings.theme;
  root.classList.toggle('kiosk', settings.kiosk);
  for (const p of PANELS) root.classList.toggle(`no-${p}`, !settings.panels.includes(p));
  setText(byId('filter-summary'), summary(settings));
}

/** Filter values of the page's own link that could not be used; cleared once filters are applied. */
let ignoredAtLoad = ignoredFilters(location.search);

function summary(s: Settings): string {
  const f = s.filters;
  const parts: string[] = [];
  if (f.category.length) parts.push(f.category.join('+'));
  if (f.minSeverity) parts.push(`≥${f.minSeverity}`);
  for (const k of ['sensor', 'site', 'srcCountry', 'asn', 'port', 'service'] as const) if (f[k]) parts.push(`${k} ${f[k]}`);
  if (s.view === 'public') parts.push('public view');
  const ignored = ignoredAtLoad.length ? `ignored (unknown): ${ignoredAtLoad.join(', ')}` : '';
  if (!parts.length) return ignored ? `Not filtered: ${ignored}` : '';
  return `Filtered: ${parts.join(' · ')}${ignored ? ` · ${ignored}` : ''}`;
}

function saveSettings(): void {
  history.replaceState(null, '', `${location.pathname}${toSearch(settings)}`);
  applyChrome();
}

applyChrome();

// ------------------------------------------------------------------ state, map, widgets
const store = new LiveStore();
const beeper = new Beeper();
const map = new MapController(byId('map'), byId<HTMLCanvasElement>('basemap'), byId<HTMLCanvasElement>('arcs'),
  THEMES[settings.theme], settings.arcBudget, reducedMotion());
osReducedMotion.addEventListener('change', () => { map.reducedMotion = reducedMotion(); });

const details = new KeyValues(byId('details-list'));
const feed = new FeedView(byId('feed'), byId('feed-spacer'), showDetails);
const gauges = new Gauges();
gauges.applyTheme(THEMES[settings.theme]);
const TOP_TITLES: Record<TopKey, string> = {
  srcCountry: 'Source countries', asn: 'Source networks (AS)', srcIp: 'Source addresses',
  rule: 'Rules', port: 'Target ports / services', sensor: 'Sensors',
};
const tops = new TopTables([
  { box: byId('tops-left'), specs: (['srcCountry', 'asn'] as TopKey[]).map((key) => ({ key, title: TOP_TITLES[key] })) },
  { box: byId('tops-bottom'), specs: (['srcIp', 'rule', 'port', 'sensor'] as TopKey[]).map((key) => ({ key, title: TOP_TITLES[key] })) },
], 6);
const health = new KeyValues(byId('health'));
const deadDialog = new DeadLetterDialog({
  dialog: byId<HTMLDialogElement>('dlg-dead'), summary: byId('dead-summary'), list: byId('dead-list'),
  note: byId('dead-note'), more: byId<HTMLButtonElement>('dead-more'), close: byId<HTMLButtonElement>('dead-close'),
}, (total) => { deadLetters = total; });
const openDeadLetters = () => deadDialog.open();
const trends = new TrendsPanel(byId('trends'), byId('trends-note'), () => {
  setText(byId('g-permin-vs'), trends.rateVsYesterday);
  feed.touch();
});
feed.mark = (e) => (e.source.as && trends.isNewAsn(e.source.as.number) ? 'new-as' : '');

let info: Info & { heartbeatMs?: number; loginAvailable?: boolean } = {};
let serverCounters: Counters | null = null;
let hist: HistoryStats | null = null;
let historyError = '';
let deadLetters: number | null = null;
/** Sources that cannot read right now, from /healthz: name → problem text (operator paths: text only). */
let sourceProblems = new Map<string, string>();
const shownProblems = new Set<string>();
/** Events stored with an event time older than retention.rawDays (/healthz), and that limit. */
let beyondRetention: number | null = null;
let rawDays: number | null = null;
let streamState: StreamState = 'connecting';
let liveAtMs: number | undefined;
let streamDetail = '';
let lastActivity = Date.now();
let lastEventAt = 0;
let malformed = 0;
let gapsLost = 0;
let recovered = 0;
let received = 0;

const w = window as unknown as Record<string, unknown>;
w.__received = 0;
w.__lagMs = 0;

function showDetails(e: AttackEvent): void {
  // The time says how far it is from when the server received it, as the feed's tooltip does.
  const { note } = timeCell(e);
  const rows: [string, string][] = [
    ['time', note ? `${e.time} (${note})` : e.time], ['received', e.received], ['category', e.category], ['severity', e.severity], ['rule', e.rule.name],
  ];
  if (e.rule.id) rows.push(['rule id', `${e.rule.id}${e.rule.rev !== undefined ? ` rev ${e.rule.rev}` : ''}`]);
  rows.push(['source', `${sourceText(e)}${e.source.port !== undefined ? ` port ${e.source.port}` : ''}`]);
  if (e.source.geo?.city) rows.push(['source city', e.source.geo.city]);
  if (!e.source.geo) rows.push(['source location', `unlocated${e.source.geoReason ? ` (${e.source.geoReason}${e.source.range ? `, ${e.source.range}` : ''})` : ''}`]);
  if (e.source.as) rows.push(['source AS', `AS${e.source.as.number}${e.source.as.org ? ` ${e.source.as.org}` : ''}`]);
  rows.push(['target', targetText(e)]);
  if (e.destination.port !== undefined) rows.push(['target port', String(e.destination.port)]);
  if (e.transport || e.service) rows.push(['service', [e.transport, e.service].filter(Boolean).join(' / ')]);
  rows.push(['sensor', `${e.observer.name}${e.observer.product ? ` (${e.observer.product})` : ''}${e.observer.site ? ` at ${e.observer.site}` : ''}`]);
  if (e.action) rows.push(['action', e.action]);
  if (e.count > 1) rows.push(['count', String(e.count)]);
  for (const [k, v] of Object.entries(e.details ?? {}).slice(0, 32)) rows.push([k, String(v)]);
  rows.push(['id', e.id]);
  details.replace(rows);
  byId('details').hidden = false;
}
byId('details-close').addEventListener('click', () => { byId('details').hidden = true; });

// ------------------------------------------------------------------ the stream
let client: StreamClient | null = null;
let hidden = document.visibilityState === 'hidden';

function staleAfterMs(): number {
  if (new URLSearchParams(location.search).has('staleAfter')) return settings.staleAfterMs;
  return info.heartbeatMs && info.heartbeatMs > 0 ? Math.round(info.heartbeatMs * 2.5) : settings.staleAfterMs;
}

/**
 * Counts and shows events. `backfill`: they arrived at the server before this page heard of them
 * (the hello snapshot, the recent-history prefill, a gap's recovery), so they count for the
 * per-minute rate when the server received them, not now.
 */
function ingest(events: AttackEvent[], draw: boolean, now = Date.now(), backfill = false): void {
  const arcs: ArcInput[] = [];
  let loud = 0;
  for (const e of events) {
    if (!store.add(e, now, backfill ? Date.parse(e.received) : now)) continue;
    lastEventAt = now;
    if (draw) {
      const a = toArcInput(e);
      if (a) arcs.push(a);
    }
    if (e.severity === 'critical') loud = 2; else if (e.severity === 'high' && loud < 1) loud = 1;
  }
  if (arcs.length && !hidden) map.offer(arcs, performance.now());
  if (loud && draw) beeper.beep(loud === 2);
  feed.touch();
}

/** Events from before this page heard of them, oldest first: counted and listed, not drawn. */
function ingestBackfill(events: AttackEvent[]): void {
  ingest(events.sort(byTime), false, Date.now(), true);
}

function byTime(a: AttackEvent, b: AttackEvent): number {
  return Date.parse(a.time) - Date.parse(b.time);
}

async function recoverGap(fromId: string | undefined, lost: number): Promise<void> {
  // One bounded page: enough to make the counters honest after a short stall; larger gaps stay visible as a count.
  if (!fromId || lost > 2000) return;
  try {
    const q = filterQuery(settings.filters);
    q.set('after', fromId);
    q.set('limit', String(Math.min(2000, lost)));
    const res = await fetch(`/api/events?${q}`, { credentials: 'same-origin' });
    if (!res.ok) return;
    const body = (await res.json()) as { events?: unknown };
    const { events, bad } = decodeEvents(body.events ?? []);
    malformed += bad;
    const before = store.total;
    ingestBackfill(events);
    recovered += store.total - before;
  } catch { /* the gap stays counted */ }
}

function onMessage(m: { event: string; data: string; id?: string }): boolean {
  switch (m.event) {
    case 'hello': {
      const d = decodeHello(m.data);
      if (!d.ok) return false;
      malformed += d.value.bad;
      if (!d.value.resumed) {
        if (client && d.value.lastId !== undefined) client.lastId = d.value.lastId;
        if (d.value.snapshot) {
          if (d.value.snapshot.counters) serverCounters = d.value.snapshot.counters;
          ingestBackfill([...d.value.snapshot.events]);
        }
        if (!replay.active) void prefillRecent({ snapshot: d.value.snapshot?.events ?? [], filters: settings.filters, ingest: ingestBackfill, drawFaded: (ev) => map.offer(ev.map(toArcInput).filter((a): a is ArcInput => a !== null), performance.now() - 1100) });
      }
      return true;
    }
    case 'attack': {
      const d = decodeAttack(m.data);
      if (!d.ok) return false;
      malformed += d.value.bad;
      received += d.value.events.length;
      w.__received = received;
      ingest(d.value.events, true);
      w.__lagMs = store.lagMs;
      return true;
    }
    case 'stats': {
      const d = decodeStats(m.data);
      if (!d.ok) return false;
      serverCounters = d.value;
      return true;
    }
    case 'gap': {
      const d = decodeGap(m.data);
      if (!d.ok) return false;
      gapsLost += d.value.lost;
      void recoverGap(d.value.fromId, d.value.lost);
      return true;
    }
    default:
      return true; // unknown message names are ignored: newer servers may add some
  }
}

function startStream(): void {
  client?.stop();
  store.reset();
  map.pool.clear();
  serverCounters = null;
  feed.touch();
  const c = new StreamClient({ url: streamPath(settings), idleTimeoutMs: () => staleAfterMs() * 2 }, {
    message: onMessage,
    activity: (now) => { lastActivity = now; },
    state: (s, d) => {
      if (c !== client) return;
      streamState = s;
      if (s === 'live') liveAtMs ??= performance.now();
      streamDetail = s === 'reconnecting' && d.nextInMs !== undefined
        ? `retry in ${Math.ceil(d.nextInMs / 1000)} s (attempt ${d.attempt}${d.error ? `, ${d.error}` : ''})` : '';
    },
  });
  client = c;
  c.start();
}

// ------------------------------------------------------------------ server info, history, dead letters
async function getJson<T>(path: string): Promise<T | null> {
  try {
    const r = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
    return r.ok ? ((await r.json()) as T) : null;
  } catch { return null; }
}

function renderAttribution(): void {
  const box = byId('foot-attrib');
  box.replaceChildren();
  const dbs = info.geo?.databases ?? [];
  const seen = new Set<string>();
  const credits: { text: string; url: string }[] = [];
  for (const d of dbs) {
    const a = d.attribution;
    if (a?.text && !seen.has(a.text)) { seen.add(a.text); credits.push({ text: a.text, url: a.url ?? '' }); }
  }
  // The databases the server ships with, credited even when /api/info is unreachable.
  if (!credits.some((c) => /maxmind|geolite/i.test(c.text))) credits.push({ text: 'GeoLite2 data by MaxMind', url: 'https://www.maxmind.com' });
  if (!credits.some((c) => /db-ip/i.test(c.text))) credits.push({ text: 'IP Geolocation by DB-IP', url: 'https://db-ip.com' });
  box.append('Location data: ');
  credits.forEach((c, i) => {
    if (i) box.append(' · ');
    // Only http(s) links from the server become hrefs.
    if (/^https:\/\/[^\s"<>]+$/.test(c.url)) {
      const a = el('a', undefined, c.text);
      a.href = c.url;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      box.append(a);
    } else box.append(c.text);
  });
  setText(byId('foot-version'), info.version ? `attackmap ${info.version}${info.demo ? ' · demo data' : ''}` : '');
}

async function refreshInfo(): Promise<void> {
  const i = await getJson<typeof info>('/api/info');
  if (!i) return;
  info = i;
  map.setSites(Array.isArray(i.sites) ? i.sites.filter((s) => s && typeof s.name === 'string' && Number.isFinite(s.lat) && Number.isFinite(s.lon)) : []);
  renderAttribution();
  const analyst = i.analyst === true;
  byId('btn-login').hidden = analyst || !(i.loginAvailable ?? i.accessMode === 'public');
  byId('btn-logout').hidden = !(analyst && i.accessMode === 'public');
}

async function refreshDeadLetters(): Promise<void> {
  const d = await getJson<{ total?: number }>('/api/deadletter?limit=1');
  deadLetters = d && typeof d.total === 'number' ? d.total : null;
}

async function refreshHealth(): Promise<void> {
  const h = await getJson<{ sources?: { name?: unknown; problem?: unknown }[]; events?: { beyondRetention?: unknown }; retention?: { rawDays?: unknown } }>('/healthz');
  if (!h) return;
  beyondRetention = typeof h.events?.beyondRetention === 'number' ? h.events.beyondRetention : null;
  rawDays = typeof h.retention?.rawDays === 'number' ? h.retention.rawDays : null;
  const problems = new Map<string, string>();
  for (const s of Array.isArray(h.sources) ? h.sources : []) {
    if (s && typeof s.name === 'string' && typeof s.problem === 'string') problems.set(s.name, s.problem);
  }
  sourceProblems = problems;
}

async function refreshHistory(): Promise<void> {
  if (settings.window === 'live') { hist = null; return; }
  const to = new Date();
  const from = new Date(to.getTime() - (settings.window === '1h' ? 3_600_000 : 86_400_000));
  const q = filterQuery(settings.filters);
  q.set('from', from.toISOString());
  q.set('to', to.toISOString());
  const h = decodeHistory(await getJson<unknown>(`/api/stats?${q}`));
  hist = h;
  historyError = h ? '' : 'history unavailable';
}

// ------------------------------------------------------------------ painting the widgets
const pageStart = Date.now();

function topList(key: TopKey): { list: KeyCount[]; note: string } {
  if (settings.window !== 'live' && !replay.active) {
    const h = hist?.top?.[key];
    return { list: Array.isArray(h) ? h.slice(0, 6) : [], note: historyError || settings.window };
  }
  const c = store.top[key];
  return { list: c.top(6), note: c.errorBound ? `±${fmtCount(c.errorBound)}` : '' };
}

/** Everything at once (a hidden tab's one-second timer, and start-up). */
function paintWidgets(now: number): void {
  for (const job of UI_JOBS) { job.last = now; job.run(now); }
}

function paintCounters(now: number): void {
  const unfiltered = !hasFilters(settings.filters);
  const sc = serverCounters;
  // Server counters cover everything the node streamed since it started; a filtered screen counts for itself.
  const useServer = !replay.active && unfiltered && sc !== null && typeof sc.total === 'number';
  const perMinute = useServer && typeof sc.lastMinute === 'number' ? sc.lastMinute : useServer && typeof sc.perMinute === 'number' ? sc.perMinute : store.perMinute(replay.clockMs());
  const total = useServer ? (typeof sc.attacks === 'number' ? sc.attacks : (sc.total as number)) : store.total;
  const since = useServer && typeof sc.since === 'string' ? sc.since : new Date(store.since).toISOString();
  const bySev = { ...store.bySeverity };
  const byCat = { ...store.byCategory };
  if (useServer) {
    for (const s of SEVERITY_LIST) if (typeof sc.bySeverity?.[s] === 'number') bySev[s] = sc.bySeverity[s];
    for (const c of CATEGORY_LIST) if (typeof sc.byCategory?.[c] === 'number') byCat[c] = sc.byCategory[c];
  }
  if (settings.window !== 'live' && hist && !replay.active) {
    for (const s of SEVERITY_LIST) bySev[s] = hist.bySeverity?.[s] ?? 0;
    for (const c of CATEGORY_LIST) byCat[c] = hist.byCategory?.[c] ?? 0;
  }
  gauges.update({ perMinute, total, totalLabel: `since ${fmtTime(since)}`, bySeverity: bySev, byCategory: byCat });

  const unl = store.unlocatedSource + store.unlocatedTarget;
  setText(byId('unlocated-n'), fmtCount(unl));
  setText(byId('unlocated-split'), unl ? `(attacker ${fmtCount(store.unlocatedSource)} · target ${fmtCount(store.unlocatedTarget)})` : '');
  const pnow = performance.now();
  setText(byId('rate-recv'), fmtCount(map.pool.received.perSecond(pnow, 5) || store.perSecond.perSecond(now, 5)));
  setText(byId('rate-drawn'), fmtCount(map.pool.drawn.perSecond(pnow, 5)));
  setText(byId('feed-note'), feed.paused ? 'paused' : '');

  // Connection indicator and stale banner.
  const quiet = now - lastActivity;
  const stale = quiet > staleAfterMs() && !replay.active;
  const shown = replay.active ? 'replay' : stale ? 'stale' : streamState;
  const conn = byId('conn');
  if (conn.dataset.state !== shown) conn.dataset.state = shown;
  setText(byId('conn-text'), shown === 'reconnecting' && streamDetail ? `reconnecting · ${streamDetail}` : shown);
  const banner = byId('stale');
  if (banner.hidden === stale) banner.hidden = !stale;
  if (stale) {
    setText(byId('stale-text'), `Nothing received for ${fmtAge(quiet)} (stream ${streamState}${streamDetail ? `, ${streamDetail}` : ''}). `
      + `Figures are as of ${fmtTime(new Date(lastActivity).toISOString())}.`);
  }
}

function paintTops(now: number): void {
  for (const k of Object.keys(TOP_TITLES) as TopKey[]) {
    const t = topList(k);
    tops.set(k, t.list, t.note);
  }
  paintHealth(now);
}

function paintChoropleth(): void {
  const ch = map.setCountryCounts(store.countries.entries());
  const br = legendBreaks(ch.max);
  setText(byId('legend-min'), ch.max ? fmtCount(br[0]) : '0');
  setText(byId('legend-max'), ch.max ? fmtCount(ch.max) : '–');
}

const topsJob = { every: () => 1000, last: 0, run: paintTops };
/**
 * The page's periodic DOM work, split into jobs so that one animation frame carries at most one
 * of them (and, when it can, no map frame): style, layout and text paint of a job then never pile
 * up with the map's canvas raster into one long frame. `every` is the period in ms (Date.now clock).
 */
const UI_JOBS: { every: (now: number) => number; last: number; run: (now: number) => void }[] = [
  { every: () => 200, last: 0, run: paintCounters },
  // At high rates nobody reads rows that change five times a second; two repaints a second
  // save text rasterisation on the wall PC.
  { every: (now) => (store.perSecond.perSecond(now, 2) > 50 ? 500 : 200), last: 0, run: () => { feed.render(store.feed); } },
  topsJob,
  // Repainting 50m outlines costs tens of ms: the choropleth is refreshed every 10 s at most.
  { every: (now) => (now - pageStart < 30_000 ? 2000 : 10_000), last: 0, run: paintChoropleth },
];

/** Runs the most overdue UI job, if any is due; returns whether one ran. */
function runOneUiJob(now: number): boolean {
  let pick: (typeof UI_JOBS)[number] | undefined;
  let late = 0;
  for (const job of UI_JOBS) {
    const over = now - job.last - job.every(now);
    if (over >= 0 && (pick === undefined || over > late)) { pick = job; late = over; }
  }
  if (!pick) return false;
  pick.last = now;
  pick.run(now);
  return true;
}

function paintHealth(now: number): void {
  if (replay.active) health.set('stream', 'paused while replaying');
  else health.set('stream', `${streamState}${client?.attempt ? ` (attempt ${client.attempt})` : ''}`, streamState === 'live' ? '' : 'warn');
  health.set('last data', lastActivity ? `${fmtAge(now - lastActivity)} ago` : 'never', now - lastActivity > staleAfterMs() ? 'bad' : '');
  health.set('last event', lastEventAt ? `${fmtAge(now - lastEventAt)} ago` : 'none yet');
  health.set('received', fmtCount(received));
  health.set('gaps (lost)', `${fmtCount(gapsLost)}${recovered ? ` · recovered ${fmtCount(recovered)}` : ''}`, gapsLost > recovered ? 'warn' : '');
  health.set('malformed', fmtCount(malformed + (client?.malformed ?? 0)), malformed ? 'warn' : '');
  // Above 0 the count is a button that lists the unreadable lines.
  health.setAction('dead letters', deadLetters === null ? 'n/a' : fmtCount(deadLetters), deadLetters ? 'warn' : '',
    'Show the unreadable lines', deadLetters ? openDeadLetters : null);
  health.set('beyond retention', beyondRetention === null ? 'n/a' : fmtCount(beyondRetention), beyondRetention ? 'warn' : '',
    `Events received since the server started whose event time is older than retention.rawDays (${rawDays ?? '?'} d): stored and acknowledged, but retention deletes them within minutes. Raise retention.rawDays to keep imported archives.`);
  const unl = typeof serverCounters?.unlocated === 'number' ? serverCounters.unlocated : store.unlocatedSource;
  health.set('unlocated attackers', fmtCount(unl), '', serverCounters?.unlocated !== undefined
    ? 'Events whose attacker has no location (private, reserved or unknown address) since the server started. The box on the map counts the events on this screen whose attacker or target has no location.'
    : 'Events on this screen whose attacker has no location (private, reserved or unknown address).');
  const dbs = info.geo?.databases ?? [];
  const ages = dbs.map((d) => (d.builtAt ? Date.parse(d.builtAt) : NaN)).filter(Number.isFinite);
  const oldest = ages.length ? Math.min(...ages) : NaN;
  health.set('GeoIP age', Number.isFinite(oldest) ? fmtAge(Date.now() - oldest) : 'unknown', Date.now() - oldest > 60 * 86_400_000 ? 'warn' : '');
  health.set('arcs live', `${map.pool.items.length} / ${map.pool.budget}${map.pool.sampledOut ? ` · sampled out ${fmtCount(map.pool.sampledOut)}` : ''}`);
  for (const name of shownProblems) {
    if (!sourceProblems.has(name)) { health.remove(`source ${name}`); shownProblems.delete(name); }
  }
  for (const [name, problem] of sourceProblems) {
    health.set(`source ${name}`, problem, 'warn');
    shownProblems.add(name);
  }
}

// ------------------------------------------------------------------ the one clock
let raf = 0;
let lastUi = 0;
let widgetMs = 0;
let hiddenTimer: ReturnType<typeof setInterval> | undefined;

let lastMapFrame = -1e9;
// The map redraws at most settings.maxFps times a second (default 30: arcs crossing the world in
// 1.2 s look smooth at 30, and the software rasteriser of a wall-screen PC gets half the work).
// DOM jobs take the frames between map frames; one that has waited 100 ms takes a map frame's turn
// (when frames come slower than the map rate, every frame is a map frame).
function frame(t: number): void {
  raf = requestAnimationFrame(frame);
  replay.tick(t);
  const mapDue = t - lastMapFrame >= 1000 / settings.maxFps - 2;
  const uiOverdue = t - lastUi >= 100;
  if (mapDue && !uiOverdue) {
    lastMapFrame = t;
    map.frame(t);
    return;
  }
  const t0 = performance.now();
  if (runOneUiJob(Date.now())) {
    lastUi = t;
    widgetMs = widgetMs * 0.8 + (performance.now() - t0) * 0.2;
  } else if (mapDue) {
    lastMapFrame = t;
    map.frame(t);
  } else lastUi = t;
}

function onVisibility(): void {
  hidden = document.visibilityState === 'hidden';
  if (hidden) {
    cancelAnimationFrame(raf);
    raf = 0;
    hiddenTimer ??= setInterval(() => paintWidgets(Date.now()), 1000);
  } else {
    clearInterval(hiddenTimer);
    hiddenTimer = undefined;
    map.pool.clear();
    if (!raf) raf = requestAnimationFrame(frame);
    if (settings.kiosk) void requestWakeLock();
  }
}
document.addEventListener('visibilitychange', onVisibility);

// ------------------------------------------------------------------ kiosk, controls, dialogs
let wakeLock: { release(): Promise<void> } | null = null;
async function requestWakeLock(): Promise<void> {
  const nav = navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } };
  if (!nav.wakeLock || wakeLock) return;
  try {
    wakeLock = await nav.wakeLock.request('screen');
    (wakeLock as unknown as EventTarget).addEventListener?.('release', () => { wakeLock = null; });
  } catch { wakeLock = null; }
}

function setKiosk(on: boolean): void {
  settings = { ...settings, kiosk: on };
  saveSettings();
  if (on) void requestWakeLock(); else { void wakeLock?.release(); wakeLock = null; }
}
byId('btn-kiosk').addEventListener('click', () => setKiosk(true));
document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && settings.kiosk) setKiosk(false); });

function applyTheme(): void {
  const t = THEMES[settings.theme];
  map.setTheme(t);
  gauges.applyTheme(t);
  const ramp = byId('legend-ramp');
  if (!ramp.childElementCount) for (let i = 0; i < t.ramp.length; i++) ramp.append(el('span'));
  [...ramp.children].forEach((c, i) => { (c as HTMLElement).style.background = t.ramp[i]; });
}
applyTheme();
byId('btn-theme').addEventListener('click', () => {
  settings = { ...settings, theme: settings.theme === 'dark' ? 'light' : 'dark' };
  saveSettings();
  applyTheme();
});

function setSound(on: boolean): void {
  if (on) on = beeper.enable(); else beeper.disable();
  settings = { ...settings, sound: on };
  saveSettings();
  const b = byId('btn-sound');
  b.setAttribute('aria-pressed', String(on));
  setText(b, on ? 'Sound on' : settings.sound ? 'Sound (click)' : 'Sound off');
}
byId('btn-sound').addEventListener('click', () => setSound(!beeper.enabled));
if (settings.sound) setText(byId('btn-sound'), 'Sound: click to allow');

byId('btn-pause').addEventListener('click', () => {
  feed.setPaused(!feed.paused, store.feed);
  byId('btn-pause').setAttribute('aria-pressed', String(feed.paused));
  setText(byId('btn-pause'), feed.paused ? 'Resume' : 'Pause');
});

const topWindow = byId<HTMLSelectElement>('top-window');
topWindow.value = settings.window;
topWindow.addEventListener('change', () => {
  settings = { ...settings, window: topWindow.value === '1h' || topWindow.value === '24h' ? topWindow.value : 'live' };
  saveSettings();
  topsJob.last = 0;
  void refreshHistory();
});

// Filters dialog: built once; reads and writes the URL settings.
const dlgFilters = byId<HTMLDialogElement>('dlg-filters');
const form = byId<HTMLFormElement>('form-filters');
for (const c of CATEGORY_LIST) {
  const l = el('label');
  const i = el('input');
  i.type = 'checkbox'; i.name = 'category'; i.value = c;
  l.append(i, ` ${c}`);
  byId('f-cats').append(l);
}
for (const p of PANELS) {
  const l = el('label');
  const i = el('input');
  i.type = 'checkbox'; i.name = 'panels'; i.value = p;
  l.append(i, ` ${p}`);
  byId('f-panels').append(l);
}
function field(name: string): HTMLInputElement | HTMLSelectElement {
  return form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
}
function fillForm(): void {
  const f = settings.filters;
  form.querySelectorAll<HTMLInputElement>('input[name=category]').forEach((i) => { i.checked = f.category.includes(i.value as never); });
  form.querySelectorAll<HTMLInputElement>('input[name=panels]').forEach((i) => { i.checked = settings.panels.includes(i.value as never); });
  field('minSeverity').value = f.minSeverity;
  for (const k of ['sensor', 'site', 'srcCountry', 'asn', 'port', 'service'] as const) field(k).value = f[k];
  field('theme').value = settings.theme;
  field('arcs').value = String(settings.arcBudget);
}
byId('btn-filters').addEventListener('click', () => { fillForm(); dlgFilters.showModal(); });
byId('f-reset').addEventListener('click', () => {
  form.querySelectorAll<HTMLInputElement>('input[name=category]').forEach((i) => { i.checked = false; });
  for (const k of ['minSeverity', 'sensor', 'site', 'srcCountry', 'asn', 'port', 'service']) field(k).value = '';
});
byId('f-apply').addEventListener('click', (ev) => {
  ev.preventDefault();
  // The country, AS and port fields carry patterns of what the server accepts: say so here
  // rather than apply a filter the stream refuses.
  if (!form.reportValidity()) return;
  const q = new URLSearchParams(toSearch(settings));
  const cats = [...form.querySelectorAll<HTMLInputElement>('input[name=category]:checked')].map((i) => i.value);
  const panels = [...form.querySelectorAll<HTMLInputElement>('input[name=panels]:checked')].map((i) => i.value);
  const set = (k: string, v: string) => { if (v) q.set(k, v); else q.delete(k); };
  set('category', cats.join(','));
  for (const k of ['minSeverity', 'sensor', 'site', 'srcCountry', 'asn', 'port', 'service', 'theme', 'arcs']) set(k, field(k).value.trim());
  q.set('panels', panels.join(','));
  const next = parseSettings(`?${q}`);
  ignoredAtLoad = [];
  const restream = streamPath(next) !== streamPath(settings);
  settings = next;
  saveSettings();
  applyTheme();
  map.pool.budget = settings.arcBudget;
  dlgFilters.close();
  if (restream) { if (replay.active) replay.reload(); else startStream(); void refreshHistory(); }
});

// Analyst login: the token goes to POST /api/login and comes back as an HttpOnly cookie.
const dlgLogin = byId<HTMLDialogElement>('dlg-login');
const loginForm = byId<HTMLFormElement>('form-login');
byId('btn-login').addEventListener('click', () => { setText(byId('login-error'), ''); dlgLogin.showModal(); });
byId('login-submit').addEventListener('click', async (ev) => {
  ev.preventDefault();
  const token = (loginForm.elements.namedItem('token') as HTMLInputElement).value;
  if (!token) return;
  let ok = false;
  try {
    const r = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }), credentials: 'same-origin' });
    ok = r.ok;
    if (!ok) setText(byId('login-error'), r.status === 401 || r.status === 403 ? 'The token was not accepted.' : `Login failed (HTTP ${r.status}).`);
  } catch { setText(byId('login-error'), 'The server could not be reached.'); }
  if (!ok) return;
  (loginForm.elements.namedItem('token') as HTMLInputElement).value = '';
  dlgLogin.close();
  settings = { ...settings, view: 'analyst' };
  saveSettings();
  await refreshInfo();
  startStream();
});
byId('btn-logout').addEventListener('click', async () => {
  try { await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' }); } catch { /* the view switch below still hides analyst data */ }
  settings = { ...settings, view: settings.view === 'analyst' ? '' : settings.view };
  saveSettings();
  await refreshInfo();
  startStream();
});

// ------------------------------------------------------------------ test and benchmark hook
w.__attackmap = {
  project: (lon: number, lat: number) => map.projectToPage(lon, lat),
  get state() {
    return {
      replay: replay.state,
      stream: streamState, received, total: store.total, feed: store.feed.size, arcs: map.pool.items.length,
      sampledOut: map.pool.sampledOut, collapsed: map.pool.collapsed, malformed: malformed + (client?.malformed ?? 0),
      gapsLost, lastId: client?.lastId, worldLoaded, worldDetailed, worldMs: Math.round(worldMs), worldDetailedAtMs, mapPaintMs: map.firstPaintMs, liveAtMs, mapTiming: { ...map.timing }, widgetMs: Math.round(widgetMs * 10) / 10, staleAfterMs: staleAfterMs(), reducedMotion: map.reducedMotion,
    };
  },
};

// ------------------------------------------------------------------ start
let worldLoaded = false;
let worldMs = 0;
let worldDetailed = false;
let worldDetailedAtMs: number | undefined;
feed.layout();
new ResizeObserver(() => feed.layout()).observe(byId('feed'));
// Replay stops the live stream and feeds the same store from the replay clock; see replay/mode.ts.
const replay = new ReplayMode({
  filters: () => settings.filters,
  save: (r) => { settings = { ...settings, replay: r }; saveSettings(); },
  stopLive: () => { client?.stop(); client = null; },
  startLive: () => startStream(),
  reset: (t) => { store.reset(t); map.pool.clear(); serverCounters = null; feed.touch(); },
  // Health shows when the last replayed event was released (wall time), not its event time.
  ingest: (events, t, draw) => { ingest(events, draw, t); lastEventAt = Date.now(); },
}, byId('bar'), byId('bar').querySelector<HTMLElement>('.controls') ?? byId('bar'), byId('map'));
if (settings.replay) replay.enter(settings.replay); else startStream();
raf = hidden ? 0 : requestAnimationFrame(frame);
if (hidden) onVisibility();
if (settings.kiosk) void requestWakeLock();
void refreshInfo();
void refreshDeadLetters();
void refreshHealth();
void refreshHistory();
// Trends follow the top tables' window (live: the last hour).
trends.start(() => ({ spanMs: settings.window === '24h' ? 86_400_000 : 3_600_000, label: settings.window === '24h' ? '24 h' : 'hour', filters: filterQuery(settings.filters) }));
setInterval(() => { void refreshDeadLetters(); void refreshHealth(); void refreshHistory(); }, 30_000);
setInterval(() => { void refreshInfo(); }, 300_000);
// Coarse outlines (110m, 108 KB) paint first; the detailed 50m set replaces them when projected.
async function loadWorlds(): Promise<void> {
  const t0 = performance.now();
  try {
    performance.mark('am:script-ready');
    const coarse = await coarseWorld;
    // Marks for the cold-load benchmark (bench/render/cold.mts): where the first-paint time goes.
    performance.mark('am:coarse-parsed');
    // The coarse set is small (~20 ms to project): done in one task and painted at once.
    if (await map.setWorld(coarse, Infinity)) { worldLoaded = true; setText(byId('map-status'), ''); }
    // The detailed set (756 KB, parsed on this thread) waits until the coarse map is on screen.
    await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const fine = await loadWorld(worldUrl);
    if (await map.setWorld(fine, 12)) { worldLoaded = true; worldDetailed = true; worldMs = performance.now() - t0; worldDetailedAtMs = performance.now(); }
  } catch (e) {
    if (!worldLoaded) setText(byId('map-status'), `World outlines failed to load: ${e instanceof Error ? e.message : String(e)}`);
  }
}
void loadWorlds();
