/**
 * Severity from Snort/Suricata priority (1 = highest): 1 → high, 2 → medium,
 * 3 and above → low; `critical` only from CRITICAL_CLASSTYPES or rule metadata
 * `signature_severity: Critical` (the Emerging Threats metadata key, see
 * https://community.emergingthreats.net/t/signature-metadata/96 ).
 */
import type { Severity } from '../../../event/schema.js';
import { CRITICAL_CLASSTYPES, lookupClass } from './classtype.js';

/** Severity for a priority number; 0, negatives, NaN and undefined mean "unset" → undefined. */
export function severityFromPriority(priority: number | undefined | null): Severity | undefined {
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1) return undefined;
  if (priority === 1) return 'high';
  if (priority === 2) return 'medium';
  return 'low';
}

export interface SeverityInput {
  /** The priority/severity the sensor printed (1 = highest; 0 or absent = unset). */
  priority?: number | null;
  /** classtype short name or description. */
  classtype?: string | null;
  /** Value(s) of the rule's `signature_severity` metadata, if any. */
  signatureSeverity?: string | readonly string[] | null;
}

/**
 * Severity of a signature event. An unset priority (0 / absent) falls back to the class's default
 * priority from classification.config, then to `low`. A high event becomes `critical` when its
 * class is in CRITICAL_CLASSTYPES; any event with signature_severity "Critical" is `critical`.
 */
export function signatureSeverity(input: SeverityInput): Severity {
  const cls = lookupClass(input.classtype);
  const sevMeta = input.signatureSeverity;
  const metas = typeof sevMeta === 'string' ? [sevMeta] : Array.isArray(sevMeta) ? sevMeta : [];
  if (metas.some((m) => typeof m === 'string' && m.trim().toLowerCase() === 'critical')) return 'critical';
  const base = severityFromPriority(input.priority) ?? severityFromPriority(cls?.priority) ?? 'low';
  if (base === 'high' && cls && CRITICAL_CLASSTYPES.has(cls.name)) return 'critical';
  return base;
}
