/**
 * Top-N tables (source countries, AS, source addresses, rules, target ports/services, sensors):
 * a fixed number of rows per table, created once, re-filled with text.
 */
import type { KeyCount } from '../types.js';
import { el, fmtCount, setText } from './dom.js';

export interface TopSpec { key: string; title: string }

interface Table { rows: { root: HTMLElement; name: HTMLElement; bar: HTMLElement; val: HTMLElement }[]; note: HTMLElement }

export class TopTables {
  private tables = new Map<string, Table>();

  /** `rows`: rows per table (default 6). */
  constructor(groups: { box: HTMLElement; specs: TopSpec[] }[], rows = 6) {
    for (const g of groups) {
      for (const s of g.specs) {
        const wrap = el('div', 'top');
        wrap.dataset.top = s.key;
        const h = el('h3', undefined, s.title);
        const note = el('span', 'muted note');
        h.append(note);
        const ol = el('ol');
        const t: Table = { rows: [], note };
        for (let i = 0; i < rows; i++) {
          const li = el('li');
          const name = el('span', 'name');
          const bar = el('span', 'bar');
          const val = el('b');
          li.append(bar, name, val);
          ol.append(li);
          t.rows.push({ root: li, name, bar, val });
        }
        wrap.append(h, ol);
        g.box.append(wrap);
        this.tables.set(s.key, t);
      }
    }
  }

  /** Fills table `key` with the list (biggest first); `note` is a short caveat (window, error bound). */
  set(key: string, list: KeyCount[], note = ''): void {
    const t = this.tables.get(key);
    if (!t) return;
    setText(t.note, note ? ` ${note}` : '');
    const max = Math.max(1, list[0]?.count ?? 1);
    t.rows.forEach((r, i) => {
      const kc = list[i];
      r.root.classList.toggle('empty', !kc);
      setText(r.name, kc ? kc.key : i === 0 ? 'none yet' : '');
      setText(r.val, kc ? fmtCount(kc.count) : '');
      const w = kc ? `${((100 * kc.count) / max).toFixed(1)}%` : '0%';
      if (r.bar.style.width !== w) r.bar.style.width = w;
      if (kc) r.root.title = `${kc.key}: ${kc.count}`; else r.root.removeAttribute('title');
    });
  }
}
