/**
 * Category from free text (a CEF `cat`, an ECS rule name, a generic JSON category field) when
 * no table knows it: keywords for each purpose, first match wins. Checked after the
 * Snort/Suricata tables (classtype.ts, category.ts), which know the ET/GPL rule-name prefixes and classtypes.
 */
import type { Category } from '../../../event/schema.js';

const CATEGORY_WORDS: ReadonlyArray<readonly [RegExp, Category]> = [
  [/brute|password guess|login fail|failed login|auth(entication)? fail/i, 'bruteforce'],
  [/scan|probe|sweep/i, 'scan'],
  [/malware|trojan|virus|botnet|ransom|\bc2\b|\bcnc\b|command and control|worm|spyware|backdoor/i, 'malware'],
  [/exploit|overflow|inject|xss|cross-site|traversal|\brce\b|remote code|shellcode|\bcve-\d/i, 'exploit'],
  [/\bdos\b|ddos|denial of service|flood/i, 'dos'],
  [/recon|discovery|information leak|enumerat/i, 'recon'],
  [/reputation|blacklist|blocklist|threat intel|\bioc\b/i, 'intel'],
  [/policy/i, 'policy'],
];

/** The category a text's keywords suggest, or undefined. Only the first 500 characters are read. */
export function categoryFromWords(text: string): Category | undefined {
  const t = text.slice(0, 500);
  return CATEGORY_WORDS.find(([re]) => re.test(t))?.[1];
}
