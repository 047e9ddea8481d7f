/**
 * Well-known destination ports → service names, for sensors that say only the port (firewall
 * logs, CEF, generic JSON). IANA service names, shortened to what the map shows; ports whose
 * IANA name differs from common use (445 microsoft-ds) use the common name (smb).
 */
const PORT_SERVICES: ReadonlyMap<number, string> = new Map([
  [20, 'ftp'], [21, 'ftp'], [22, 'ssh'], [23, 'telnet'], [25, 'smtp'], [53, 'dns'], [69, 'tftp'],
  [80, 'http'], [110, 'pop3'], [111, 'rpcbind'], [123, 'ntp'], [135, 'msrpc'], [137, 'netbios'],
  [138, 'netbios'], [139, 'smb'], [143, 'imap'], [161, 'snmp'], [389, 'ldap'], [443, 'https'],
  [445, 'smb'], [465, 'smtp'], [502, 'modbus'], [587, 'smtp'], [993, 'imap'], [995, 'pop3'],
  [1080, 'socks'], [1433, 'mssql'], [1521, 'oracle'], [1723, 'pptp'], [1883, 'mqtt'], [1900, 'upnp'],
  [2222, 'ssh'], [2323, 'telnet'], [3306, 'mysql'], [3389, 'rdp'], [5060, 'sip'], [5061, 'sip'],
  [5432, 'postgresql'], [5900, 'vnc'], [5985, 'winrm'], [6379, 'redis'], [8080, 'http'],
  [8443, 'https'], [9200, 'elasticsearch'], [11211, 'memcached'], [27017, 'mongodb'],
]);

/** The service usually behind a destination port, or undefined (ports are integers 0..65535). */
export function serviceForPort(port: number | undefined): string | undefined {
  return port === undefined ? undefined : PORT_SERVICES.get(port);
}
