/**
 * The real `attackmap` command as a child process (`node bin/attackmap.js ...` from the
 * repository root, which runs the TypeScript sources through tsx when the build is stale):
 * exit codes, NDJSON on stdout, `FILE:LINE: CODE: message` diagnostics on stderr, stdin input,
 * year inference pinned by --now, and the geo and formats commands.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARSERS } from '../src/server/parsers/index.js';
import { SOURCE_TYPES } from '../src/server/sources/index.js';
import { validateIngest } from '../src/event/validate.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'bin', 'attackmap.js');
/** Each run starts Node and tsx (and geo may build its AS table once): generous on a busy machine. */
const SLOW = 180_000;

interface Run { code: number | null; stdout: string; stderr: string }

/** The caller's environment without ATTACKMAP_* settings, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ATTACKMAP_')) env[k] = v;
  return { ...env, ...extra };
}

/** Runs `attackmap ...args` with `input` on stdin; no ATTACKMAP_* settings leak in from the caller. */
function attackmap(args: string[], input?: string): Promise<Run> {
  const env = cleanEnv();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined); // the command may exit before reading stdin
    child.stdin.end(input ?? '');
  });
}

function ndjson(text: string): Record<string, unknown>[] {
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

// Our own EVE records: two alerts, a stats record (skipped), and a cut line between them.
const EVE_ALERT_1 = JSON.stringify({
  timestamp: '2026-11-24T10:15:02.123456+0000', flow_id: 1893412876512, in_iface: 'eth0', event_type: 'alert',
  src_ip: '45.148.10.240', src_port: 44321, dest_ip: '10.0.0.5', dest_port: 22, proto: 'TCP',
  alert: { action: 'allowed', gid: 1, signature_id: 2001219, rev: 20, signature: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 2 },
});
const EVE_ALERT_2 = JSON.stringify({
  timestamp: '2026-11-24T06:16:40.004-0400', flow_id: 1893412876999, event_type: 'alert',
  src_ip: '2a03:b0c0:0003:00d0:0000:0000:01a4:7001', src_port: 51000, dest_ip: '2001:db8:10::5', dest_port: 443, proto: 'TCP',
  alert: { action: 'blocked', gid: 1, signature_id: 2024897, rev: 3, signature: 'ET WEB_SERVER Possible CVE-2026-0001 Exploit', category: 'Web Application Attack', severity: 1 },
});
const EVE_STATS = JSON.stringify({ timestamp: '2026-11-24T10:15:10.000000+0000', event_type: 'stats', stats: { uptime: 120 } });
const EVE_CUT = '{"timestamp":"2026-11-24T10:15:11.000000+0000","event_type":"alert","src_ip":"45.14';
const EVE_FILE_TEXT = [EVE_ALERT_1, EVE_CUT, EVE_STATS, EVE_ALERT_2, ''].join('\n');

// Snort alert_fast: no year in the line, so --now decides it (Dec 30 seen in early January is last year).
const SNORT_FAST = '12/30-23:59:58.998877  [**] [1:2003:8] MS-SQL Worm propagation attempt [**] [Classification: Misc Attack] [Priority: 2] {UDP} 91.191.209.110:1434 -> 10.0.0.9:1434\n';

let dir: string;
let eveFile: string;
let snortFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'attackmap-cli-'));
  eveFile = join(dir, 'eve.json');
  snortFile = join(dir, 'alert_fast.txt');
  writeFileSync(eveFile, EVE_FILE_TEXT);
  writeFileSync(snortFile, SNORT_FAST);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('attackmap command', () => {
  it('formats lists every registered parser and the source types', async () => {
    const r = await attackmap(['formats']);
    expect(r.code).toBe(0);
    for (const p of PARSERS) expect(r.stdout).toMatch(new RegExp(`^  ${p.name}\\s+\\S`, 'm'));
    expect(r.stdout).toContain('intel-list');
    expect(r.stdout).toContain('dionaea-mhn');
    const types = /^Source types.*: (.*)$/m.exec(r.stdout)?.[1].split(', ');
    expect(types).toEqual(SOURCE_TYPES.map((s) => s.type));
  }, SLOW);

  it('parse prints valid NDJSON events and reports unreadable lines as FILE:LINE: CODE: message', async () => {
    const r = await attackmap(['parse', '--format', 'suricata-eve', eveFile]);
    expect(r.code).toBe(0);
    const events = ndjson(r.stdout);
    expect(events).toHaveLength(2);
    for (const e of events) {
      const v = validateIngest(structuredClone(e), { sensor: 'cli' });
      expect(v.ok ? 'ok' : `${v.code}: ${v.message}`).toBe('ok');
    }
    expect(events.map((e) => (e.source as { ip: string }).ip)).toEqual(['45.148.10.240', '2a03:b0c0:3:d0::1a4:7001']);
    expect(events[1].time).toBe('2026-11-24T10:16:40.004Z');
    expect(events[0].observer).toMatchObject({ name: 'cli' });
    expect(r.stderr).toContain(`${eveFile}:2: PARSE_NOT_JSON: `);
    expect(r.stderr.split('\n').filter((l) => /:\d+: [A-Z_]+: /.test(l))).toHaveLength(1);
    expect(r.stderr).toContain('2 events, 1 skipped, 1 unreadable');
  }, SLOW);

  it('parse reads stdin with - and names it in diagnostics', async () => {
    const r = await attackmap(['parse', '--format', 'suricata-eve', '--sensor', 'edge-1', '-'], EVE_FILE_TEXT);
    expect(r.code).toBe(0);
    const events = ndjson(r.stdout);
    expect(events).toHaveLength(2);
    expect(events.every((e) => (e.observer as { name: string }).name === 'edge-1')).toBe(true);
    expect(r.stderr).toMatch(/^-:2: PARSE_NOT_JSON: /m);
  }, SLOW);

  it('parse reads every FILE in order, each with its own framing: a cut last line never joins the next file', async () => {
    // Split inside one record: read as one stream the two halves would make a valid alert.
    const cut = EVE_ALERT_2.indexOf('"src_ip"');
    const first = join(dir, 'multi-a.json');
    const second = join(dir, 'multi-b.json');
    writeFileSync(first, `${EVE_ALERT_1}\n${EVE_ALERT_2.slice(0, cut)}`);
    writeFileSync(second, `${EVE_ALERT_2.slice(cut)}\n${EVE_STATS}\n${EVE_ALERT_2}\n`);
    const r = await attackmap(['parse', '--format', 'suricata-eve', first, second, eveFile]);
    expect(r.code).toBe(0);
    const ips = ndjson(r.stdout).map((e) => (e.source as { ip: string }).ip);
    expect(ips).toEqual(['45.148.10.240', '2a03:b0c0:3:d0::1a4:7001', '45.148.10.240', '2a03:b0c0:3:d0::1a4:7001']);
    const diagnostics = r.stderr.split('\n').filter((l) => /:\d+: [A-Z_]+: /.test(l)).map((l) => l.split(': ')[0]);
    expect(diagnostics).toEqual([`${first}:2`, `${second}:1`, `${eveFile}:2`]);
    expect(r.stderr).toContain(`${first}: 1 events, 0 skipped, 1 unreadable\n`);
    expect(r.stderr).toContain(`${second}: 1 events, 1 skipped, 1 unreadable\n`);
    expect(r.stderr).toContain(`${eveFile}: 2 events, 1 skipped, 1 unreadable\n`);
    expect(r.stderr).toContain('total of 3 files: 4 events, 2 skipped, 3 unreadable\n');
  }, SLOW);

  it('parse mixes stdin (-) with files; - twice is a usage error', async () => {
    const [mixed, twice] = await Promise.all([
      attackmap(['parse', '--format', 'suricata-eve', eveFile, '-'], EVE_ALERT_2 + '\n'),
      attackmap(['parse', '--format', 'suricata-eve', '-', eveFile, '-'], EVE_ALERT_2 + '\n'),
    ]);
    expect(mixed.code).toBe(0);
    expect(ndjson(mixed.stdout)).toHaveLength(3);
    expect(mixed.stderr).toMatch(/^-: 1 events, 0 skipped, 0 unreadable$/m);
    expect(mixed.stderr).toContain('total of 2 files: 3 events, 1 skipped, 1 unreadable');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('stdin (-) at most once');
    expect(twice.stdout).toBe('');
  }, SLOW);

  it('a FILE that cannot be read among several is named, exits 2, and the other files are still parsed', async () => {
    const absent = join(dir, 'absent-among-several.json');
    const r = await attackmap(['parse', '--format', 'suricata-eve', eveFile, absent, snortFile]);
    expect(r.code).toBe(2);
    expect(ndjson(r.stdout)).toHaveLength(2); // eve.json's events are kept
    expect(r.stderr).toContain(`attackmap: ${absent}: ENOENT`);
    expect(r.stderr).toContain(`${snortFile}: 0 events, 0 skipped, 1 unreadable`); // parsed after the missing one
    expect(r.stderr).toContain('total of 3 files (1 could not be read): 2 events, 1 skipped, 2 unreadable');
  }, SLOW);

  it("--sensor wins over the sensor name a record carries; without it the record's name stays", async () => {
    const line = JSON.stringify({
      eventid: 'cowrie.login.failed', timestamp: '2026-11-24T10:15:02.000000Z', session: 'c0ffee', src_ip: '45.148.10.240', src_port: 50000,
      dst_ip: '10.0.0.5', dst_port: 2222, protocol: 'ssh', sensor: 'hp-ams-1', username: 'root', password: '123456',
    }) + '\n';
    const [named, unnamed] = await Promise.all([
      attackmap(['parse', '--format', 'cowrie', '--sensor', 'canary-berlin', '-'], line),
      attackmap(['parse', '--format', 'cowrie', '-'], line),
    ]);
    expect(named.code).toBe(0);
    expect(ndjson(named.stdout).map((e) => (e.observer as { name: string }).name)).toEqual(['canary-berlin']);
    expect(unnamed.code).toBe(0);
    expect(ndjson(unnamed.stdout).map((e) => (e.observer as { name: string }).name)).toEqual(['hp-ams-1']);
  }, SLOW);

  it('--strict turns unreadable lines into exit 1; a clean input still exits 0', async () => {
    const [dirty, clean] = await Promise.all([
      attackmap(['parse', '--strict', '--format', 'suricata-eve', eveFile]),
      attackmap(['parse', '--strict', '--format', 'suricata-eve', '-'], EVE_ALERT_1 + '\n'),
    ]);
    expect(dirty.code).toBe(1);
    expect(ndjson(dirty.stdout)).toHaveLength(2); // the good events around the bad line are kept
    expect(clean.code).toBe(0);
    expect(ndjson(clean.stdout)).toHaveLength(1);
  }, SLOW);

  it('says why records were skipped, and hints at the format when none gave an event', async () => {
    const eve = (type: string) => JSON.stringify({ timestamp: '2026-11-25T10:00:00.000000+0000', event_type: type, src_ip: '81.2.69.142', dest_ip: '10.0.0.5' });
    const wrong = await attackmap(['parse', '--format', 'ecs', '-'], [eve('flow'), eve('dns'), eve('alert')].join('\n') + '\n');
    expect(wrong.code).toBe(0);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain('-: 0 events, 3 skipped, 0 unreadable');
    expect(wrong.stderr).toContain('  3 skipped: no source.ip: not a network event');
    expect(wrong.stderr).toContain('no record gave an event: if these are not ecs records');
    const right = await attackmap(['parse', '--format', 'suricata-eve', '-'], [eve('flow'), eve('flow'), eve('dns')].join('\n') + '\n');
    expect(right.stderr).toMatch(/ {2}2 skipped: .*flow/);
    expect(right.stderr).toMatch(/ {2}1 skipped: .*dns/);
  }, SLOW);

  it('usage errors exit 2 with a clear message', async () => {
    const [format, zone, now, json, checked, missing] = await Promise.all([
      attackmap(['parse', '--format', 'no-such-format', eveFile]),
      attackmap(['parse', '--format', 'suricata-eve', '--timezone', 'Mars/Olympus_Mons', eveFile]),
      attackmap(['parse', '--format', 'snort-fast', '--now', 'last tuesday', snortFile]),
      attackmap(['parse', '--format', 'json', '--options', '{"time": ', eveFile]),
      attackmap(['parse', '--format', 'intel-list', '--options', '{"minCount": -1}', '-'], '185.224.128.17\t4\n'),
      attackmap(['parse', '--format', 'suricata-eve', join(dir, 'absent.json')]),
    ]);
    expect([format.code, zone.code, now.code, json.code, checked.code, missing.code]).toEqual([2, 2, 2, 2, 2, 2]);
    expect(format.stderr).toContain('unknown format "no-such-format"');
    expect(zone.stderr).toContain('--timezone: unknown IANA zone "Mars/Olympus_Mons"');
    expect(now.stderr).toContain('--now: not a time: "last tuesday"');
    expect(json.stderr).toContain('--options: not JSON');
    expect(checked.stderr).toContain('--options: minCount:');
    expect(missing.stderr).toContain('absent.json');
    for (const r of [format, zone, now, json, checked, missing]) expect(r.stdout).toBe('');
  }, SLOW);

  it('--now pins year inference for snort-fast (Dec 30 read in early January is last year)', async () => {
    const [january, june] = await Promise.all([
      attackmap(['parse', '--format', 'snort-fast', '--now', '2027-01-02T08:00:00Z', snortFile]),
      attackmap(['parse', '--format', 'snort-fast', '--now', '2026-06-01T00:00:00Z', snortFile]),
    ]);
    expect(january.code).toBe(0);
    expect(ndjson(january.stdout).map((e) => e.time)).toEqual(['2026-12-30T23:59:58.998Z']);
    expect(june.code).toBe(0);
    expect(ndjson(june.stdout).map((e) => e.time)).toEqual(['2025-12-30T23:59:58.998Z']);
  }, SLOW);

  it('--timezone reads naive times in that zone', async () => {
    const r = await attackmap(['parse', '--format', 'snort-fast', '--now', '2027-01-02T08:00:00Z', '--timezone', 'Europe/Berlin', snortFile]);
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout).map((e) => e.time)).toEqual(['2026-12-30T22:59:58.998Z']);
  }, SLOW);

  it('intel-list from stdin: events at --now with no target, comments skipped', async () => {
    const list = '# offenders\n185.224.128.17\t9\n45.135.232.0/24\n5.188.206[.]14\n';
    const r = await attackmap(['parse', '--format', 'intel-list', '--now', '2026-11-24T06:30:00Z', '--options', '{"feed":"IPsum"}', '-'], list);
    expect(r.code).toBe(0);
    const events = ndjson(r.stdout);
    expect(events.map((e) => [(e.source as { ip: string }).ip, e.severity, e.time, (e.destination as { ip: string }).ip, (e.rule as { name: string }).name])).toEqual([
      ['185.224.128.17', 'critical', '2026-11-24T06:30:00.000Z', '0.0.0.0', 'IPsum'],
      ['5.188.206.14', 'medium', '2026-11-24T06:30:00.000Z', '0.0.0.0', 'IPsum'],
    ]);
    expect(r.stderr).toContain('2 events, 2 skipped, 0 unreadable');
  }, SLOW);

  it('geo prints one JSON line per argument: a location, then an error code', async () => {
    const r = await attackmap(['geo', '81.2.69.142', 'not-an-ip']);
    expect(r.code).toBe(1); // some input was not an address
    const lines = ndjson(r.stdout);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ ip: '81.2.69.142', country: 'GB' });
    expect(lines[1]).toMatchObject({ input: 'not-an-ip', error: 'EVENT_BAD_IP' });
  }, SLOW);

  it('geo --info lists the databases with their licences', async () => {
    const r = await attackmap(['geo', '--info']);
    expect(r.code).toBe(0);
    const [info] = ndjson(r.stdout);
    const dbs = info.databases as Array<{ kind: string; licence: string }>;
    expect(dbs.map((d) => d.kind)).toEqual(expect.arrayContaining(['city', 'asn']));
    for (const d of dbs) expect(d.licence).toMatch(/\S/);
  }, SLOW);

  it('serve says what is unset or unused, answers HTTP, and stops cleanly on SIGTERM', async () => {
    const data = join(dir, 'serve-data');
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data], {
      cwd: root, env: cleanEnv({ ATTACKMAP_REDIS_URL: 'redis://127.0.0.1:1' }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        const m = /serving (http:\/\/\S+)/.exec(stdout);
        if (m && stdout.includes('redis.url')) resolveUrl(m[1]);
      });
      void exited.then((code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    try {
      expect(stdout).toContain('ingest: no token configured');
      expect(stdout).toContain('redis.url: reserved for several nodes');
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('SIGTERM, stopping');
    // The server logs JSON lines on stderr: nothing above info while starting and stopping.
    const levels = stderr.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { level: string }).level);
    expect(levels.length).toBeGreaterThan(0);
    expect(levels.filter((l) => l !== 'info')).toEqual([]);
  }, SLOW);

  it('help prints usage and exits 0; no command exits 2; an unknown command exits 2', async () => {
    const [help, none, unknown] = await Promise.all([attackmap(['help']), attackmap([]), attackmap(['frobnicate'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage:');
    for (const cmd of ['serve', 'parse', 'geo', 'formats']) expect(help.stdout).toContain(`attackmap ${cmd}`);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage:');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  }, SLOW);
});
