import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, envOverrides, loadConfig } from './load.js';
import { CodedError } from '../../event/errors.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof CodedError ? `${e.code}: ${e.message}` : `other: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('configuration', () => {
  it('has safe defaults: loopback, port 8080, ./data, no ingest token', () => {
    const c = buildConfig({});
    expect(c.server).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: './data' });
    expect(c.ingest.token).toBeUndefined();
    expect(c.ingest.maxBodyBytes).toBe(5 * 1024 * 1024);
    expect(c.access.mode).toBe('open');
  });

  it('layers file < environment < CLI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'am-config-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'server:\n  port: 9000\n  host: 0.0.0.0\ningest:\n  token: file-token-123\n');
    const c = loadConfig({ file, env: { ATTACKMAP_SERVER_PORT: '9100', ATTACKMAP_INGEST_MAXBODYBYTES: '2048' }, cli: { server: { port: 9200 } } });
    expect(c.server.port).toBe(9200);
    expect(c.server.host).toBe('0.0.0.0');
    expect(c.ingest.token).toBe('file-token-123');
    expect(c.ingest.maxBodyBytes).toBe(2048);
    expect(loadConfig({ file, env: { ATTACKMAP_INGEST_TOKEN: 'env-token-456' } }).ingest.token).toBe('env-token-456');
  });

  it('names the offending key', () => {
    expect(codeOf(() => buildConfig({ file: { server: { port: 70000 } } }))).toMatch(/^CONFIG_INVALID: server\.port/);
    expect(codeOf(() => buildConfig({ file: { server: { prot: 1 } } }))).toMatch(/^CONFIG_INVALID: server/);
    expect(codeOf(() => buildConfig({ file: { sites: [{ name: 'x', lat: 200, lon: 0 }] } }))).toMatch(/^CONFIG_INVALID: sites\[0\]\.lat/);
    expect(codeOf(() => buildConfig({ file: { access: { mode: 'closed' } } }))).toBe('CONFIG_INVALID: access.mode: must be one of open, public (got "closed")');
    expect(codeOf(() => envOverrides({ ATTACKMAP_SERVER_NOPE: '1' }))).toMatch(/^CONFIG_INVALID: ATTACKMAP_SERVER_NOPE/);
    expect(codeOf(() => buildConfig({ env: envOverrides({ ATTACKMAP_SERVER_PORT: 'eighty' }) }))).toMatch(/^CONFIG_INVALID: server\.port/);
  });

  it('reports an unreadable or malformed file with its own code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'am-config-'));
    expect(codeOf(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }))).toMatch(/^CONFIG_UNREADABLE/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'server: [unclosed\n');
    expect(codeOf(() => loadConfig({ file: bad, env: {} }))).toMatch(/^CONFIG_UNREADABLE/);
    writeFileSync(bad, '- a list\n');
    expect(codeOf(() => loadConfig({ file: bad, env: {} }))).toMatch(/^CONFIG_UNREADABLE: .*mapping/);
  });
});
