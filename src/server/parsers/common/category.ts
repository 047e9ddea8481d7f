/**
 * Category from a signature: first the classtype table (./classtype.ts), then, when the class
 * is missing or only says "other", the rule-name prefix conventions of the Emerging Threats and
 * Snort/Talos rule sets (ET ruleset category list: https://rules.emergingthreats.net/ , Snort
 * rule categories: https://www.snort.org/rules_explanation ).
 */
import type { Category } from '../../../event/schema.js';
import { lookupClass } from './classtype.js';

/** Rule-name prefixes, longest first within a family so "ET EXPLOIT_KIT" is not read as "ET EXPLOIT". */
export const NAME_PREFIXES: ReadonlyArray<readonly [string, Category]> = [
  ['ET SCAN', 'scan'],
  ['GPL SCAN', 'scan'],
  ['INDICATOR-SCAN', 'scan'],
  ['ET EXPLOIT_KIT', 'exploit'],
  ['ET EXPLOIT', 'exploit'],
  ['GPL EXPLOIT', 'exploit'],
  ['ET WEB_SERVER', 'exploit'],
  ['ET WEB_SPECIFIC_APPS', 'exploit'],
  ['GPL WEB_SERVER', 'exploit'],
  ['ET SHELLCODE', 'exploit'],
  ['GPL SHELLCODE', 'exploit'],
  ['ET ATTACK_RESPONSE', 'exploit'],
  ['GPL ATTACK_RESPONSE', 'exploit'],
  ['ET NETBIOS', 'exploit'],
  ['SERVER-', 'exploit'],
  ['OS-', 'exploit'],
  ['BROWSER-', 'exploit'],
  ['FILE-', 'exploit'],
  ['EXPLOIT-KIT', 'exploit'],
  ['ET MALWARE', 'malware'],
  ['ET MOBILE_MALWARE', 'malware'],
  ['ET TROJAN', 'malware'],
  ['ET CNC', 'malware'],
  ['ET WORM', 'malware'],
  ['ET PHISHING', 'malware'],
  ['ET COINMINER', 'malware'],
  ['MALWARE-', 'malware'],
  ['ET DOS', 'dos'],
  ['GPL DOS', 'dos'],
  ['ET POLICY', 'policy'],
  ['GPL POLICY', 'policy'],
  ['ET P2P', 'policy'],
  ['ET GAMES', 'policy'],
  ['ET CHAT', 'policy'],
  ['ET INAPPROPRIATE', 'policy'],
  ['POLICY-', 'policy'],
  ['ET DROP', 'intel'],
  ['ET CINS', 'intel'],
  ['ET COMPROMISED', 'intel'],
  ['ET DSHIELD', 'intel'],
  ['ET TOR', 'intel'],
  ['ET 3CORESEC', 'intel'],
  ['PROTOCOL-ICMP', 'recon'],
  ['GPL ICMP_INFO', 'recon'],
  ['GPL ICMP', 'recon'],
];

const BRUTE = /brute[\s_-]?force|password[\s_-]guess/i;
const PORTSCAN = /port[\s_-]?sweep|port[\s_-]?scan/i;

/** The category a rule name's prefix implies, or undefined. */
export function categoryFromName(name: string): Category | undefined {
  const head = name.slice(0, 40).toUpperCase();
  for (const [prefix, cat] of NAME_PREFIXES) {
    if (head.startsWith(prefix) && (prefix.endsWith('-') || head.length === prefix.length || !/[A-Z0-9_]/.test(head[prefix.length]))) {
      return cat;
    }
  }
  return undefined;
}

/**
 * Category of a signature event from its classtype (short name or description) and rule name.
 * Order: rule names that say "brute force" or "portscan" (no classtype says so) → classtype →
 * name prefix → `other`.
 */
export function categorize(classtype: string | undefined | null, ruleName: string): Category {
  const head = ruleName.slice(0, 300);
  if (BRUTE.test(head)) return 'bruteforce';
  if (PORTSCAN.test(head)) return 'scan';
  const byClass = lookupClass(classtype)?.category;
  if (byClass && byClass !== 'other') return byClass;
  return categoryFromName(ruleName) ?? byClass ?? 'other';
}
