import { describe, expect, it } from 'vitest';
import { abusechJson, addressesIn, csv, globalIp, iplist, refang, rss, splitCsv } from './formats.js';

describe('feed formats', () => {
  it('iplist: comments, IPsum counts, CIDR and private entries skipped', () => {
    const body = [
      '# IPsum-like feed', '# Last update: Wed, 25 Nov 2026 03:00:00 +0100', '#',
      '45.148.10.240\t9', '80.82.77.33\t4', '2a01:4f8:c17:1f2::2\t2', '; other comment style',
      '10.1.2.3\t3', '91.92.240.0/24', '185.220.101.7/32', 'not-an-ip', '',
    ].join('\n');
    const r = iplist(body, {});
    expect(r.indicators).toEqual([
      { ip: '45.148.10.240', count: 9, details: { lists: 9 } },
      { ip: '80.82.77.33', count: 4, details: { lists: 4 } },
      { ip: '2a01:4f8:c17:1f2::2', count: 2, details: { lists: 2 } },
      { ip: '185.220.101.7', details: {} },
    ]);
    expect(r.skipped).toBe(3);
  });

  it('csv: names from a commented header (abuse.ch style) and quoted cells', () => {
    const body = [
      '################################################################',
      '# abuse.ch botnet C2 IP blocklist (CSV)                        #',
      '# "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"',
      '"2026-11-20 08:11:02","162.243.103.246","8080","online","2026-11-25","Emotet"',
      '"2026-11-21 14:00:10","50.16.16.211","443","offline","2026-11-22","Qakbot, \\"QBot\\""',
      '"2026-11-21 14:00:10","192.168.1.1","443","offline","2026-11-22","x"',
    ].join('\n');
    const r = csv(body, { columns: { ip: 'dst_ip', port: 'dst_port', malware: 'malware', first_seen: 'first_seen_utc' } });
    expect(r.indicators[0]).toEqual({ ip: '162.243.103.246', port: 8080, details: { malware: 'Emotet', first_seen: '2026-11-20 08:11:02' } });
    expect(r.indicators).toHaveLength(2);
    expect(r.skipped).toBe(1);
  });

  it('csv: a plain header line, or indices without header', () => {
    expect(csv('ip,score\n103.21.244.8,7\n', { columns: { ip: 'ip', count: 'score' } }).indicators).toEqual([{ ip: '103.21.244.8', count: 7, details: { lists: 7 } }]);
    expect(csv('x;77.88.8.9;Mozi\n', { columns: { ip: 1, malware: 2 }, delimiter: ';' }).indicators).toEqual([{ ip: '77.88.8.9', details: { malware: 'Mozi' } }]);
    expect(splitCsv('"a,b",c,"d ""e"""')).toEqual(['a,b', 'c', 'd "e"']);
  });

  it('abusech-json: Feodo array, ThreatFox object with ip:port iocs', () => {
    const feodo = JSON.stringify([
      { ip_address: '162.243.103.246', port: 8080, status: 'online', hostname: null, as_number: 14061, as_name: 'DIGITALOCEAN-ASN', country: 'US', first_seen: '2026-11-20 08:11:02', last_online: '2026-11-25', malware: 'Emotet' },
      { ip_address: 'bogus', port: 1 },
    ]);
    const r = abusechJson(feodo, {});
    expect(r.indicators).toEqual([{ ip: '162.243.103.246', port: 8080, details: { malware: 'Emotet', first_seen: '2026-11-20 08:11:02', last_online: '2026-11-25', status: 'online', country: 'US', as_name: 'DIGITALOCEAN-ASN' } }]);
    expect(r.skipped).toBe(1);
    const threatfox = JSON.stringify({ '1234567': [{ ioc_value: 'x', ioc: '45.95.147.236:7000', threat_type: 'botnet_cc', malware_printable: 'Cobalt Strike', first_seen_utc: '2026-11-24 10:00:00', confidence_level: 100 }] });
    expect(abusechJson(threatfox, {}).indicators).toEqual([{ ip: '45.95.147.236', port: 7000, details: { malware: 'Cobalt Strike', first_seen: '2026-11-24 10:00:00', threat_type: 'botnet_cc', confidence: 100 } }]);
    expect(() => abusechJson('{not json', {})).toThrow();
  });

  it('refangs and finds addresses in prose, once each, ignoring versions and private ranges', () => {
    expect(refang('hxxp://185.220.101[.]7 and 5(.)9(.)120(.)4')).toBe('http://185.220.101.7 and 5.9.120.4');
    const text = 'Scanner 193.32.162[.]14 hit us; also 193.32.162[.]14 again, C2 at 2a01:4f8:c17:1f2::2. Internal 10.0.0.5, version 1.2.3.4.5, at 10:00:00';
    expect(addressesIn(text)).toEqual(['193.32.162.14', '2a01:4f8:c17:1f2::2']);
    expect(globalIp('8.8.8.8')).toBe('8.8.8.8');
    expect(globalIp('127.0.0.1')).toBeNull();
  });

  it('rss: RSS items, Atom entries and Mastodon statuses', () => {
    const rssBody = `<?xml version="1.0"?><rss><channel><title>x</title>
      <item><title>SSH brute force from 218.92.0[.]112</title><link>https://example.org/post/1?a=1&amp;b=2</link><description><![CDATA[<p>Also 61.177.172.60</p>]]></description></item>
      <item><title>No addresses here</title><link>https://example.org/post/2</link></item>
    </channel></rss>`;
    const r = rss(rssBody, {});
    expect(r.indicators.map((i) => i.ip)).toEqual(['218.92.0.112', '61.177.172.60']);
    expect(r.indicators[0].details).toEqual({ title: 'SSH brute force from 218.92.0[.]112', link: 'https://example.org/post/1?a=1&b=2' });
    expect(r.skipped).toBe(1);

    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>IOC dump</title><link rel="alternate" href="https://blog.example.net/ioc"/><content type="html">&lt;b&gt;95.213.200.17&lt;/b&gt; &amp;amp; 5&#46;255&#46;255&#46;70</content></entry></feed>`;
    expect(rss(atom, {}).indicators.map((i) => [i.ip, i.details.link])).toEqual([['95.213.200.17', 'https://blog.example.net/ioc'], ['5.255.255.70', 'https://blog.example.net/ioc']]);

    const mastodon = JSON.stringify([{ id: '1', url: 'https://infosec.exchange/@x/1', content: '<p>Mirai loader at 45.95.147[.]236 <a href="#">#threatintel</a></p>', spoiler_text: '', account: { acct: 'x@infosec.exchange' } }]);
    expect(rss(mastodon, {}).indicators).toEqual([{ ip: '45.95.147.236', details: { title: '@x@infosec.exchange', link: 'https://infosec.exchange/@x/1' } }]);
  });
});
