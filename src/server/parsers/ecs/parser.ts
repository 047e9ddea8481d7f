/**
 * Elastic Common Schema documents, one JSON object per line, as Filebeat, Logstash, Vector or an
 * Elasticsearch export write them; fields nested (`{"source":{"ip":..}}`) or dotted
 * (`{"source.ip":..}`) alike. See README.md for the field table and the classification order.
 */
import type { Action, Category, IngestEvent, Severity } from '../../../event/schema.js';
import { SEVERITIES } from '../../../event/schema.js';
import { parseIsoLike } from '../../../event/time.js';
import {
  categorize, categoryFromWords, clip, endpoint, epochToIso, excerpt, fail, guard, ip as canonical, normTransport, observer, own, parseObject,
  port, signatureSeverity, skip, unspecifiedFor, type JsonObject,
} from '../common/index.js';
import { getPath } from '../json/fields.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

/** First string of a value that ECS allows to be a keyword or an array of keywords. */
function text(o: JsonObject, path: string): string | undefined {
  const v = getPath(o, path);
  if (typeof v === 'string') return v.length ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.find((x): x is string => typeof x === 'string' && x.length > 0);
  return undefined;
}

/** All lower-cased strings of a keyword or keyword-array field. */
function words(o: JsonObject, path: string): string[] {
  const v = getPath(o, path);
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x): x is string => typeof x === 'string').slice(0, 32).map((x) => x.toLowerCase());
}

/** ECS `event.kind` values that describe no single event on the wire. */
const SKIP_KINDS = new Set(['metric', 'state', 'pipeline_error', 'enrichment']);

/** MITRE ATT&CK tactic → category. */
const TACTICS: Readonly<Record<string, Category>> = {
  reconnaissance: 'recon', discovery: 'recon', 'resource development': 'recon',
  'credential access': 'bruteforce',
  'initial access': 'exploit', execution: 'exploit', 'privilege escalation': 'exploit', persistence: 'exploit',
  'defense evasion': 'exploit', 'lateral movement': 'exploit', collection: 'exploit',
  'command and control': 'malware', exfiltration: 'malware',
  impact: 'dos',
};

/** IDS modules whose `event.severity` is the Snort/Suricata priority (1 = highest). */
const PRIORITY_PRODUCTS = /^(suricata|snort|zeek)$/i;

function categoryOf(o: JsonObject): Category {
  const cats = words(o, 'event.category');
  const types = words(o, 'event.type');
  const outcome = text(o, 'event.outcome')?.toLowerCase();
  if (cats.includes('malware')) return 'malware';
  if (cats.includes('authentication') && outcome === 'failure') return 'bruteforce';
  for (const t of words(o, 'threat.tactic.name')) {
    const c = own(TACTICS, t);
    if (c) return c;
  }
  const ruleName = text(o, 'rule.name') ?? text(o, 'kibana.alert.rule.name') ?? '';
  const byRule = categorize(text(o, 'rule.category'), ruleName);
  if (byRule !== 'other') return byRule;
  const byWord = categoryFromWords(`${text(o, 'rule.category') ?? ''} ${ruleName}`);
  if (byWord) return byWord;
  if (cats.includes('threat') || types.includes('indicator')) return 'intel';
  if (cats.includes('network') && (types.includes('denied') || types.includes('allowed'))) return 'policy';
  return 'other';
}

/**
 * Severity: a word (`kibana.alert.severity`, `event.severity_label`) as is; `event.severity` as
 * the IDS priority for Suricata/Snort/Zeek modules (or options.severityScale = "priority"),
 * otherwise as a 0-100 risk score in Elastic's bands (0-21 low, 22-47 medium, 48-73 high,
 * 74-100 critical); absent → medium for alerts and signals, low for plain events.
 */
function severityOf(o: JsonObject, kind: string | undefined, ctx: ParseContext): Severity | null {
  for (const p of ['kibana.alert.severity', 'signal.rule.severity', 'event.severity_label']) {
    const w = text(o, p)?.toLowerCase();
    if (w && (SEVERITIES as readonly string[]).includes(w)) return w as Severity;
  }
  const raw = getPath(o, 'event.severity') ?? getPath(o, 'kibana.alert.risk_score');
  if (raw === undefined || raw === null) return kind === 'alert' || kind === 'signal' ? 'medium' : 'low';
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < 0) return null;
  const product = text(o, 'event.module') ?? text(o, 'observer.product') ?? '';
  const scale = ctx.options?.severityScale ?? (PRIORITY_PRODUCTS.test(product) ? 'priority' : 'risk');
  // As the Snort/Suricata parsers read it: 0 is unset, rule.category is the classtype.
  if (scale === 'priority') return signatureSeverity({ priority: Math.trunc(n), classtype: text(o, 'rule.category') });
  if (n > 100) return null;
  return n < 22 ? 'low' : n < 48 ? 'medium' : n < 74 ? 'high' : 'critical';
}

function actionOf(o: JsonObject, kind: string | undefined): Action | undefined {
  const types = words(o, 'event.type');
  const act = text(o, 'event.action')?.toLowerCase() ?? '';
  if (types.includes('denied') || /\b(block|blocked|deny|denied|drop|dropped|reject|rejected|prevent(ed)?)\b/.test(act)) return 'blocked';
  // An IDS alert on traffic it let through is an alert, not an "allowed" policy decision.
  if (kind === 'alert' || kind === 'signal') return 'alert';
  if (types.includes('allowed') || /\b(allow|allowed|accept|accepted|pass|permit(ted)?)\b/.test(act)) return 'allowed';
  return undefined;
}

