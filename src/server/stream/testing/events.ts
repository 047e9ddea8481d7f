/** Test fixtures for the stream: realistic enriched events. */
import type { EnrichedEvent } from '../../../event/schema.js';

let seq = 0;

/** An enriched event as the pipeline would produce it; `over` replaces top-level fields. */
export function makeEvent(over: Partial<EnrichedEvent> = {}): EnrichedEvent {
  seq++;
  return {
    time: new Date(Date.UTC(2026, 10, 25, 9, 0, 0) + seq * 1000).toISOString(),
    observer: { name: 'edge-ids-1', product: 'suricata', site: 'fra1' },
    category: 'exploit',
    severity: 'high',
    action: 'alert',
    rule: { id: '2024217', name: 'ET EXPLOIT Possible Apache Struts OGNL injection', rev: 4 },
    transport: 'tcp',
    service: 'http',
    source: { ip: '198.51.100.77', port: 40000 + (seq % 20000), geo: { lat: 52.37, lon: 4.89, country: 'NL', city: 'Amsterdam' }, as: { number: 64500, org: 'Example Transit' } },
    destination: { ip: '192.0.2.10', port: 80, geo: { lat: 50.11, lon: 8.68, country: 'DE' } },
    count: 1,
    details: { url: '/struts2-showcase/index.action', user_agent: 'curl/8.4.0' },
    ...over,
  };
}
