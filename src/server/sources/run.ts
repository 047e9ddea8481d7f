/**
 * Starts the configured sources, each with its format's parser, its own correlator and the
 * pipeline behind its SourceContext.
 */
import type { Config } from '../config/schema.js';
import type { Site } from '../enrich/types.js';
import type { Pipeline } from '../pipeline.js';
import type { EventLog } from '../store/types.js';
import { parserFor } from '../parsers/index.js';
import { sensorContext } from '../parsers/types.js';
import { sourceType } from './index.js';
import type { Source, SourceConfigBase, SourceContext } from './types.js';
import { CodedError } from '../../event/errors.js';
import { isValidTimeZone } from '../../event/time.js';

type LogLine = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface RunningSources {
  names: string[];
  stats(): { name: string; type: string; received: number; lastRecordAt: string | null; errors: number; problem: string | null }[];
  stop(): Promise<void>;
}

/** The configured sources plus the demo source when `demo.enabled`. */
export function sourceConfigs(config: Config): SourceConfigBase[] {
  const list = config.sources.map((s) => {
    const entry = { ...s } as SourceConfigBase;
    entry.format ??= sourceType(s.type)?.defaultFormat;
    return entry;
  });
  if (config.demo.enabled) list.push({ type: 'demo', name: 'demo', rate: config.demo.rate, seed: config.demo.seed });
  return list;
}

/** Checks every source entry; throws CONFIG_INVALID naming `sources[i].key`. */
export function checkSources(config: Config, sites: Site[]): void {
  const names = new Set<string>();
  sourceConfigs(config).forEach((s, i) => {
    const at = `sources[${i}]`;
    const type = sourceType(s.type);
    if (!type) throw new CodedError('CONFIG_INVALID', `${at}.type: unknown source type ${JSON.stringify(s.type)}`);
    if (names.has(s.name)) throw new CodedError('CONFIG_INVALID', `${at}.name: ${JSON.stringify(s.name)} is used twice`);
    names.add(s.name);
    if (s.format !== undefined) {
      const parser = parserFor(s.format);
      if (!parser) throw new CodedError('CONFIG_INVALID', `${at}.format: unknown format ${JSON.stringify(s.format)} (see \`attackmap formats\`)`);
      const problem = parser.checkOptions?.(s.options ?? {});
      if (problem) throw new CodedError('CONFIG_INVALID', `${at}.options: ${problem}`);
    }
    if (s.timezone !== undefined && !isValidTimeZone(s.timezone)) {
      throw new CodedError('CONFIG_INVALID', `${at}.timezone: unknown IANA time zone ${JSON.stringify(s.timezone)}`);
    }
    if (s.site !== undefined && !sites.some((site) => site.name === s.site)) {
      throw new CodedError('CONFIG_INVALID', `${at}.site: no site named ${JSON.stringify(s.site)} in sites`);
    }
    const problem = type.check(s);
    if (problem) throw new CodedError('CONFIG_INVALID', `${at}.${problem}`);
  });
}

export async function startSources(
  config: Config,
  sites: Site[],
  deps: { pipeline: Pipeline; log: EventLog; now: () => Date; logLine: LogLine },
): Promise<RunningSources> {
  checkSources(config, sites);
  const running: { source: Source; type: string }[] = [];
  for (const cfg of sourceConfigs(config)) {
    const type = sourceType(cfg.type)!;
    const parser = cfg.format ? parserFor(cfg.format) : undefined;
    const correlator = parser?.correlator?.();
    const named = sensorContext(cfg.sensor, cfg.name);
    const ctx: SourceContext = {
      async submitRecords(records, origin) {
        if (!parser) throw new CodedError('CONFIG_INVALID', `source ${cfg.name}: no format configured`);
        return deps.pipeline.submitRecords(records, {
          parser,
          // An explicit `sensor:` wins over the records' own names; the default (the source name) does not.
          ctx: { now: deps.now(), timezone: cfg.timezone ?? 'UTC', ...named, site: cfg.site, options: cfg.options },
          correlator,
          source: cfg.name,
          position: origin.position,
        });
      },
      async submitEvents(events, _origin) {
        return deps.pipeline.submitEvents(events, { sensor: named.sensor, site: cfg.site, product: cfg.type, source: cfg.name });
      },
      state: deps.log,
      log: (level, message, fields) => deps.logLine(level, message, { source: cfg.name, ...fields }),
      now: deps.now,
    };
    const source = type.create(cfg, ctx);
    await source.start();
    running.push({ source, type: cfg.type });
  }
  return {
    names: running.map((r) => r.source.name),
    stats: () => running.map((r) => ({ name: r.source.name, type: r.type, ...r.source.stats(), problem: r.source.problem?.() ?? null })),
    async stop() {
      await Promise.all(running.map((r) => r.source.stop().catch(() => undefined)));
    },
  };
}
