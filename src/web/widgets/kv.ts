/**
 * A key/value list (health panel, event details) with text-only values. The health list keeps
 * its elements and only updates text; details are re-filled on a click, never per event.
 */
import { el, setText } from './dom.js';

export class KeyValues {
  private vals = new Map<string, HTMLElement>();
  /** Rows whose value is a button: the button and what it runs now. */
  private actions = new Map<string, { button: HTMLButtonElement; run: () => void }>();
  constructor(private dl: HTMLElement) {}

  /** Sets one row, creating it the first time; `level` marks warnings for styling, `title` explains on hover. */
  set(label: string, value: string, level: '' | 'warn' | 'bad' = '', title = ''): void {
    const v = this.row(label);
    setText(v, value);
    if (v.dataset.level !== level) v.dataset.level = level;
    if (v.title !== title) v.title = title;
  }

  /**
   * Sets one row whose value, while `action` is given, is a button that opens a dialog (the
   * dead letters); without it the value is plain text again. The button is kept across updates.
   */
  setAction(label: string, value: string, level: '' | 'warn' | 'bad', title: string, action: (() => void) | null): void {
    let a = this.actions.get(label);
    if (!action) {
      if (a) { a.button.remove(); this.actions.delete(label); }
      this.set(label, value, level, title);
      return;
    }
    const v = this.row(label);
    if (!a) {
      const button = el('button', 'kv-action');
      button.type = 'button';
      button.setAttribute('aria-haspopup', 'dialog');
      button.addEventListener('click', () => this.actions.get(label)?.run());
      v.replaceChildren(button);
      v.title = '';
      a = { button, run: action };
      this.actions.set(label, a);
    }
    a.run = action;
    const b = a.button;
    setText(b, value);
    if (v.dataset.level !== level) v.dataset.level = level;
    if (b.title !== title) b.title = title;
  }

  /** The value element of a row, creating the row the first time. */
  private row(label: string): HTMLElement {
    let v = this.vals.get(label);
    if (!v) {
      const dt = el('dt', undefined, label);
      v = el('dd');
      this.dl.append(dt, v);
      this.vals.set(label, v);
    }
    return v;
  }

  /** Removes one row (a source whose problem has cleared). */
  remove(label: string): void {
    const v = this.vals.get(label);
    if (!v) return;
    v.previousElementSibling?.remove();
    v.remove();
    this.vals.delete(label);
    this.actions.delete(label);
  }

  /** Replaces all rows (details of one event). */
  replace(rows: [string, string][]): void {
    this.dl.replaceChildren();
    this.vals.clear();
    this.actions.clear();
    for (const [k, v] of rows) this.set(k, v);
  }
}
