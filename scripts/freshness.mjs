// Whether the build in dist/ is older than the sources it was made from.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when dist/<part> is missing or older than its sources (src/, package.json, vite config). */
export function isStale(root, part) {
  const stamp = join(root, 'dist', part === 'web' ? 'web/index.html' : 'server/bin.js');
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const sources = part === 'web'
    ? [join(root, 'src', 'web'), join(root, 'src', 'event'), join(root, 'vite.config.ts')]
    : [join(root, 'src', 'server'), join(root, 'src', 'event')];
  return sources.some((s) => (existsSync(s) && statSync(s).isFile() ? statSync(s).mtimeMs : newestMtime(s)) > built);
}
