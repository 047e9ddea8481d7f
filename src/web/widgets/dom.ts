/**
 * DOM helpers. Text goes in with textContent only: event fields are attacker-controlled, and
 * nothing on this page ever assigns HTML.
 */

/** A new element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The element with this id; throws at start-up when the page skeleton lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page: #${id} missing`);
  return e as T;
}

/** Sets text only when it changed (saves style and layout work on every repaint). */
export function setText(e: Element, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

const nf = new Intl.NumberFormat('en');
/** A count for display: 1,234 · 12.3k · 4.5M. */
export function fmtCount(n: number): string {
  if (n < 10_000) return nf.format(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  if (n < 1_000_000_000) return `${(n / 1e6).toFixed(1)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/** HH:MM:SS in local time for an ISO time, or the raw text cut short when it does not parse. */
export function fmtTime(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso.slice(0, 12);
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A duration in words: 42 s, 3 min, 5 h, 2 d. */
export function fmtAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
