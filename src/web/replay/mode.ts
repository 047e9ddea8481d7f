/**
 * Replay mode: the live map switches to a past window and plays its events back as arcs, feed rows
 * and counters at 1×–600×, with play, pause, seek (a slider over the window with the stats series
 * behind it), a speed choice, a copy-link button and "back to live".
 *
 * Decided: the live stream is stopped while replaying and the page's one store is reset and fed by
 * the replay clock (every widget then follows the replay without knowing about it); "back to live"
 * starts the stream again, whose hello snapshot refills the store. Opening a link at a position, or
 * seeking, counts the events from the window start up to the position without drawing them (so a
 * colleague's link shows the same figures), bounded: at most CATCH_UP_MS of event time before the
 * position and CATCH_UP_MAX events; past either bound counting starts later ("since HH:MM").
 */
import { decodeEvents } from '../decode.js';
import { filterQuery, type Filters } from '../settings.js';
import type { AttackEvent } from '../types.js';
import { el, fmtCount, setText } from '../widgets/dom.js';
import { PageBuffer } from './buffer.js';
import { quietSkip, ReplayClock, SPEEDS } from './clock.js';
import { clockSeconds, fromLocalInput, presetWindow, PRESETS, toLocalInput, windowText } from './presets.js';
import { drawSparkline, readSeries, type SeriesPoint } from './sparkline.js';
import type { ReplayParams } from './url.js';
import './replay.css';

/** What replay needs from the page. */
export interface ReplayHost {
  /** The page's current server-side filters. */
  filters(): Filters;
  /** Stores replay parameters in the page settings and the address (null: live). */
  save(p: ReplayParams | null): void;
  /** Stops the live stream. */
  stopLive(): void;
  /** Starts the live stream afresh (resets the store; the hello snapshot refills it). */
  startLive(): void;
  /** Empties store, feed and arcs; counting starts at event time `atMs`. */
  reset(atMs: number): void;
  /** Counts events released by the replay clock, all of event time `atMs` (same second); draws them when `draw`. */
  ingest(events: AttackEvent[], atMs: number, draw: boolean): void;
}

