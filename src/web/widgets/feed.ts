/**
 * The live feed: a virtualised list. A fixed pool of row elements is created once and re-filled
 * (textContent) from the ring buffer when the list changes or scrolls, at most once per repaint.
 * Newest first; pausing freezes a copy of the rows shown (bounded by the ring's capacity).
 */
import type { AttackEvent } from '../types.js';
import { el, fmtAge, fmtTime, setText } from './dom.js';

interface Row { root: HTMLElement; time: HTMLElement; cat: HTMLElement; src: HTMLElement; dst: HTMLElement; rule: HTMLElement; idx: number }

export interface FeedSource { size: number; newest(i: number): AttackEvent | undefined }

/** Source column text: country code and address (public view shows a /24 or /48). */
export function sourceText(e: AttackEvent): string {
  const cc = e.source.geo?.country ?? (e.source.geoReason ? e.source.geoReason.slice(0, 4) : '??');
  return `${cc} ${e.source.ip}`;
}

/**
 * Target column text: the sensor's site, else the target's country and port. An intel
 * indicator has no target; a sensor that logs attacks on itself (the unspecified address) and
 * has no site is named by itself.
 */
export function targetText(e: AttackEvent): string {
  if (!e.destination.geo && e.category === 'intel') return 'no target (intel)';
  if (!e.destination.geo && e.destination.range === 'unspecified' && !e.observer.site) {
    return `${e.observer.name}${e.destination.port !== undefined ? `:${e.destination.port}` : ''}`;
  }
  const site = e.destination.geo?.site ?? e.observer.site;
  const port = e.destination.port !== undefined ? `:${e.destination.port}` : '';
  if (site) return `${site}${port}`;
  const cc = e.destination.geo?.country;
  return `${cc ? `${cc} ` : ''}${e.destination.ip}${port}`;
}

/** Received this much after the sensor's time, an event is marked late. */
const LATE_MS = 5 * 60_000;
/** This much ahead of the server's clock, an event's time is marked as from the future. */
const AHEAD_MS = 2 * 60_000;
const dayFmt = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric' });

/**
 * The time column, whether the sensor's time is far from when the server received it, and by how
 * much in words (`note`, '' when it is not).
 */
export interface TimeCell { text: string; lag: '' | 'late' | 'ahead'; note: string; title: string }

/**
 * The time column of an event. A bare HH:MM:SS would make yesterday's backfill or a sensor with
 * a wrong clock look current, so an event received more than 5 min after its time is marked late
 * (and shows its day instead when that is another day), one more than 2 min ahead of the
 * server's clock is marked ahead. The title says by how much.
 */
export function timeCell(e: Pick<AttackEvent, 'time' | 'received'>): TimeCell {
  const text = fmtTime(e.time);
  const t = Date.parse(e.time), r = Date.parse(e.received);
  const lag = Number.isFinite(t) && Number.isFinite(r) ? r - t : 0;
  const marked = (cell: Omit<TimeCell, 'title'>): TimeCell => ({ ...cell, title: `${e.time}, ${cell.note}` });
  if (lag > LATE_MS) {
    const sameDay = new Date(t).toDateString() === new Date(r).toDateString();
    return marked({ text: sameDay ? text : dayFmt.format(t), lag: 'late', note: `received ${fmtAge(lag)} later` });
  }
  if (-lag > AHEAD_MS) return marked({ text, lag: 'ahead', note: `${fmtAge(-lag)} ahead of the server's clock` });
  return { text, lag: '', note: '', title: e.time };
}

export class FeedView {
  private rows: Row[] = [];
  private rowH = 24;
  private frozen: AttackEvent[] | null = null;
  private dirty = true;
  private selectedId: string | undefined;
  private scrollTop = 0;
  /** A badge name per event, shown by CSS (`data-mark` on the row); '' for none. */
  mark: (e: AttackEvent) => string = () => '';

