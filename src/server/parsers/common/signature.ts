/**
 * The event of a Snort/Suricata signature match, shared by alert_fast, alert_full, alert_csv,
 * Snort 3 alert_json and (its rule) Suricata EVE: rule id `gid:sid`, category from classtype and
 * rule name, severity from priority (1 = highest, 0 = unset) and classtype.
 */
import type { Action, IngestEvent } from '../../../event/schema.js';
import type { ParseContext } from '../types.js';
import { categorize } from './category.js';
import { observer } from './event.js';
import { signatureSeverity } from './severity.js';
import { clip } from './text.js';

export interface RuleRef {
  /** The rule message; when empty the rule is named `sid N`. */
  msg: string;
  /** Generator id; 1 when absent. */
  gid?: number;
  /** Signature id; without it the rule has no id. */
  sid?: number;
  rev?: number;
}

/** event.rule for a signature: name clipped to MAX_TEXT, id `gid:sid` (gid default 1). */
export function signatureRule(r: RuleRef): IngestEvent['rule'] {
  const rule: IngestEvent['rule'] = { name: clip(r.msg !== '' ? r.msg : `sid ${r.sid}`) };
  if (r.sid !== undefined) rule.id = `${r.gid ?? 1}:${r.sid}`;
  if (r.rev !== undefined) rule.rev = r.rev;
  return rule;
}

export interface SignatureHit extends RuleRef {
  /** ISO-8601 UTC. */
  time: string;
  /** observer.product ("snort", "suricata"). */
  product: string;
  /** classtype short name or description; absent for "(null)"/"none". */
  classtype?: string;
  /** The printed priority (1 = highest; 0 or absent = unset). */
  priority?: number;
  action: Action;
  source: IngestEvent['source'];
  destination: IngestEvent['destination'];
}

/** The event of one signature match; details holds the classtype (200 units) when there is one. */
export function signatureEvent(h: SignatureHit, ctx: ParseContext): IngestEvent {
  const ev: IngestEvent = {
    time: h.time,
    observer: observer(undefined, h.product, ctx),
    category: categorize(h.classtype, h.msg),
    severity: signatureSeverity({ priority: h.priority, classtype: h.classtype }),
    action: h.action,
    rule: signatureRule(h),
    source: h.source,
    destination: h.destination,
    count: 1,
  };
  if (h.classtype) ev.details = { classtype: clip(h.classtype, 200) };
  return ev;
}

/** The text of the first `[Key: value]` block (`key` = "[Key:") in `s`, trimmed, or undefined. */
export function bracketField(s: string, key: string): string | undefined {
  const i = s.indexOf(key);
  if (i < 0) return undefined;
  const end = s.indexOf(']', i + key.length);
  return end < 0 ? undefined : s.slice(i + key.length, end).trim();
}
