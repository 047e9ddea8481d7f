/**
 * A key/value list (health panel, event details) with text-only values. The health list keeps
 * its elements and only updates text; details are re-filled on a click, never per event.
 */
import { el, setText } from './dom.js';

export class KeyValues {
  private vals = new Map<string, HTMLElement>();
  constructor(private dl: HTMLElement) {}

  /** Sets one row, creating it the first time; `level` marks warnings for styling, `title` explains on hover. */
  set(label: string, value: string, level: '' | 'warn' | 'bad' = '', title = ''): void {
    let v = this.vals.get(label);
    if (!v) {
      const dt = el('dt', undefined, label);
      v = el('dd');
      this.dl.append(dt, v);
      this.vals.set(label, v);
    }
    setText(v, value);
    if (v.dataset.level !== level) v.dataset.level = level;
    if (v.title !== title) v.title = title;
  }

  /** Removes one row (a source whose problem has cleared). */
  remove(label: string): void {
    const v = this.vals.get(label);
    if (!v) return;
    v.previousElementSibling?.remove();
    v.remove();
    this.vals.delete(label);
  }

  /** Replaces all rows (details of one event). */
  replace(rows: [string, string][]): void {
    this.dl.replaceChildren();
    this.vals.clear();
    for (const [k, v] of rows) this.set(k, v);
  }
}