  constructor(private box: HTMLElement, private spacer: HTMLElement, private onSelect: (e: AttackEvent) => void) {
    // The scroll position is kept from scroll events: reading scrollTop inside `render`, after
    // its own writes, would force a synchronous layout of the page on every repaint.
    box.addEventListener('scroll', () => { this.scrollTop = box.scrollTop; this.dirty = true; }, { passive: true });
    box.addEventListener('click', (ev) => {
      const r = (ev.target as HTMLElement).closest<HTMLElement>('.row');
      if (!r) return;
      const row = this.rows.find((x) => x.root === r);
      const e = row ? this.at(row.idx) : undefined;
      if (e) { this.selectedId = e.id; this.onSelect(e); this.dirty = true; }
    });
  }

  get paused(): boolean { return this.frozen !== null; }

  setPaused(p: boolean, source: FeedSource): void {
    this.frozen = p ? Array.from({ length: source.size }, (_, i) => source.newest(i) as AttackEvent) : null;
    this.dirty = true;
  }

  /** Marks the list changed (new events); the next `render` repaints. */
  touch(): void { if (!this.frozen) this.dirty = true; }

  /** Makes the pool fit the box height (called on resize; the only time rows are created). */
  layout(): void {
    const probe = this.rows[0]?.root;
    const fs = parseFloat(getComputedStyle(this.box).fontSize) || 14;
    this.rowH = probe ? probe.offsetHeight || Math.round(fs * 2.9) : Math.round(fs * 2.9);
    const need = Math.ceil(this.box.clientHeight / this.rowH) + 2;
    this.scrollTop = this.box.scrollTop;
    while (this.rows.length < need) {
      const root = el('div', 'row');
      root.setAttribute('role', 'button');
      const time = el('span', 'c-time'), cat = el('span', 'c-cat'), cell = el('span', 'c-src'), dst = el('span', 'c-dst'), rule = el('span', 'c-rule');
      // The address has its own element so that it, not the NEW AS badge after it, gives way on a narrow row.
      const src = el('span', 'addr');
      cell.append(src);
      root.append(time, cat, cell, dst, rule);
      this.box.append(root);
      this.rows.push({ root, time, cat, src, dst, rule, idx: -1 });
    }
    this.dirty = true;
  }

  private source: FeedSource = { size: 0, newest: () => undefined };
  private at(i: number): AttackEvent | undefined { return this.frozen ? this.frozen[i] : this.source.newest(i); }

  /** Repaints when dirty. Returns true when it touched the DOM. */
  render(source: FeedSource): boolean {
    this.source = source;
    if (!this.dirty) return false;
    this.dirty = false;
    const size = this.frozen ? this.frozen.length : source.size;
    const h = size * this.rowH;
    if (this.spacer.style.height !== `${h}px`) this.spacer.style.height = `${h}px`;
    const first = Math.max(0, Math.floor(this.scrollTop / this.rowH));
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r];
      const i = first + r;
      const e = i < size ? this.at(i) : undefined;
      row.idx = i;
      if (!e) { if (!row.root.hidden) row.root.hidden = true; continue; }
      if (row.root.hidden) row.root.hidden = false;
      const y = `translateY(${i * this.rowH}px)`;
      if (row.root.style.transform !== y) row.root.style.transform = y;
      if (row.root.dataset.cat !== e.category) row.root.dataset.cat = e.category;
      if (row.root.dataset.sev !== e.severity) row.root.dataset.sev = e.severity;
      const sel = e.id === this.selectedId;
      if (row.root.classList.contains('sel') !== sel) row.root.classList.toggle('sel', sel);
      const mark = this.mark(e);
      if (row.root.dataset.mark !== mark) row.root.dataset.mark = mark;
      const time = timeCell(e);
      setText(row.time, time.text);
      if (row.time.dataset.lag !== time.lag) row.time.dataset.lag = time.lag;
      if (row.time.title !== time.title) row.time.title = time.title;
      setText(row.cat, e.category);
      setText(row.src, sourceText(e));
      setText(row.dst, targetText(e));
      setText(row.rule, e.rule.name);
      const title = `${e.severity} ${e.category}: ${e.rule.name}`;
      if (row.root.title !== title) row.root.title = title;
    }
    return true;
  }
}
