/**
 * Backlog drain: a file of `--lines` EVE alerts already on disk, read from the beginning by the
 * `file` source through the real server; reports events stored per second until all are in.
 * Runs once per `--inflight` value (comma list) so that the settings meet the same conditions.
 *
 *   npx tsx bench/file-path/backlog.ts [--lines 60000] [--inflight 1,4]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildConfig } from '../../src/server/config/load.js';
import { startServer } from '../../src/server/main.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '60000' }, inflight: { type: 'string', default: '1,4' } } });
const n = Number(values.lines);
const line = (i: number) => JSON.stringify({ timestamp: '2026-11-25T10:00:00.000000+0000', flow_id: 1500000000000000 + i, event_type: 'alert', src_ip: ['218.92.0.112', '45.55.40.9', '80.82.77.33', '5.9.120.4'][i % 4], src_port: 1024 + (i % 60000), dest_ip: '10.0.0.5', dest_port: 22, proto: 'TCP', alert: { action: 'allowed', gid: 1, signature_id: 2001219, rev: 20, signature: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 2 } });
const text = Array.from({ length: n }, (_, i) => line(i)).join('\n') + '\n';
for (const inflight of values.inflight!.split(',').map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), 'am-bench-backlog-'));
  const file = join(dir, 'eve.json');
  writeFileSync(file, text);
  const server = await startServer(buildConfig({ file: {
    server: { port: 0, dataDir: join(dir, 'data') },
    sources: [{ type: 'file', name: 'eve', path: file, format: 'suricata-eve', startAt: 'beginning', pollMs: 50, maxInflight: inflight }],
  } }), { logLine: () => {} });
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  while (Number(server.log.lastId() ?? 0) < n && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
  const s = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ date: new Date().toISOString(), inflight, lines: n, stored: Number(server.log.lastId() ?? 0), seconds: s, eventsPerSecond: Math.round(n / s), eventsPerCpuSecond: Math.round(n / ((cpu.user + cpu.system) / 1e6)), load: loadavg()[0].toFixed(1) }));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
