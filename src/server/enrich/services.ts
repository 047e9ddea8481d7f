/**
 * Service names from destination port and transport, for events whose sensor did not say.
 * The base table is generated from the IANA-derived services(5) list (services-table.ts); the
 * overrides below give the names operators use (smb rather than microsoft-ds) and add ports that
 * attacks commonly target but the list lacks. docs/geo.md lists them.
 */
import { SERVICES_TCP, SERVICES_UDP } from './services-table.js';

/** [transport, port, name]: applied over the generated table. */
export const SERVICE_OVERRIDES: ReadonlyArray<readonly ['tcp' | 'udp', number, string]> = [
  ['tcp', 53, 'dns'], ['udp', 53, 'dns'],
  ['tcp', 139, 'netbios'], ['udp', 137, 'netbios'], ['udp', 138, 'netbios'],
  ['tcp', 143, 'imap'],
  ['tcp', 445, 'smb'],
  ['tcp', 1433, 'mssql'], ['udp', 1434, 'mssql'],
  ['tcp', 3389, 'rdp'], ['udp', 3389, 'rdp'],
  ['tcp', 502, 'modbus'],
  ['tcp', 1723, 'pptp'],
  ['tcp', 1883, 'mqtt'],
  ['udp', 1900, 'ssdp'],
  ['tcp', 2323, 'telnet'],
  ['tcp', 2375, 'docker'], ['tcp', 2376, 'docker'],
  ['tcp', 5555, 'adb'],
  ['tcp', 5900, 'vnc'],
  ['tcp', 5985, 'winrm'], ['tcp', 5986, 'winrm'],
  ['tcp', 7547, 'cwmp'],
  ['tcp', 8080, 'http-alt'],
  ['tcp', 8443, 'https-alt'],
  ['tcp', 9200, 'elasticsearch'],
  ['tcp', 11211, 'memcached'], ['udp', 11211, 'memcached'],
  ['tcp', 27017, 'mongodb'],
];

const tcp = new Map<number, string>(Object.entries(SERVICES_TCP).map(([p, n]) => [Number(p), n]));
const udp = new Map<number, string>(Object.entries(SERVICES_UDP).map(([p, n]) => [Number(p), n]));
for (const [t, p, n] of SERVICE_OVERRIDES) (t === 'tcp' ? tcp : udp).set(p, n);

/**
 * The service name for a destination port (0..65535) and transport ('tcp', 'udp'; other or
 * absent transports try tcp, then udp), or undefined when unknown.
 */
export function serviceFor(port: number | undefined, transport?: string): string | undefined {
  if (port === undefined) return undefined;
  const t = transport?.toLowerCase();
  if (t === 'tcp') return tcp.get(port);
  if (t === 'udp') return udp.get(port);
  if (t === undefined || t === '') return tcp.get(port) ?? udp.get(port);
  return undefined; // icmp and the like have no ports
}
