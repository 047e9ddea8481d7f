/**
 * Shared helpers for parsers: classification and severity tables for Snort/Suricata, address and
 * port splitting, Snort timestamps, text clipping and ParseResult constructors. Stable API: other
 * parsers import from here.
 */
export { CLASSTYPES, CRITICAL_CLASSTYPES, lookupClass, type ClassInfo } from './classtype.js';
export { NAME_PREFIXES, categorize, categoryFromName } from './category.js';
export { severityFromPriority, signatureSeverity, type SeverityInput } from './severity.js';
export { hasPorts, normTransport, parsePort, splitHostPort, type HostPort } from './endpoint.js';
export { clip, clipDetail, DETAIL_MAX, ERROR_MESSAGE_MAX, excerpt, fail, guard, skip } from './text.js';
export { snortTimeToIso } from './snorttime.js';
export { FAST_MAX_LINE, parseFastLine } from './fast.js';
export { actionFromSnort } from './snortaction.js';
export { own } from './table.js';
