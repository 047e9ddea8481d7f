/**
 * A Suricata/Snort alert shipped as ECS must get the severity the EVE/Snort parsers give it:
 * priority 0 is unset (the classtype's default priority decides) and a successful compromise at
 * priority 1 is critical.
 */
import { describe, expect, it } from 'vitest';
import { ecsParser } from './parser.js';
import { suricataEve } from '../suricata-eve/parser.js';

const ctx = { now: new Date('2026-03-01T12:00:00Z'), timezone: 'UTC', sensor: 's' };

function severityOf(r: ReturnType<typeof ecsParser.parse>) {
  if (r.kind !== 'events') throw new Error(JSON.stringify(r));
  return r.events[0].severity;
}

function both(priority: number, classtype: string) {
  const ecs = JSON.stringify({
    '@timestamp': '2026-02-28T10:00:00Z', event: { kind: 'alert', module: 'suricata', severity: priority },
    rule: { name: 'ET x', category: classtype, id: '1' }, source: { ip: '192.0.2.1' }, destination: { ip: '198.51.100.2' },
  });
  const eve = JSON.stringify({
    timestamp: '2026-02-28T10:00:00.000000+0000', event_type: 'alert', src_ip: '192.0.2.1', dest_ip: '198.51.100.2',
    alert: { signature_id: 1, signature: 'ET x', category: classtype, severity: priority },
  });
  return [severityOf(ecsParser.parse(ecs, ctx)), severityOf(suricataEve.parse(eve, ctx))];
}

describe('ECS IDS severity', () => {
  it('matches the EVE parser for unset priority and compromise classes', () => {
    expect(both(0, 'A Network Trojan was detected')).toEqual(['high', 'high']);
    expect(both(1, 'Successful Administrator Privilege Gain')).toEqual(['critical', 'critical']);
    expect(both(2, 'Misc Attack')).toEqual(['medium', 'medium']);
    expect(both(0, '')).toEqual(['low', 'low']);
  });
});
