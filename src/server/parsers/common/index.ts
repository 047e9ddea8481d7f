/**
 * Shared helpers for parsers: classification and severity tables for Snort/Suricata, addresses,
 * ports and endpoints, timestamps, JSON records, observer and details, text clipping and
 * ParseResult constructors. Stable API: other parsers import from here.
 */
export { CLASSTYPES, CRITICAL_CLASSTYPES, lookupClass, type ClassInfo } from './classtype.js';
export { NAME_PREFIXES, categorize, categoryFromName } from './category.js';
export { categoryFromWords } from './words.js';
export { severityFromPriority, signatureSeverity, type SeverityInput } from './severity.js';
export {
  addressAt, endpoint, hasPorts, ip, isUnspecified, normTransport, parsePort, port, splitHostPort, unspecifiedFor, type HostPort,
} from './endpoint.js';
export { clip, DETAIL_MAX, ERROR_MESSAGE_MAX, excerpt, fail, guard, skip } from './text.js';
export { snortTimeToIso } from './snorttime.js';
export { FAST_MAX_LINE, parseFastLine } from './fast.js';
export { actionFromSnort } from './snortaction.js';
export { own } from './table.js';
export { checkBoolean } from './options.js';
export { epochToIso, isoTime, monthNumber, offsetMs, wallTimeToEpoch, type WallTime } from './time.js';
export { isObject, parseObject, parseObjectMaybeSyslog, str, type JsonObject } from './json.js';
export { detailValue, observer, putDetail } from './event.js';
export { bracketField, signatureEvent, signatureRule, type RuleRef, type SignatureHit } from './signature.js';
