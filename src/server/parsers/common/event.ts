/**
 * Pieces of the event every parser builds: the observer and attacker-text details.
 */
import type { Observer } from '../../../event/schema.js';
import type { ParseContext } from '../types.js';
import { clip } from './text.js';

/**
 * observer for an event: `name` when it has non-blank text (the record's own sensor name),
 * else ctx.sensor; ctx.sensor always when ctx.sensorFixed (the user named the sensor). Name cut
 * to the schema's 200 units, product to 100; ctx.site when set.
 */
export function observer(name: string | undefined, product: string, ctx: ParseContext): Observer {
  const own = !ctx.sensorFixed && name && name.trim() ? name : undefined;
  const o: Observer = { name: clip(own ?? ctx.sensor, 200), product: clip(product, 100) };
  if (ctx.site) o.site = ctx.site;
  return o;
}

/** Puts a value into details when it is a string (clipped to MAX_TEXT, empty text kept) or a finite number. */
export function putDetail(d: Record<string, string | number>, key: string, v: unknown): void {
  if (typeof v === 'string') d[key] = clip(v);
  else if (typeof v === 'number' && Number.isFinite(v)) d[key] = v;
}

/**
 * A JSON value as a detail: text clipped to MAX_TEXT, a finite number as is, a boolean as text,
 * anything else (object, array, non-finite number) as clipped JSON text; undefined for null or
 * undefined.
 */
export function detailValue(v: unknown): string | number | undefined {
  if (typeof v === 'string') return clip(v);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return undefined;
  try {
    const json = JSON.stringify(v);
    return json === undefined ? undefined : clip(json);
  } catch {
    return undefined;
  }
}
