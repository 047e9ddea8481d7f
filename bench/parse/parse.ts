/**
 * Parse throughput on one core: generates a file of realistic Suricata EVE lines (alerts with
 * http/tls/metadata, plus flow/dns/stats records that are skipped, as in a real eve.json),
 * then times framing alone, the suricata-eve parser alone, and both together.
 *
 *   npx tsx bench/parse/parse.ts [lines=500000]
 *
 * Target: >= 100,000 lines/s for framing + parse. Prints figures; nothing is asserted.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Framer } from '../../src/server/sources/framing.js';
import { suricataEve } from '../../src/server/parsers/suricata-eve/parser.js';
import { snortFast } from '../../src/server/parsers/snort-fast/parser.js';
import type { ParseContext } from '../../src/server/parsers/types.js';

const LINES = Number(process.argv[2] ?? 500_000);
const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'out');
mkdirSync(outDir, { recursive: true });

let seed = 12345;
function rnd(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const ip4 = () => `${1 + Math.floor(rnd() * 222)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;

const SIGS = [
  [2001219, 'ET SCAN Potential SSH Scan', 'Attempted Information Leak', 2],
  [2034647, 'ET EXPLOIT Apache log4j RCE Attempt (http ldap) (CVE-2021-44228)', 'Attempted Administrator Privilege Gain', 1],
  [2047701, 'ET MALWARE Win32/Lumma Stealer Activity (POST)', 'A Network Trojan was detected', 1],
  [2402000, 'ET DROP Dshield Block Listed Source group 1', 'Misc Attack', 2],
  [2210045, 'SURICATA STREAM Packet with invalid ack', 'Generic Protocol Command Decode', 3],
  [2008578, 'ET SCAN Sipvicious Scan', 'Attempted Information Leak', 2],
  [2019401, 'ET POLICY SSH session in progress on Unusual Port', 'Potential Corporate Privacy Violation', 1],
] as const;

/** Share of alert records; the rest are flow and dns records (skipped). */
let alertShare = 0.8;

function eveLine(i: number): string {
  const t = new Date(Date.UTC(2026, 1, 28, 0, 0, 0) + i * 7).toISOString().replace('Z', '000+0000');
  const flow = 1_000_000_000_000_000 + Math.floor(rnd() * 8_000_000_000_000_000);
  const k = rnd();
  const nonAlert = k >= alertShare;
  if (nonAlert && rnd() < 0.75) {
    return `{"timestamp":"${t}","flow_id":${flow},"event_type":"flow","src_ip":"${ip4()}","src_port":${1024 + Math.floor(rnd() * 60000)},"dest_ip":"10.0.0.${1 + Math.floor(rnd() * 250)}","dest_port":443,"proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":12,"pkts_toclient":10,"bytes_toserver":1800,"bytes_toclient":9100,"start":"${t}","end":"${t}","age":0,"state":"closed","reason":"timeout","alerted":false}}`;
  }
  if (nonAlert) {
    return `{"timestamp":"${t}","flow_id":${flow},"event_type":"dns","src_ip":"10.0.0.5","src_port":53312,"dest_ip":"9.9.9.9","dest_port":53,"proto":"UDP","dns":{"type":"query","id":${Math.floor(rnd() * 65535)},"rrname":"host${i}.example.org","rrtype":"A","tx_id":0}}`;
  }
  const [sid, sig, cls, sev] = pick(SIGS);
  const http = rnd() < 0.4
    ? `,"http":{"hostname":"10.0.0.80","url":"/index.php?id=${i}&q=%27%20OR%201%3D1--","http_user_agent":"Mozilla/5.0 (X11; Linux x86_64) zgrab/0.x","http_method":"GET","protocol":"HTTP/1.1","status":404,"length":162},"app_proto":"http"`
    : ',"app_proto":"failed"';
  return `{"timestamp":"${t}","flow_id":${flow},"in_iface":"enp3s0","event_type":"alert","src_ip":"${ip4()}","src_port":${1024 + Math.floor(rnd() * 60000)},"dest_ip":"10.0.0.${1 + Math.floor(rnd() * 250)}","dest_port":${pick([22, 80, 443, 445, 3389, 5060, 8080])},"proto":"TCP","community_id":"1:${Buffer.from(String(flow)).toString('base64')}","alert":{"action":"allowed","gid":1,"signature_id":${sid},"rev":${1 + Math.floor(rnd() * 9)},"signature":"${sig}","category":"${cls}","severity":${sev},"metadata":{"attack_target":["Server"],"created_at":["2019_01_01"],"signature_severity":["Major"],"updated_at":["2024_05_01"]}}${http},"flow":{"pkts_toserver":3,"pkts_toclient":1,"bytes_toserver":320,"bytes_toclient":66,"start":"${t}"}}`;
}

