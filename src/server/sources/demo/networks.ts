/**
 * Where demo attackers come from: real public /24 blocks of well-known hosting and access
 * networks, so that the embedded GeoIP database places each one in the stated country (a test
 * checks every block against the database). Weights follow the rough mix honeypot operators
 * report: large Chinese and US clouds first, then Europe's bullet-proof and VPS hosts, then the
 * residential networks of countries with many infected routers and cameras.
 */

export interface DemoNetwork {
  country: string;
  org: string;
  /** IPv4: the first three octets of each /24 used. IPv6: the leading groups of each /64 used (written so that `${block}::host` is canonical). */
  blocks: string[];
  weight: number;
  /** Tor exits and scanner farms are used by the matching scenarios only. */
  role?: 'tor' | 'scanner';
}

export const DEMO_NETWORKS: readonly DemoNetwork[] = [
  { country: 'CN', org: 'Chinanet Jiangsu', blocks: ['218.92.0', '61.177.172', '222.186.15'], weight: 14 },
  { country: 'CN', org: 'Alibaba Cloud', blocks: ['47.92.100', '123.56.0'], weight: 6 },
  { country: 'CN', org: 'Tencent Cloud', blocks: ['118.25.6'], weight: 4 },
  { country: 'CN', org: 'UCloud', blocks: ['106.75.10'], weight: 2 },
  { country: 'US', org: 'DigitalOcean', blocks: ['167.99.120', '45.55.40', '142.93.200', '64.227.100', '104.248.50'], weight: 10 },
  { country: 'US', org: 'Amazon AWS', blocks: ['3.80.10'], weight: 4 },
  { country: 'US', org: 'Google Cloud', blocks: ['35.192.50'], weight: 3 },
  { country: 'NL', org: 'Recyber / IP Volume', blocks: ['80.82.77', '89.248.165'], weight: 5, role: 'scanner' },
  { country: 'NL', org: 'NForce Entertainment', blocks: ['185.107.57', '45.95.147'], weight: 3 },
  { country: 'DE', org: 'Hetzner Online', blocks: ['5.9.120', '78.46.100'], weight: 4 },
  { country: 'DE', org: 'Tor exit (Foundation for Applied Privacy)', blocks: ['185.220.100', '185.220.102'], weight: 2, role: 'tor' },
  { country: 'DE', org: 'Limenet', blocks: ['91.92.240'], weight: 2 },
  { country: 'RU', org: 'Selectel', blocks: ['95.213.200'], weight: 4 },
  { country: 'RU', org: 'Yandex Cloud', blocks: ['77.88.8', '5.255.255'], weight: 2 },
  { country: 'BR', org: 'Claro / Telefonica Brasil', blocks: ['177.54.144', '189.45.10', '200.98.130', '187.16.100'], weight: 5 },
  { country: 'IN', org: 'BSNL / Reliance Jio', blocks: ['117.211.30', '49.36.80'], weight: 5 },
  { country: 'VN', org: 'VNPT / Viettel', blocks: ['14.177.20', '113.161.50', '116.108.60'], weight: 5 },
  { country: 'KR', org: 'Korea Telecom', blocks: ['211.234.100', '121.140.20', '175.203.50'], weight: 3 },
  { country: 'TW', org: 'Chunghwa Telecom HiNet', blocks: ['36.224.30', '114.33.80'], weight: 3 },
  { country: 'IR', org: 'Iran Telecommunication', blocks: ['5.160.100'], weight: 1 },
  { country: 'ID', org: 'Telkom Indonesia', blocks: ['36.67.40'], weight: 2 },
  { country: 'FR', org: 'Scaleway', blocks: ['51.15.200', '163.172.30'], weight: 2 },
  { country: 'GB', org: 'Andrews & Arnold / AWS London', blocks: ['81.2.69', '13.40.10'], weight: 1 },
  { country: 'SG', org: 'DigitalOcean Singapore', blocks: ['128.199.100', '159.89.200', '159.65.10'], weight: 2 },
  { country: 'RO', org: 'Flyservers', blocks: ['193.32.162'], weight: 2, role: 'scanner' },
  { country: 'HK', org: 'HK broadband', blocks: ['182.16.0'], weight: 1 },
  { country: 'IE', org: 'Microsoft Azure', blocks: ['20.105.30'], weight: 1 },
  { country: 'AE', org: 'UCloud Dubai', blocks: ['152.32.180'], weight: 1 },
  { country: 'DE', org: 'Hetzner Online (IPv6)', blocks: ['2a01:4f8:c17:1f2', '2a01:4f8:1c1c:5a3'], weight: 1.5 },
  { country: 'US', org: 'DigitalOcean (IPv6)', blocks: ['2604:a880:400:d0', '2604:a880:800:10'], weight: 1.5 },
  { country: 'CN', org: 'Chinanet (IPv6)', blocks: ['240e:390:1a2b'], weight: 1 },
];

export interface DemoSite { name: string; lat: number; lon: number }

/** The three demo sites; `serve --demo` adds them to the config's sites. */
export const DEMO_SITES: DemoSite[] = [
  { name: 'Frankfurt', lat: 50.1109, lon: 8.6821 },
  { name: 'Virginia', lat: 39.0438, lon: -77.4874 },
  { name: 'Singapore', lat: 1.3521, lon: 103.8198 },
];

export type DemoProduct = 'suricata' | 'cowrie' | 'sshd' | 'iptables';

export interface DemoSensor { name: string; product: DemoProduct; site: string }

export const DEMO_SENSORS: readonly DemoSensor[] = [
  { name: 'fra-suricata-1', product: 'suricata', site: 'Frankfurt' },
  { name: 'fra-cowrie-1', product: 'cowrie', site: 'Frankfurt' },
  { name: 'fra-fw-1', product: 'iptables', site: 'Frankfurt' },
  { name: 'iad-suricata-1', product: 'suricata', site: 'Virginia' },
  { name: 'iad-cowrie-1', product: 'cowrie', site: 'Virginia' },
  { name: 'sin-suricata-1', product: 'suricata', site: 'Singapore' },
  { name: 'sin-sshd-1', product: 'sshd', site: 'Singapore' },
];
