/**
 * Gauges: attacks per minute, total, the severity mix (a stacked bar with labelled counts, so
 * severity never relies on colour alone) and per-category bars that double as the arc colour key.
 * Elements are created once; updates only set text and widths.
 */
import { CATEGORY_LIST, SEVERITY_LIST, type Category, type Severity } from '../types.js';
import { SEVERITY_COLOUR, type Theme } from '../palette.js';
import { byId, el, fmtCount, setText } from './dom.js';

export interface GaugeInput {
  perMinute: number;
  total: number;
  totalLabel: string;
  bySeverity: Record<Severity, number>;
  byCategory: Record<Category, number>;
}

export class Gauges {
  private sevSeg = new Map<Severity, HTMLElement>();
  private sevVal = new Map<Severity, HTMLElement>();
  private catBar = new Map<Category, HTMLElement>();
  private catVal = new Map<Category, HTMLElement>();
  private catSwatch = new Map<Category, HTMLElement>();

  constructor() {
    const bar = byId('g-sevbar'), legend = byId('g-sevlegend'), cats = byId('g-cats');
    for (const s of SEVERITY_LIST) {
      const seg = el('span', `seg sev-${s}`);
      seg.style.background = SEVERITY_COLOUR[s];
      bar.append(seg);
      this.sevSeg.set(s, seg);
      const li = el('li');
      const sw = el('span', 'swatch');
      sw.style.background = SEVERITY_COLOUR[s];
      const v = el('b', undefined, '0');
      li.append(sw, el('span', undefined, s), v);
      legend.append(li);
      this.sevVal.set(s, v);
    }
    for (const c of CATEGORY_LIST) {
      const li = el('li');
      const sw = el('span', 'swatch');
      const name = el('span', 'name', c);
      const track = el('span', 'track');
      const fill = el('span', 'fill');
      track.append(fill);
      const v = el('b', undefined, '0');
      li.append(sw, name, track, v);
      cats.append(li);
      this.catBar.set(c, fill);
      this.catVal.set(c, v);
      this.catSwatch.set(c, sw);
    }
  }

  /** Colours that depend on the theme (category swatches). */
  applyTheme(t: Theme): void {
    for (const c of CATEGORY_LIST) {
      (this.catSwatch.get(c) as HTMLElement).style.background = t.category[c];
      (this.catBar.get(c) as HTMLElement).style.background = t.category[c];
    }
  }

  update(g: GaugeInput): void {
    setText(byId('g-permin'), fmtCount(g.perMinute));
    setText(byId('g-total'), fmtCount(g.total));
    setText(byId('g-total-label'), g.totalLabel);
    const sevTotal = SEVERITY_LIST.reduce((a, s) => a + g.bySeverity[s], 0);
    for (const s of SEVERITY_LIST) {
      const pct = sevTotal ? (100 * g.bySeverity[s]) / sevTotal : 0;
      const w = `${pct.toFixed(2)}%`;
      const seg = this.sevSeg.get(s) as HTMLElement;
      if (seg.style.width !== w) seg.style.width = w;
      setText(this.sevVal.get(s) as HTMLElement, `${fmtCount(g.bySeverity[s])} · ${Math.round(pct)}%`);
    }
    const catMax = Math.max(1, ...CATEGORY_LIST.map((c) => g.byCategory[c]));
    for (const c of CATEGORY_LIST) {
      const w = `scaleX(${(g.byCategory[c] / catMax).toFixed(4)})`;
      const f = this.catBar.get(c) as HTMLElement;
      if (f.style.transform !== w) f.style.transform = w;
      setText(this.catVal.get(c) as HTMLElement, fmtCount(g.byCategory[c]));
    }
  }
}
