// Builds the page (Vite → dist/web) and the server (esbuild → dist/server/bin.js, dependencies
// left external so native modules and data packages load from node_modules).
import { build as esbuild } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];

if (!only || only === 'web') {
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
if (!only || only === 'server') {
  rmSync(join(root, 'dist', 'server'), { recursive: true, force: true });
  await esbuild({
    // The event log's writer thread loads its own entry, emitted beside bin.js.
    entryPoints: [
      { in: join(root, 'src', 'server', 'bin.ts'), out: 'bin' },
      { in: join(root, 'src', 'server', 'store', 'sqlite', 'writer-worker.ts'), out: 'writer-worker' },
      // History exports run in worker threads too (see store/sqlite/export.ts).
      { in: join(root, 'src', 'server', 'store', 'sqlite', 'export-worker.ts'), out: 'export-worker' },
    ],
    outdir: join(root, 'dist', 'server'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The server (fastify, SQLite, GeoIP) is a chunk of its own that only `serve` loads, so the
    // other commands start without it.
    splitting: true,
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}
