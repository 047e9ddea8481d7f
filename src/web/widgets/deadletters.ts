/**
 * The "Unreadable lines" dialog: the dead letters of GET /api/deadletter, newest first, 50 at a
 * time ("More" pages on with `before=<last id>`). Every field is attacker-controlled (raw lines
 * carry HTML, terminal escapes, any bytes): answers are decoded field by field, clipped, control
 * characters are shown as visible escapes, and all of it goes in with textContent.
 */
import { el, fmtCount, setText } from './dom.js';
import type { DeadLetter } from '../../server/store/types.js';

/** Entries per request. */
export const PAGE_SIZE = 50;
/** Longest raw line shown (the server keeps the same 2,048 characters; clipped here too). */
export const RAW_CHARS = 2048;
/** Longest other field shown (message, source, position). */
const FIELD_CHARS = 500;

/** A dead letter as the server sends it, checked field by field: no field is left undefined. */
export type DeadLetterEntry = Omit<DeadLetter, 'id' | 'position'> & { id: number | null; position: string };

export interface DeadLetterPage { total: number; entries: DeadLetterEntry[] }

// C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides and
// isolates that could make one part of a line read as another.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text as it is safe to show: cut to `max` characters (with "…" when cut) and every control
 * character replaced by a visible escape (ESC → `\x1b`, U+202E → `\u202e`), tab and newline kept.
 */
export function visibleText(s: string, max: number): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return cut.replace(INVISIBLE, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

const str = (v: unknown, max = FIELD_CHARS): string => (typeof v === 'string' ? visibleText(v, max) : '');

/** The /api/deadletter answer as the dialog uses it, or null when it is not one. */
export function decodeDeadLetters(body: unknown): DeadLetterPage | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.total !== 'number' || !Number.isFinite(b.total) || !Array.isArray(b.entries)) return null;
  const entries: DeadLetterEntry[] = [];
  for (const e of b.entries.slice(0, 1000)) {
    if (!e || typeof e !== 'object' || Array.isArray(e)) continue;
    const r = e as Record<string, unknown>;
    entries.push({
      id: typeof r.id === 'number' && Number.isSafeInteger(r.id) ? r.id : null,
      time: typeof r.time === 'string' ? r.time.slice(0, 64) : '',
      source: str(r.source), format: str(r.format, 64), code: str(r.code, 64), message: str(r.message),
      raw: str(r.raw, RAW_CHARS), position: str(r.position),
    });
  }
  return { total: b.total, entries };
}

/** Local date and time, "2026-05-01 14:03:22", or the raw text cut short when it does not parse. */
export function fmtDateTime(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return visibleText(iso, 40);
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export interface DeadLetterParts {
  dialog: HTMLDialogElement;
  summary: HTMLElement;
  list: HTMLElement;
  note: HTMLElement;
  more: HTMLButtonElement;
  close: HTMLButtonElement;
}

export class DeadLetterDialog {
  private shown = 0;
  private total = 0;
  private lastId: number | null = null;
  /** Bumped on every (re)open: answers of an earlier opening are dropped. */
  private generation = 0;

  /** `onTotal` hears each total the server reports (the health panel's count). */
  constructor(private parts: DeadLetterParts, private onTotal: (total: number) => void = () => {}) {
    parts.more.addEventListener('click', () => { void this.load(); });
    parts.close.addEventListener('click', () => parts.dialog.close());
    // Escape closes the dialog (the browser's own); it must not also leave kiosk mode.
    parts.dialog.addEventListener('keydown', (e) => { if (e.key === 'Escape') e.stopPropagation(); });
  }

  /** Opens the dialog and loads the newest page. */
  open(): void {
    this.generation++;
    this.shown = 0;
    this.total = 0;
    this.lastId = null;
    this.parts.list.replaceChildren();
    setText(this.parts.summary, 'Loading…');
    setText(this.parts.note, '');
    this.parts.more.hidden = true;
    if (!this.parts.dialog.open) this.parts.dialog.showModal();
    void this.load();
  }

  private async load(): Promise<void> {
    const gen = this.generation;
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (this.lastId !== null) q.set('before', String(this.lastId));
    this.parts.more.disabled = true;
    let page: DeadLetterPage | null = null;
    let problem = '';
    try {
      const r = await fetch(`/api/deadletter?${q}`, { credentials: 'same-origin', cache: 'no-store' });
      if (r.ok) page = decodeDeadLetters(await r.json());
      problem = r.ok ? 'the answer was not a list of dead letters' : `HTTP ${r.status}`;
    } catch { problem = 'the server could not be reached'; }
    if (gen !== this.generation) return;
    this.parts.more.disabled = false;
    if (!page) {
      setText(this.parts.note, `Could not load the unreadable lines: ${problem}.`);
      return;
    }
    this.total = page.total;
    this.onTotal(page.total);
    for (const e of page.entries) this.parts.list.append(entryView(e));
    this.shown += page.entries.length;
    const last = page.entries.at(-1);
    if (last) this.lastId = last.id;
    const hiddenFromViewer = page.total > 0 && this.shown === 0;
    setText(this.parts.summary, page.total === 0 ? 'No unreadable lines are kept.'
      : hiddenFromViewer ? `${fmtCount(page.total)} kept.`
        : `${fmtCount(this.shown)} of ${fmtCount(page.total)} kept, newest first.`);
    setText(this.parts.note, hiddenFromViewer ? 'The lines are shown to analysts only: log in to see them.' : '');
    this.parts.more.hidden = !(page.entries.length === PAGE_SIZE && this.lastId !== null && this.shown < this.total);
  }
}

function entryView(e: DeadLetterEntry): HTMLElement {
  const li = el('li', 'dead');
  const head = el('div', 'dead-head');
  const time = el('time', 'dead-time', fmtDateTime(e.time));
  if (e.time) time.dateTime = e.time;
  head.append(time, el('span', 'dead-code', e.code || '?'));
  const where = [e.source, e.format].filter(Boolean).join(' · ');
  if (where) head.append(el('span', 'dead-src', where));
  li.append(head);
  if (e.message) li.append(el('div', 'dead-msg', e.message));
  if (e.position) li.append(el('div', 'dead-pos', `at ${e.position}`));
  const raw = el('pre', e.raw ? 'dead-raw' : 'dead-raw empty', e.raw || '(empty line)');
  raw.setAttribute('aria-label', 'raw line');
  li.append(raw);
  return li;
}
