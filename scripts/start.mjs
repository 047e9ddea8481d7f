// `npm start`: installs and builds what is missing, then serves the map with demo data on the
// embedded defaults (http://localhost:8080). Extra arguments go to `attackmap serve`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
if (!existsSync(installed) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs)) {
  console.log('attackmap: installing dependencies (the first time compiles SQLite, about a minute)...');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
const { isStale } = await import('./freshness.mjs');
for (const part of ['web', 'server']) {
  if (isStale(root, part)) {
    console.log(`attackmap: building the ${part}...`);
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), part], { cwd: root, stdio: 'inherit' });
  }
}
const args = process.argv.slice(2);
const child = spawn(process.execPath, [join(root, 'bin', 'attackmap.js'), 'serve', '--demo', ...args], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
