/**
 * Runs the sample logs of each sensor folder through the matching format(s) and prints, per file:
 * records, events, skipped, and errors by code. Not part of the test suite (tests never read
 * files outside the repository).
 *
 *   npx tsx scripts/samples.ts [dir]     (default: ../shared/samples next to the repository)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parserFor } from '../src/server/parsers/index.js';
import type { ParseContext } from '../src/server/parsers/types.js';
import { frameAll } from '../src/server/sources/framing.js';

/** Sample folder name → formats to try, in order; names not registered are reported and skipped. */
const FOLDER_FORMATS: Readonly<Record<string, readonly string[]>> = {
  'suricata-eve': ['suricata-eve'],
  'suricata-fast': ['suricata-fast'],
  'snort2-fast': ['snort-fast'],
  'snort3-fast': ['snort-fast'],
  'snort2-full': ['snort-full'],
  'snort2-csv': ['snort-csv'],
  'snort3-json': ['snort3-json'],
  cowrie: ['cowrie'],
  dionaea: ['dionaea'],
  opencanary: ['opencanary'],
  'threat-intel': ['intel-list'],
  'zeek-notice': ['zeek-notice', 'zeek-notice-json'],
  iptables: ['iptables'],
  sshd: ['sshd'],
  fail2ban: ['fail2ban'],
  'pfsense-filterlog': ['pfsense-filterlog'],
  cef: ['cef'],
  'paloalto-threat-csv': ['paloalto-threat-csv'],
};

/** Files whose name matches take these formats instead of their folder's (exports of another shape). */
const FILE_FORMATS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/mhn-mongo-export/i, ['dionaea-mhn']],
];

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? join(repo, '..', 'shared', 'samples'));
if (!existsSync(dir)) {
  console.error(`no samples directory at ${dir}`);
  process.exit(1);
}

const ctx: ParseContext = { now: new Date(), timezone: 'UTC', sensor: 'samples' };
let totals = { records: 0, events: 0, skipped: 0, errors: 0 };

for (const folder of readdirSync(dir).sort()) {
  const path = join(dir, folder);
  if (!statSync(path).isDirectory()) continue;
  const wanted = FOLDER_FORMATS[folder] ?? [folder];
  const formats = wanted.filter((f) => parserFor(f));
  if (formats.length === 0) {
    console.log(`${folder}/  (no registered format among: ${wanted.join(', ')}; skipped)`);
    continue;
  }
  for (const file of readdirSync(path).sort()) {
    const text = readFileSync(join(path, file), 'utf8');
    const override = FILE_FORMATS.find(([re]) => re.test(file))?.[1].filter((f) => parserFor(f));
    for (const format of override ?? formats) {
      const parser = parserFor(format)!;
      const corr = parser.correlator?.();
      const byCode = new Map<string, number>();
      let events = 0, skipped = 0, errors = 0, joined = 0;
      const records = frameAll(text, parser.framing);
      for (const rec of records) {
        const r = parser.parse(rec.text, ctx);
        if (r.kind === 'events') {
          events += r.events.length;
          if (corr) for (const ev of r.events) joined += corr.push(ev).length;
        } else if (r.kind === 'skip') skipped++;
        else {
          errors++;
          byCode.set(r.code, (byCode.get(r.code) ?? 0) + 1);
        }
      }
      totals = { records: totals.records + records.length, events: totals.events + events, skipped: totals.skipped + skipped, errors: totals.errors + errors };
      const codes = [...byCode].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}=${n}`).join(' ');
      console.log(
        `${folder}/${file} [${format}]: records=${records.length} events=${events}` +
        `${corr ? ` (after join ${joined})` : ''} skipped=${skipped} errors=${errors}${codes ? ` (${codes})` : ''}`,
      );
    }
  }
}
console.log(`total: records=${totals.records} events=${totals.events} skipped=${totals.skipped} errors=${totals.errors}`);