/** Most events released to the page per frame (the rest follow on the next frames). */
const MAX_PER_FRAME = 5000;
/** Quiet stretches longer than this much wall time are skipped, ms. */
const QUIET_SKIP_MS = 3000;
/** Catch-up after a seek reaches back at most this far (event time, ms)… */
const CATCH_UP_MS = 6 * 3_600_000;
/** …and counts at most this many events before it gives up and counts from the position. */
const CATCH_UP_MAX = 50_000;
const timeOf = (e: AttackEvent) => Date.parse(e.time);
const fmtSpan = (ms: number) => (ms < 5_400_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`);

export class ReplayMode {
  private clock: ReplayClock | null = null;
  private buffer: PageBuffer<AttackEvent> | null = null;
  private series: SeriesPoint[] = [];
  private windowTotal: number | null = null;
  private released = 0;
  private lastUi = 0;
  private dragging = false;
  private statsGen = 0;
  private lastLink = '';
  /** Events before this time (epoch ms) are counted without drawing: the catch-up after a seek. */
  private catchUntil = -Infinity;
  private caughtUp = 0;
  /** Event time skipped over quiet stretches since the last seek, ms. */
  private skippedMs = 0;

  private bar = el('section', 'replay-bar');
  private tag = el('span', 'replay-tag', 'REPLAY');
  private title = el('span', 'replay-title');
  private pos = el('b', 'replay-pos');
  private status = el('span', 'replay-status');
  private btnPlay = el('button', 'replay-play', '❚❚ Pause');
  private speedSel = el('select');
  private slider = el('input');
  private spark = el('canvas', 'replay-spark');
  private edgeFrom = el('span', 'replay-edge');
  private edgeTo = el('span', 'replay-edge');
  private btnWindow = el('button', undefined, 'Window…');
  private btnCopy = el('button', undefined, 'Copy link');
  private linkOut = el('input', 'replay-link');
  private btnLive = el('button', 'replay-live', '● Back to live');
  private chooser = el('div', 'replay-chooser');
  private inFrom = el('input');
  private inTo = el('input');
  private btnHistory = el('button', undefined, 'History');
  private stamp = el('div', 'replay-stamp');
  private feedTitle: Text | null = null;

  /**
   * `header`: the page's top bar (the replay bar goes below it); `controls`: where the History button
   * goes; `mapBox`: the map (a REPLAY stamp is placed on it).
   */
  constructor(private host: ReplayHost, header: HTMLElement, controls: HTMLElement, mapBox: HTMLElement) {
    this.bar.id = 'replay-bar';
    this.bar.hidden = true;
    this.bar.setAttribute('aria-label', 'History replay');
    this.btnHistory.type = 'button';
    this.btnHistory.id = 'btn-history';
    this.btnHistory.title = 'Replay a past window on the map';
    controls.prepend(this.btnHistory);
    this.btnHistory.addEventListener('click', () => this.toggleChooser());

    for (const b of [this.btnPlay, this.btnWindow, this.btnCopy, this.btnLive]) b.type = 'button';
    this.btnPlay.id = 'replay-play';
    this.btnPlay.title = 'Play or pause (space)';
    this.btnCopy.id = 'replay-copy';
    this.btnLive.id = 'replay-back';
    this.speedSel.id = 'replay-speed';
    this.speedSel.setAttribute('aria-label', 'Replay speed');
    for (const s of SPEEDS) { const o = el('option', undefined, `${s}×`); o.value = String(s); this.speedSel.append(o); }
    this.slider.type = 'range';
    this.slider.id = 'replay-seek';
    this.slider.min = '0'; this.slider.max = '1000'; this.slider.step = '1';
    this.slider.setAttribute('aria-label', 'Replay position');
    this.linkOut.readOnly = true;
    this.linkOut.id = 'replay-link';
    this.linkOut.hidden = true;
    this.linkOut.setAttribute('aria-label', 'Link to this view');
    this.title.id = 'replay-title';
    this.pos.id = 'replay-pos';
    this.status.id = 'replay-status';

    const seek = el('div', 'replay-seek');
    seek.append(this.spark, this.slider);
    const track = el('div', 'replay-track');
    track.append(this.edgeFrom, seek, this.edgeTo);
    const player = el('div', 'replay-player');
    const label = el('div', 'replay-label');
    label.append(this.tag, this.title, el('span', 'muted', 'showing'), this.pos, this.status);
    player.append(label, this.btnPlay, this.speedSel, track, this.btnWindow, this.btnCopy, this.btnLive);
    player.append(this.linkOut);

    this.buildChooser();
    this.bar.append(player, this.chooser);
    header.after(this.bar);
    this.stamp.id = 'replay-stamp';
    this.stamp.hidden = true;
    mapBox.append(this.stamp);
    const h2 = document.querySelector('#panel-feed h2')?.firstChild;
    if (h2 && h2.nodeType === Node.TEXT_NODE) this.feedTitle = h2 as Text;

    this.btnPlay.addEventListener('click', () => this.togglePlay());
    this.speedSel.addEventListener('change', () => this.setSpeed(Number(this.speedSel.value)));
    this.slider.addEventListener('input', () => { this.dragging = true; this.previewSeek(); });
    this.slider.addEventListener('change', () => { this.dragging = false; this.commitSeek(); });
    this.btnWindow.addEventListener('click', () => this.toggleChooser());
    this.btnCopy.addEventListener('click', () => { void this.copyLink(); });
    this.btnLive.addEventListener('click', () => this.exit());
    new ResizeObserver(() => this.paintSpark()).observe(this.spark);
    // Space plays and pauses while replaying, unless a form field or button has the keyboard.
    document.addEventListener('keydown', (e) => {
      if (!this.active || e.key !== ' ' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && t !== document.body && t.closest('input, select, textarea, button, dialog, [contenteditable]')) return;
      e.preventDefault();
      this.togglePlay();
    });
  }

  private buildChooser(): void {
    const c = this.chooser;
    c.hidden = true;
    c.append(el('span', 'muted', 'Replay a past window:'));
    for (const p of PRESETS) {
      const b = el('button', undefined, p.label);
      b.type = 'button';
      b.dataset.preset = p.id;
      b.addEventListener('click', () => {
        const w = presetWindow(p, Date.now());
        this.enter({ ...w, speed: p.speed, at: w.from, playing: true });
      });
      c.append(b);
    }
    this.inFrom.type = 'datetime-local';
    this.inTo.type = 'datetime-local';
    this.inFrom.id = 'replay-from';
    this.inTo.id = 'replay-to';
    const lf = el('label', undefined, 'from ');
    lf.append(this.inFrom);
    const lt = el('label', undefined, 'to ');
    lt.append(this.inTo);
    const go = el('button', undefined, 'Replay');
    go.type = 'button';
    go.id = 'replay-custom';
    const err = el('span', 'error');
    go.addEventListener('click', () => {
      const from = fromLocalInput(this.inFrom.value);
      const to = fromLocalInput(this.inTo.value);
      if (!Number.isFinite(from) || !Number.isFinite(to) || !(from < to)) { setText(err, 'Give a start before the end.'); return; }
      setText(err, '');
      const span = to - from;
      this.enter({ from, to, speed: span > 6 * 3_600_000 ? 600 : span > 900_000 ? 60 : 10, at: from, playing: true });
    });
    const close = el('button', undefined, '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close');
    close.addEventListener('click', () => { c.hidden = true; this.bar.hidden = !this.active; });
    c.append(el('span', 'muted', 'or'), lf, lt, go, err, close);
  }

  private toggleChooser(): void {
    const show = this.chooser.hidden;
    if (show) {
      const to = this.clock?.to ?? Date.now();
      const from = this.clock?.from ?? to - 3_600_000;
      this.inFrom.value = toLocalInput(from);
      this.inTo.value = toLocalInput(to);
    }
    this.chooser.hidden = !show;
    this.bar.hidden = !this.active && !show;
  }

  /** True while replaying (the live stream is stopped). */
  get active(): boolean { return this.clock !== null; }

  /** Event time the page shows, epoch ms (replay clock; Date.now() when live). */
  clockMs(wall = performance.now()): number { return this.clock ? this.clock.now(wall) : Date.now(); }

  /** The replay parameters now (null when live). */
  params(wall = performance.now()): ReplayParams | null {
    const c = this.clock;
    return c ? { from: c.from, to: c.to, speed: c.speed, at: c.now(wall), playing: c.playing && !c.ended(wall) } : null;
  }

  /** For tests and benchmarks. */
  get state() {
    const p = this.params();
    return {
      active: this.active, params: p, released: this.released, buffered: this.buffer?.size ?? 0,
      pages: this.buffer?.pages ?? 0, done: this.buffer?.exhausted ?? false, error: this.buffer?.error ?? '',
      windowTotal: this.windowTotal, link: this.lastLink,
    };
  }

  /** Switches to replaying `p` (from live, or to another window). */
  enter(p: ReplayParams): void {
    const wall = performance.now();
    if (!this.clock) this.host.stopLive();
    this.clock = new ReplayClock(p.from, p.to, p.speed, p.at);
    if (p.playing) this.clock.play(wall);
    this.chooser.hidden = true;
    this.bar.hidden = false;
    this.stamp.hidden = false;
    document.documentElement.classList.add('replaying');
    if (this.feedTitle) this.feedTitle.data = 'Replayed feed ';
    this.speedSel.value = String(p.speed);
    if (this.speedSel.value !== String(p.speed)) {
      const o = el('option', undefined, `${p.speed}×`); o.value = String(p.speed); this.speedSel.append(o); this.speedSel.value = String(p.speed);
    }
    setText(this.title, `${windowText(p.from, p.to)} · ${p.speed}×`);
    setText(this.edgeFrom, windowText(p.from, p.from + 1).split('–')[0]);
    setText(this.edgeTo, windowText(p.to - 1, p.to).split('–')[1] ?? '');
    this.series = [];
    this.windowTotal = null;
    this.paintSpark();
    void this.loadSeries();
    this.restartAt(this.clock.now(wall));
    this.save();
    this.lastUi = 0;
    this.tick(wall);
  }

  /** Re-reads the window from the current position (after the filters changed). */
  reload(): void {
    if (!this.clock) return;
    this.series = [];
    void this.loadSeries();
    this.restartAt(this.clock.now(performance.now()));
  }

  /** Back to live: the stream starts again and the store is refilled from its snapshot. */
  exit(): void {
    if (!this.clock) return;
    this.buffer?.close();
    this.buffer = null;
    this.clock = null;
    this.bar.hidden = true;
    this.chooser.hidden = true;
    this.stamp.hidden = true;
    this.linkOut.hidden = true;
    document.documentElement.classList.remove('replaying');
    if (this.feedTitle) this.feedTitle.data = 'Live feed ';
    this.host.save(null);
    this.host.startLive();
  }

  private restartAt(t: number): void {
    const c = this.clock;
    if (!c) return;
    this.catchUntil = t;
    this.caughtUp = 0;
    this.skippedMs = 0;
    this.openBuffer(Math.max(c.from, t - CATCH_UP_MS));
  }

  private openBuffer(t: number): void {
    const c = this.clock;
    if (!c) return;
    this.buffer?.close();
    this.released = 0;
    this.host.reset(t);
    const filters = this.host.filters();
    const to = c.to;
    this.buffer = new PageBuffer<AttackEvent>(async (cursor, limit) => {
      const q = filterQuery(filters);
      q.set('from', String(Math.floor(t)));
      q.set('to', String(to));
      q.set('limit', String(limit));
      if (cursor) q.set('cursor', cursor);
      const r = await fetch(`/api/events?${q}`, { credentials: 'same-origin', cache: 'no-store' });
      if (!r.ok) throw new Error(`history: HTTP ${r.status}`);
      const body = (await r.json()) as { events?: unknown; nextCursor?: unknown };
      const events = decodeEvents(body.events ?? []).events;
      return { events, nextCursor: typeof body.nextCursor === 'string' && body.nextCursor ? body.nextCursor : null };
    }, timeOf, { capacity: 5000, lowWater: 2500, pageSize: 1000 });
    void this.buffer.pump();
  }

  private async loadSeries(): Promise<void> {
    const c = this.clock;
    if (!c) return;
    const gen = ++this.statsGen;
    const q = filterQuery(this.host.filters());
    q.set('from', String(c.from));
    q.set('to', String(c.to));
    q.set('top', '1');
    try {
      const r = await fetch(`/api/stats?${q}`, { credentials: 'same-origin', cache: 'no-store' });
      if (!r.ok || gen !== this.statsGen) return;
      const s = readSeries(await r.json());
      if (gen !== this.statsGen) return;
      this.series = s.points;
      this.windowTotal = s.total;
      this.paintSpark();
    } catch { /* the slider works without its sparkline */ }
  }

  private paintSpark(): void {
    const c = this.clock;
    if (!c || this.bar.hidden) return;
    drawSparkline(this.spark, this.series, c.from, c.to, getComputedStyle(this.spark).color || '#888');
  }

  /** Advances replay to wall time `wall` (performance.now(), ms): releases due events and repaints the bar. */
  tick(wall: number): void {
    const c = this.clock;
    const b = this.buffer;
    if (!c || !b) return;
    let t = c.now(wall);
    // A quiet stretch longer than QUIET_SKIP_MS of wall time is jumped over (the next event then
    // arrives half a second of wall time later): nobody watches an empty map for minutes.
    const target = c.playing ? quietSkip(t, b.peekTime(), c.speed, QUIET_SKIP_MS) : null;
    if (target !== null) {
      this.skippedMs += target - t;
      c.seek(target, wall);
      t = c.now(wall);
    }
    // Do not run ahead of the data: while the buffer is empty and a page is on its way, the
    // events due now may be in that page.
    if (!b.loading || b.size > 0) {
      const due = b.take(t, MAX_PER_FRAME);
      if (due.length) this.release(due);
    }
    void b.pump();
    if (wall - this.lastUi < 200) return;
    this.lastUi = wall;
    const ended = c.ended(wall);
    setText(this.pos, clockSeconds(t));
    setText(this.stamp, `REPLAY · ${clockSeconds(t)} · ${c.speed}×`);
    setText(this.btnPlay, ended ? '↺ Play again' : c.playing ? '❚❚ Pause' : '▶ Play');
    this.btnPlay.setAttribute('aria-pressed', String(!c.playing || ended));
    const parts: string[] = [];
    parts.push(`${fmtCount(this.released)}${this.windowTotal !== null ? ` of ${fmtCount(this.windowTotal)}` : ''} events`);
    if (b.error) parts.push(b.error);
    else if (b.loading && b.size === 0) parts.push('loading…');
    if (this.skippedMs >= 60_000) parts.push(`quiet ${fmtSpan(this.skippedMs)} skipped`);
    if (ended) parts.push('end of window');
    else if (!c.playing) parts.push('paused');
    setText(this.status, parts.join(' · '));
    if (!this.dragging) this.slider.value = String(Math.round(c.fraction(wall) * 1000));
  }

  /** Hands events to the page one second of event time at a time, so the per-minute rate follows event time. */
  private release(due: AttackEvent[]): void {
    this.released += due.length;
    let i = 0;
    while (i < due.length) {
      const sec = Math.floor(timeOf(due[i]) / 1000);
      const draw = timeOf(due[i]) >= this.catchUntil;
      let j = i + 1;
      while (j < due.length && Math.floor(timeOf(due[j]) / 1000) === sec && (timeOf(due[j]) >= this.catchUntil) === draw) j++;
      if (!draw) this.caughtUp += j - i;
      this.host.ingest(due.slice(i, j), sec * 1000, draw);
      i = j;
    }
    if (this.caughtUp > CATCH_UP_MAX && Number.isFinite(this.catchUntil)) {
      // Too much to count up to the position: count from the position instead.
      const at = this.catchUntil;
      this.catchUntil = -Infinity;
      this.openBuffer(at);
    }
  }

  private togglePlay(): void {
    const c = this.clock;
    if (!c) return;
    const wall = performance.now();
    if (c.ended(wall)) { c.play(wall); this.restartAt(c.from); }
    else if (c.playing) c.pause(wall); else c.play(wall);
    this.lastUi = 0;
    this.save();
  }

  private setSpeed(s: number): void {
    const c = this.clock;
    if (!c) return;
    c.setSpeed(s, performance.now());
    setText(this.title, `${windowText(c.from, c.to)} · ${c.speed}×`);
    this.lastUi = 0;
    this.save();
  }

  private sliderTime(): number {
    const c = this.clock!;
    return c.from + (Number(this.slider.value) / 1000) * (c.to - c.from);
  }

  private previewSeek(): void {
    if (this.clock) setText(this.pos, clockSeconds(this.sliderTime()));
  }

  private commitSeek(): void {
    const c = this.clock;
    if (!c) return;
    const t = this.sliderTime();
    c.seek(t, performance.now());
    this.restartAt(t);
    this.lastUi = 0;
    this.save();
  }

  /** Seeks to event time `t` (epoch ms), as the slider does. */
  seek(t: number): void {
    const c = this.clock;
    if (!c) return;
    c.seek(t, performance.now());
    this.restartAt(c.now(performance.now()));
    this.lastUi = 0;
    this.save();
  }

  private save(): void { this.host.save(this.params()); }

  /** The address of this view now, position included. */
  link(): string {
    this.save();
    return location.href;
  }

  private async copyLink(): Promise<void> {
    const url = this.link();
    this.lastLink = url;
    this.linkOut.value = url;
    this.linkOut.hidden = false;
    this.linkOut.select();
    let copied = false;
    try { await navigator.clipboard.writeText(url); copied = true; } catch { /* the selected field lets the operator copy by hand */ }
    setText(this.btnCopy, copied ? 'Copied' : 'Copy link');
    setTimeout(() => setText(this.btnCopy, 'Copy link'), 2000);
  }
}

