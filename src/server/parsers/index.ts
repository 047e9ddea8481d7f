/**
 * The explicit registry of formats: one line per parser. Adding a format is a folder under
 * parsers/ and one line here.
 */
import type { Parser } from './types.js';
import { suricataEve } from './suricata-eve/parser.js';
import { suricataFast } from './suricata-fast/parser.js';
import { snortFast } from './snort-fast/parser.js';
import { snortFull } from './snort-full/parser.js';
import { snortCsv } from './snort-csv/parser.js';
import { snort3Json } from './snort3-json/parser.js';
import { cowrieParser } from './cowrie/parser.js';
import { sshdParser } from './sshd/parser.js';
import { iptablesParser } from './iptables/parser.js';
import { fail2banParser } from './fail2ban/parser.js';
import { dionaeaParser } from './dionaea/parser.js';
import { opencanaryParser } from './opencanary/parser.js';
import { cefParser } from './cef/parser.js';
import { ecsParser } from './ecs/parser.js';
import { jsonParser } from './json/parser.js';
import { intelListParser } from './intel-list/parser.js';
import { dionaeaMhnParser } from './dionaea-mhn/parser.js';

export const PARSERS: readonly Parser[] = [
  suricataEve,
  suricataFast,
  snortFast,
  snortFull,
  snortCsv,
  snort3Json,
  cowrieParser,
  sshdParser,
  iptablesParser,
  fail2banParser,
  dionaeaParser,
  opencanaryParser,
  cefParser,
  ecsParser,
  jsonParser,
  intelListParser,
  dionaeaMhnParser,
];

const byName = new Map(PARSERS.map((p) => [p.name, p]));

/** The parser for a format name, or undefined. */
export function parserFor(name: string): Parser | undefined {
  return byName.get(name);
}
