/**
 * Exposes the ingest pipeline, the enrichment cache and the sources on the metrics registry.
 * Values are read from the stages' own counters at scrape time, so nothing is counted twice.
 */
import type { Labels, Registry } from './metrics.js';
import type { Pipeline } from '../pipeline.js';
import type { Enricher } from '../enrich/types.js';
import type { RunningSources } from '../sources/run.js';

/**
 * A counter whose values are owned by another module: at scrape time it is advanced by the
 * difference from what it last saw, so it renders as a Prometheus counter.
 */
function mirrorCounter(reg: Registry, name: string, help: string, labels: string[], read: () => Iterable<[Labels, number]>): void {
  const seen = new Map<string, number>();
  const counter = reg.counter({
    name, help, labels,
    collect: () => {
      for (const [l, value] of read()) {
        const key = JSON.stringify(l);
        const delta = value - (seen.get(key) ?? 0);
        if (delta > 0) {
          counter.inc(l, delta);
          seen.set(key, value);
        }
      }
    },
  });
}

export function registerPipelineMetrics(
  reg: Registry,
  deps: { pipeline: Pipeline; enricher: Enricher; sources: () => RunningSources | null },
): void {
  const c = deps.pipeline.counters;
  mirrorCounter(reg, 'attackmap_ingest_items_total', 'Records or events received by the pipeline, by outcome.', ['outcome'], () => [
    [{ outcome: 'received' }, c.received], [{ outcome: 'accepted' }, c.accepted],
    [{ outcome: 'rejected' }, c.rejected], [{ outcome: 'skipped' }, c.skipped],
  ]);
  mirrorCounter(reg, 'attackmap_ingest_errors_total', 'Rejected records and events by source, format and error code.', ['source', 'format', 'code'],
    () => [...c.errors].map(([key, n]) => {
      const [source, format, code] = key.split('|');
      return [{ source, format, code }, n] as [Labels, number];
    }));
  mirrorCounter(reg, 'attackmap_source_events_total', 'Events stored per source.', ['source'],
    () => [...c.acceptedBySource].map(([source, n]) => [{ source }, n] as [Labels, number]));
  mirrorCounter(reg, 'attackmap_source_records_total', 'Records read by each running source.', ['source', 'type'],
    () => (deps.sources()?.stats() ?? []).map((s) => [{ source: s.name, type: s.type }, s.received] as [Labels, number]));
  const geo = reg.gauge({
    name: 'attackmap_geo_cache', help: 'GeoIP lookup cache: hits, misses, entries and capacity.', labels: ['kind'],
    collect: () => {
      const cache = deps.enricher.info().cache;
      geo.set({ kind: 'hits' }, cache.hits);
      geo.set({ kind: 'misses' }, cache.misses);
      geo.set({ kind: 'size' }, cache.size);
      geo.set({ kind: 'max' }, cache.max);
    },
  });
  const hitRate = reg.gauge({
    name: 'attackmap_geo_cache_hit_ratio', help: 'Share of GeoIP lookups answered by the cache since start.',
    collect: () => {
      const { hits, misses } = deps.enricher.info().cache;
      hitRate.set(hits + misses > 0 ? hits / (hits + misses) : 0);
    },
  });
  mirrorCounter(reg, 'attackmap_geo_unlocated_total', 'Endpoints that could not be placed on the map (private, reserved or unknown).', [],
    () => [[{}, deps.enricher.info().unlocated]]);
}