/** ECS fields copied to details: [path, detail key]. */
const DETAILS: ReadonlyArray<readonly [string, string]> = [
  ['message', 'message'], ['event.action', 'eventAction'], ['rule.category', 'ruleCategory'],
  ['user.name', 'user'], ['url.original', 'url'], ['url.full', 'url'], ['http.request.method', 'method'],
  ['user_agent.original', 'userAgent'], ['threat.tactic.name', 'tactic'], ['threat.technique.id', 'techniqueId'],
  ['threat.technique.name', 'technique'], ['file.name', 'file'], ['file.hash.sha256', 'sha256'],
  ['process.command_line', 'command'], ['dns.question.name', 'dnsQuery'], ['event.dataset', 'dataset'],
];

function parse(record: string, ctx: ParseContext): ParseResult {
  const p = parseObject(record);
  if (!p.ok) return p.result;
  const o = p.value;
  const kind = text(o, 'event.kind')?.toLowerCase();
  if (kind && SKIP_KINDS.has(kind)) return skip(`event.kind ${clip(kind, 20)}: not an event on the wire`);

  const srcText = text(o, 'source.ip') ?? text(o, 'source.address') ?? text(o, 'client.ip');
  if (!srcText) return skip('no source.ip: not a network event');
  const src = canonical(srcText);
  if (!src) return fail('PARSE_BAD_IP', `source.ip is not an IP address: ${excerpt(srcText)}`);
  const dstText = text(o, 'destination.ip') ?? text(o, 'destination.address') ?? text(o, 'server.ip');
  const dst = dstText === undefined ? unspecifiedFor(src) : canonical(dstText);
  if (!dst) return fail('PARSE_BAD_IP', `destination.ip is not an IP address: ${excerpt(dstText)}`);

  const cats = words(o, 'event.category');
  const outcome = text(o, 'event.outcome')?.toLowerCase();
  const ruleName = text(o, 'rule.name') ?? text(o, 'kibana.alert.rule.name');
  if (cats.includes('authentication') && outcome === 'success' && !ruleName) return skip('successful authentication');
  if (words(o, 'event.type').includes('allowed') && !ruleName && kind !== 'alert' && kind !== 'signal') {
    return skip('allowed traffic without a rule');
  }

  const ts = text(o, '@timestamp') ?? text(o, 'event.created');
  if (!ts) return fail('PARSE_MISSING_FIELD', '@timestamp is missing');
  const epoch = parseIsoLike(ts, ctx.timezone) ?? (/^\d{10,13}$/.test(ts) ? Number(ts) * (ts.length === 13 ? 1 : 1000) : null);
  const time = epoch === null ? null : epochToIso(epoch);
  if (!time) return fail('PARSE_BAD_TIME', `@timestamp is not ISO-8601: ${excerpt(ts)}`);

  const sport = port(getPath(o, 'source.port'));
  if (sport === false) return fail('PARSE_BAD_PORT', `source.port: ${excerpt(getPath(o, 'source.port'))}`);
  const dport = port(getPath(o, 'destination.port'));
  if (dport === false) return fail('PARSE_BAD_PORT', `destination.port: ${excerpt(getPath(o, 'destination.port'))}`);

  const severity = severityOf(o, kind, ctx);
  if (!severity) return fail('PARSE_BAD_VALUE', `event.severity is not a number 0-100: ${excerpt(getPath(o, 'event.severity'))}`);

  const product = text(o, 'observer.product') ?? text(o, 'event.module') ?? text(o, 'agent.type') ?? 'ecs';
  const sensor = text(o, 'observer.name') ?? text(o, 'observer.hostname') ?? text(o, 'host.name') ?? text(o, 'agent.name');
  const name = ruleName ?? text(o, 'event.action') ?? `${text(o, 'event.dataset') ?? text(o, 'event.module') ?? 'ecs'} event`;
  const ruleId = text(o, 'rule.id') ?? text(o, 'rule.uuid') ?? text(o, 'kibana.alert.rule.uuid');
  const event: IngestEvent = {
    time,
    observer: observer(sensor, clip(product, 100), ctx),
    category: categoryOf(o),
    severity,
    rule: ruleId ? { id: clip(ruleId, 100), name: clip(name) } : { name: clip(name) },
    source: endpoint(src, sport),
    destination: endpoint(dst, dport),
  };
  const action = actionOf(o, kind);
  if (action) event.action = action;
  const transport = text(o, 'network.transport');
  if (transport) event.transport = normTransport(transport);
  const proto = text(o, 'network.protocol')?.toLowerCase();
  const service = proto && /^[a-z][a-z0-9-]{0,19}$/.test(proto) ? proto : undefined;
  if (service) event.service = service;
  const details: Record<string, string | number> = {};
  for (const [path, key] of DETAILS) {
    if (details[key] !== undefined) continue;
    const v = text(o, path);
    if (v !== undefined) details[key] = clip(v);
  }
  if (Object.keys(details).length) event.details = details;
  return { kind: 'events', events: [event] };
}

export const ecsParser: Parser = {
  name: 'ecs',
  description: 'Elastic Common Schema JSON documents (Filebeat, Logstash, Vector, Elasticsearch exports), nested or dotted keys',
  framing: 'line',
  checkOptions(options) {
    const s = options.severityScale;
    if (s !== undefined && s !== 'priority' && s !== 'risk') return 'options.severityScale must be "priority" or "risk"';
    return null;
  },
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
