/**
 * Snort/Suricata classification table: classtype short name, its description (what alert_fast,
 * alert_full and EVE's `alert.category` print), the default priority from classification.config,
 * and the attackmap category. Sources: Snort 2.9 `etc/classification.config` and the Snort manual
 * ("classtype", section 3.4.6); Suricata's `classification.config` as shipped with the Emerging
 * Threats ruleset, which adds the ET-only classes (credential-theft ... targeted-activity).
 * The category column is attackmap's own reading of each class; README.md explains the choices.
 */
import type { Category } from '../../../event/schema.js';

export interface ClassInfo {
  /** classtype short name, e.g. "attempted-admin". */
  name: string;
  /** Human description as printed in logs, e.g. "Attempted Administrator Privilege Gain". */
  description: string;
  /** Default priority from classification.config (1 = highest). */
  priority: number;
  category: Category;
}

const ROWS: ReadonlyArray<[string, string, number, Category]> = [
  ['not-suspicious', 'Not Suspicious Traffic', 3, 'other'],
  ['unknown', 'Unknown Traffic', 3, 'other'],
  ['bad-unknown', 'Potentially Bad Traffic', 2, 'other'],
  ['attempted-recon', 'Attempted Information Leak', 2, 'recon'],
  ['successful-recon-limited', 'Information Leak', 2, 'recon'],
  ['successful-recon-largescale', 'Large Scale Information Source Leak', 2, 'recon'],
  ['attempted-dos', 'Attempted Denial of Service', 2, 'dos'],
  ['successful-dos', 'Denial of Service', 2, 'dos'],
  ['attempted-user', 'Attempted User Privilege Gain', 1, 'exploit'],
  ['unsuccessful-user', 'Unsuccessful User Privilege Gain', 1, 'bruteforce'],
  ['successful-user', 'Successful User Privilege Gain', 1, 'exploit'],
  ['attempted-admin', 'Attempted Administrator Privilege Gain', 1, 'exploit'],
  ['successful-admin', 'Successful Administrator Privilege Gain', 1, 'exploit'],
  ['rpc-portmap-decode', 'Decode of an RPC Query', 2, 'recon'],
  ['shellcode-detect', 'Executable code was detected', 1, 'exploit'],
  ['string-detect', 'A suspicious string was detected', 3, 'other'],
  ['suspicious-filename-detect', 'A suspicious filename was detected', 2, 'other'],
  ['suspicious-login', 'An attempted login using a suspicious username was detected', 2, 'bruteforce'],
  ['system-call-detect', 'A system call was detected', 2, 'exploit'],
  ['tcp-connection', 'A TCP connection was detected', 4, 'other'],
  ['trojan-activity', 'A Network Trojan was detected', 1, 'malware'],
  ['unusual-client-port-connection', 'A client was using an unusual port', 2, 'other'],
  ['network-scan', 'Detection of a Network Scan', 3, 'scan'],
  ['denial-of-service', 'Detection of a Denial of Service Attack', 2, 'dos'],
  ['non-standard-protocol', 'Detection of a non-standard protocol or event', 2, 'other'],
  ['protocol-command-decode', 'Generic Protocol Command Decode', 3, 'other'],
  ['web-application-activity', 'access to a potentially vulnerable web application', 2, 'recon'],
  ['web-application-attack', 'Web Application Attack', 1, 'exploit'],
  ['misc-activity', 'Misc activity', 3, 'other'],
  ['misc-attack', 'Misc Attack', 2, 'other'],
  ['icmp-event', 'Generic ICMP event', 3, 'other'],
  ['inappropriate-content', 'Inappropriate Content was Detected', 1, 'policy'],
  ['policy-violation', 'Potential Corporate Privacy Violation', 1, 'policy'],
  ['default-login-attempt', 'Attempt to login by a default username and password', 2, 'bruteforce'],
  ['sdf', 'Sensitive Data was Transmitted Across the Network', 2, 'policy'],
  ['file-format', 'Known malicious file or file based exploit', 1, 'exploit'],
  ['malware-cnc', 'Known malware command and control traffic', 1, 'malware'],
  ['client-side-exploit', 'Known client side exploit attempt', 1, 'exploit'],
  ['kickass-porn', 'SCORE! Get the lotion!', 1, 'policy'],
  ['credential-theft', 'Successful Credential Theft Detected', 1, 'malware'],
  ['command-and-control', 'Malware Command and Control Activity Detected', 1, 'malware'],
  ['exploit-kit', 'Exploit Kit Activity Detected', 1, 'exploit'],
  ['external-ip-check', 'Device Retrieving External IP Address Detected', 2, 'policy'],
  ['domain-c2', 'Domain Observed Used for C2 Detected', 1, 'malware'],
  ['pup-activity', 'Possibly Unwanted Program Detected', 2, 'policy'],
  ['social-engineering', 'Possible Social Engineering Attempted', 2, 'malware'],
  ['coin-mining', 'Crypto Currency Mining Activity Detected', 2, 'malware'],
  ['targeted-activity', 'Targeted Malicious Activity was Detected', 1, 'exploit'],
  // Not in the shipped files, but common in local rule sets.
  ['brute-force', 'Brute Force Attempt', 2, 'bruteforce'],
];

/** Every known class, in table order (for docs and tests). */
export const CLASSTYPES: readonly ClassInfo[] = ROWS.map(([name, description, priority, category]) => ({
  name, description, priority, category,
}));

const byKey = new Map<string, ClassInfo>();
for (const c of CLASSTYPES) {
  byKey.set(c.name, c);
  byKey.set(c.description.toLowerCase(), c);
}

/**
 * The class for a classtype short name ("attempted-admin") or its description ("Attempted
 * Administrator Privilege Gain"), case-insensitive; undefined for "(null)", "none", "" or unknown.
 */
export function lookupClass(text: string | undefined | null): ClassInfo | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 200) return undefined;
  return byKey.get(text.trim().toLowerCase());
}

/**
 * Classtypes that make an event `critical` (instead of `high`): a successful compromise or a
 * targeted attack, i.e. something already happened rather than was attempted.
 */
export const CRITICAL_CLASSTYPES: ReadonlySet<string> = new Set([
  'successful-admin',
  'successful-user',
  'targeted-activity',
  'credential-theft',
]);
