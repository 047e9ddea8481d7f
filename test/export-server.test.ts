/**
 * History exports through the real server process (`node bin/attackmap.js serve`): the built
 * server in dist/ when the build is fresh (as scripts/test.sh leaves it: the export worker is then
 * dist/server/export-worker.js), else the TypeScript sources through tsx. Events go in through
 * POST /api/events and come back out of the export worker as CSV and NDJSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'export-server-test-token';
const SLOW = 180_000;
let child: ChildProcess;
let url: string;
let dir: string;
const ids: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'attackmap-export-server-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    server: { host: '127.0.0.1', port: 0, dataDir: join(dir, 'data') },
    ingest: { token: TOKEN },
  }));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ATTACKMAP_')) env[k] = v;
  child = spawn(process.execPath, [join(root, 'bin', 'attackmap.js'), 'serve', '--config', join(dir, 'config.json')], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  url = await new Promise<string>((resolveUrl, reject) => {
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /"url":"(http:\/\/[^"]+)"/.exec(err);
      if (m) resolveUrl(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err.slice(-1500)}`)));
  });
  // 3,000 events in batches, with text a spreadsheet would run.
  for (let b = 0; b < 6; b++) {
    const events = Array.from({ length: 500 }, (_, i) => ({
      time: new Date(Date.now() - 60_000 + b * 500 + i).toISOString(),
      category: 'bruteforce',
      severity: 'medium',
      rule: { name: i === 7 ? '=HYPERLINK("http://x")' : `ssh login failed ${i % 9}` },
      source: { ip: `198.51.100.${(i % 250) + 1}`, port: 40000 + i },
      destination: { ip: '203.0.113.5', port: 22 },
      observer: { name: 'sshd-test' },
    }));
    const res = await fetch(`${url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; ids?: string[] };
    expect(body.accepted).toBe(500);
  }
}, SLOW);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('exports from the server process', () => {
  it('streams every ingested event once, in id order, as NDJSON and CSV', async () => {
    const window = `from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`;
    const nd = await fetch(`${url}/api/events?format=ndjson&${window}`);
    expect(nd.status).toBe(200);
    const events = (await nd.text()).trim().split('\n').map((l) => JSON.parse(l) as { id: string; rule: { name: string } });
    expect(events).toHaveLength(3000);
    ids.push(...events.map((e) => e.id));
    expect(new Set(ids).size).toBe(3000);
    expect(ids.every((id, i) => i === 0 || Number(id) > Number(ids[i - 1]))).toBe(true);

    const csv = await fetch(`${url}/api/events?format=csv&${window}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0].startsWith('id,time,received,sensor,')).toBe(true);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ids);
    expect(lines.filter((l) => l.includes(`"'=HYPERLINK(""http://x"")"`))).toHaveLength(6);
  }, SLOW);
});
