import { describe, expect, it } from 'vitest';
import { AsnTable, buildAsnTable, splitAsnRow } from './asn-table.js';

const CSV4 = [
  '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."',
  '1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd',
  '5.0.0.0,5.0.0.255,64500,"Say ""hi"" Networks"',
  '5.0.0.128,5.0.1.255,64501,Overlap Later', // overlaps the row before: keeps its remainder
  '9.9.9.0,9.9.9.255,64502,Org With Unicode Ünïcødé',
  'not,a,row',
  '255.255.255.0,255.255.255.255,64503,',
].join('\n');
const CSV6 = [
  '2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project',
  '2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC',
  'ffff:ffff:ffff:ffff::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,64510,Top',
].join('\r\n');

describe('ASN table', () => {
  const { table, skipped } = buildAsnTable('1.2.3', CSV4, CSV6);

  it('finds ranges, their edges and the gaps between them', () => {
    expect(table.lookup('1.0.0.0')).toEqual({ number: 13335, org: 'Cloudflare, Inc.' });
    expect(table.lookup('1.0.0.255')).toEqual({ number: 13335, org: 'Cloudflare, Inc.' });
    expect(table.lookup('1.0.1.0')).toBeNull();
    expect(table.lookup('0.255.255.255')).toBeNull();
    expect(table.lookup('1.0.5.9')?.number).toBe(38803);
    expect(table.lookup('5.0.0.10')).toEqual({ number: 64500, org: 'Say "hi" Networks' });
    expect(table.lookup('5.0.0.200')?.number).toBe(64500);
    expect(table.lookup('5.0.1.0')?.number).toBe(64501);
    expect(table.lookup('9.9.9.9')?.org).toBe('Org With Unicode Ünïcødé');
    expect(table.lookup('255.255.255.255')).toEqual({ number: 64503 });
    expect(table.lookup('2001:200::1')).toEqual({ number: 2500, org: 'WIDE Project' });
    expect(table.lookup('2001:1ff:ffff::1')).toBeNull();
    expect(table.lookup('2a00:1450:4001::200e')?.number).toBe(15169);
    expect(table.lookup('2a00:1451::')).toBeNull();
    expect(table.lookup('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')?.number).toBe(64510);
    expect(table.lookup('::')).toBeNull();
    expect(table.lookup('garbage')).toBeNull();
    expect(skipped).toBe(1);
    expect(table.rows4).toBe(6);
    expect(table.rows6).toBe(3);
  });

  it('survives a round trip through its binary form and rejects damaged files', () => {
    const buf = table.serialise();
    const back = AsnTable.deserialise(buf);
    expect(back.version).toBe('1.2.3');
    for (const ip of ['1.0.0.1', '5.0.0.10', '9.9.9.9', '2a00:1450::1', '1.0.1.0', 'ffff:ffff:ffff:ffff::5']) expect(back.lookup(ip)).toEqual(table.lookup(ip));
    expect(() => AsnTable.deserialise(buf.subarray(0, buf.length - 1))).toThrow();
    expect(() => AsnTable.deserialise(Buffer.from('hello world, not a table at all'))).toThrow();
  });

  it('splits quoted rows', () => {
    expect(splitAsnRow('1.0.0.0,1.0.0.255,1,"a, b ""c"""')).toEqual(['1.0.0.0', '1.0.0.255', '1', 'a, b "c"']);
    expect(splitAsnRow('1.0.0.0,1.0.0.255,1,"unterminated')).toBeNull();
    expect(splitAsnRow('1.0.0.0,1.0.0.255')).toBeNull();
  });
});
