/**
 * The file source through the real server: real SQLite log, real suricata-eve parser and
 * enrichment. A restart in the middle of a half-written line must neither lose nor double a line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPipeline, type PipelineServer } from '../testkit.js';

const dirs: string[] = [];
const servers: PipelineServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** One EVE alert, numbered through its signature id so every stored event is identifiable. */
function alert(n: number): string {
  return JSON.stringify({
    timestamp: `2026-11-25T09:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}.120000+0000`,
    flow_id: 1200000000000000 + n, in_iface: 'eth0', event_type: 'alert',
    src_ip: '218.92.0.112', src_port: 40000 + (n % 20000), dest_ip: '10.0.0.5', dest_port: 22, proto: 'TCP',
    alert: { action: 'allowed', gid: 1, signature_id: 3000000 + n, rev: 1, signature: `ET SCAN Potential SSH Scan <#${n}>`, category: 'Attempted Information Leak', severity: 2 },
  });
}

async function serve(dataDir: string, path: string): Promise<PipelineServer> {
  const s = await startPipeline({
    sites: [{ name: 'Frankfurt', lat: 50.11, lon: 8.68 }],
    sources: [{ type: 'file', name: 'eve', path, format: 'suricata-eve', site: 'Frankfurt', startAt: 'beginning', pollMs: 20 }],
  }, { dataDir });
  servers.push(s);
  return s;
}

async function waitForCount(s: PipelineServer, n: number, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while (s.log.recent(n + 10).length < n) {
    if (Date.now() - t0 > ms) throw new Error(`expected ${n} events, have ${s.log.recent(n + 10).length}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('file source through the real pipeline', () => {
  it('stores each line exactly once across a restart mid-line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'attackmap-filepipe-'));
    dirs.push(dataDir);
    const path = join(dataDir, 'eve.json');
    writeFileSync(path, Array.from({ length: 50 }, (_, i) => alert(i)).join('\n') + '\n' + alert(50).slice(0, 40));

    const a = await serve(dataDir, path);
    await waitForCount(a, 50);
    const first = a.log.recent(100);
    expect(first[0]).toMatchObject({ observer: { name: 'eve', site: 'Frankfurt' }, source: { ip: '218.92.0.112' } });
    expect(first[0].source.geo?.country).toBe('CN');
    await a.close();
    servers.splice(0);

    appendFileSync(path, alert(50).slice(40) + '\n' + Array.from({ length: 30 }, (_, i) => alert(51 + i)).join('\n') + '\n');
    const b = await serve(dataDir, path);
    await waitForCount(b, 81);
    await new Promise((r) => setTimeout(r, 200));
    const all = b.log.recent(1000);
    const ids = all.map((e) => Number(e.rule.id?.split(':')[1]) - 3000000).sort((x, y) => x - y);
    expect(ids).toEqual(Array.from({ length: 81 }, (_, i) => i));
    expect(all.find((e) => e.rule.id?.split(':')[1] === '3000050')!.rule.name).toBe('ET SCAN Potential SSH Scan <#50>');
  });

  it("a source's own sensor: wins over the name in the records; without it the records' names stay", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'attackmap-filepipe-'));
    dirs.push(dataDir);
    // OpenCanary writes its default node_id unless someone changes it.
    const canary = (src: string) => JSON.stringify({
      dst_host: '10.40.0.9', dst_port: 21, local_time: '2026-02-28 16:00:00.111111', logdata: { USERNAME: 'admin', PASSWORD: 'x' },
      logtype: 2000, node_id: 'opencanary-0', src_host: src, src_port: 50010,
    }) + '\n';
    const named = join(dataDir, 'named.log');
    const unnamed = join(dataDir, 'unnamed.log');
    writeFileSync(named, canary('81.2.69.142'));
    writeFileSync(unnamed, canary('81.2.69.160'));
    const s = await startPipeline({
      sources: [
        { type: 'file', name: 'berlin', sensor: 'canary-berlin', path: named, format: 'opencanary', startAt: 'beginning', pollMs: 20 },
        { type: 'file', name: 'tpot', path: unnamed, format: 'opencanary', startAt: 'beginning', pollMs: 20 },
      ],
    }, { dataDir });
    servers.push(s);
    await waitForCount(s, 2);
    const bySource = Object.fromEntries(s.log.recent(10).map((e) => [e.source.ip, e.observer.name]));
    expect(bySource).toEqual({ '81.2.69.142': 'canary-berlin', '81.2.69.160': 'opencanary-0' });
  });

  it('the demo source feeds the server when demo is enabled', async () => {
    const s = await startPipeline({ demo: { enabled: true, rate: 200, seed: 4 } });
    servers.push(s);
    await waitForCount(s, 20);
    const events = s.log.recent(20);
    const sited = events.filter((e) => e.category !== 'intel');
    expect(sited.length).toBeGreaterThan(0);
    for (const e of sited) {
      expect(['Frankfurt', 'Virginia', 'Singapore']).toContain(e.observer.site);
      expect(e.source.geo).toBeTruthy();
    }
  });
});
