#!/usr/bin/env node
// Runs the built command (dist/server/bin.js). In a source checkout whose build is missing or
// older than the sources, runs the TypeScript sources through tsx instead, so a stale build
// never answers.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { isStale } from '../scripts/freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'server', 'bin.js');
const fromSource = existsSync(join(root, 'src', 'server')) && isStale(root, 'server');
if (!fromSource && existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'server', 'bin.ts')).href);
}
