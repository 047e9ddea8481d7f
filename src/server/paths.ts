/** Locations inside the installed package, found from this file whether run from src/ or dist/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'attackmap') return dir;
      } catch {
        // keep walking up
      }
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The package root (where package.json is). */
export const PACKAGE_ROOT = findRoot();
/** The built page. */
export const WEB_DIR = join(PACKAGE_ROOT, 'dist', 'web');
/** attackmap's own version. */
export const VERSION: string = (() => {
  try {
    return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
})();
