/**
 * Starts one of the event log's worker threads by its module name (`writer-worker`,
 * `export-worker`). Built (dist/server), each is a file of its own beside the bundle; from
 * TypeScript sources (tests, tsx) a thread does not inherit the loader that compiles TypeScript,
 * so a small bootstrap registers tsx's loader first and then imports the module from beside this
 * file. Throws when a build lacks the module's file, so a caller can say so or fall back.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startThread(name: string, options: WorkerOptions = {}): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    const entry = new URL(`./${name}.js`, here);
    if (!existsSync(fileURLToPath(entry))) throw new Error(`worker module missing: ${fileURLToPath(entry)}`);
    return new Worker(entry, options);
  }
  const api = pathToFileURL(createRequire(here).resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  const target = new URL(`./${name}.ts`, here).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