const file = join(outDir, `eve-${LINES}.json`);
{
  const parts: string[] = [];
  for (let i = 0; i < LINES; i++) parts.push(eveLine(i));
  writeFileSync(file, parts.join('\n') + '\n');
}
const text = readFileSync(file, 'utf8');
console.log(`load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
console.log(`generated ${LINES} EVE lines, ${(text.length / 1e6).toFixed(1)} MB: ${file}`);

const ctx: ParseContext = { now: new Date('2026-03-01T12:00:00Z'), timezone: 'UTC', sensor: 'bench' };
const CHUNK = 64 * 1024;

function frame(): string[] {
  const f = new Framer('line');
  const out: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) for (const r of f.push(text.slice(i, i + CHUNK))) out.push(r.text);
  for (const r of f.end()) out.push(r.text);
  return out;
}

/**
 * Wall-clock rate and CPU-time rate. On a shared machine the wall figure reflects the load; the
 * CPU figure (user+system time of this single-threaded process) is the one-core throughput.
 */
function time<T>(label: string, n: number, fn: () => T): T {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const v = fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  console.log(`${label.padEnd(34)} ${(n / s).toFixed(0).padStart(9)} lines/s wall  ${(n / cpu).toFixed(0).padStart(9)} lines/s cpu  (${s.toFixed(2)} s wall, ${cpu.toFixed(2)} s cpu)`);
  return v;
}

// Warm-up so the JIT has seen the code paths.
{ const f = frame().slice(0, 20_000); for (const r of f) suricataEve.parse(r, ctx); }

const records = time('framing (64 KiB chunks)', LINES, frame);
const counts = time('suricata-eve parse', LINES, () => {
  const c = { events: 0, skip: 0, error: 0 };
  for (const r of records) c[suricataEve.parse(r, ctx).kind]++;
  return c;
});
time('framing + suricata-eve parse', LINES, () => {
  const f = new Framer('line');
  let n = 0;
  for (let i = 0; i < text.length; i += CHUNK) for (const r of f.push(text.slice(i, i + CHUNK))) { suricataEve.parse(r.text, ctx); n++; }
  for (const r of f.end()) { suricataEve.parse(r.text, ctx); n++; }
  return n;
});
console.log(`results: events=${counts.events} skipped=${counts.skip} errors=${counts.error}`);

// A sensor's full eve.json is mostly flow/dns/tls: 10 % alerts, the rest skipped before JSON.parse.
alertShare = 0.1;
const mixed = Array.from({ length: 200_000 }, (_, i) => eveLine(i));
time('suricata-eve parse, 10 % alerts', mixed.length, () => { for (const l of mixed) suricataEve.parse(l, ctx); });

// Snort alert_fast for comparison (line layout, no JSON).
const fastLines = records.slice(0, 200_000).map((_, i) =>
  `02/28-10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1e6).padStart(6, '0')}  [**] [1:2001219:20] ET SCAN Potential SSH Scan [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} ${ip4()}:${1024 + (i % 60000)} -> 10.0.0.${1 + (i % 250)}:22`);
time('snort-fast parse (200k lines)', fastLines.length, () => { for (const l of fastLines) snortFast.parse(l, ctx); });
