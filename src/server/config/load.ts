/**
 * Loads the configuration: defaults, then the file (YAML or JSON), then ATTACKMAP_* environment
 * variables, then CLI overrides; validated once, naming the offending key.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ConfigSchema, type Config } from './schema.js';
import { CodedError } from '../../event/errors.js';
import { schemaMessage } from '../../event/schema-message.js';

const checker = TypeCompiler.Compile(ConfigSchema);

export type Overrides = { [section: string]: Record<string, unknown> };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads a config file as YAML (JSON is YAML too). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CodedError('CONFIG_UNREADABLE', `${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new CodedError('CONFIG_UNREADABLE', `${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new CodedError('CONFIG_UNREADABLE', `${path}: the top level must be a mapping`);
  return doc;
}

/** Coerces environment text to the type the schema expects for that key. */
function coerce(schema: any, text: string): unknown {
  const kind = schema?.type;
  if (kind === 'integer' || kind === 'number') {
    const n = Number(text);
    return text.trim() === '' || Number.isNaN(n) ? text : n;
  }
  if (kind === 'boolean') return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text;
  if (kind === 'array' || kind === 'object') {
    try { return JSON.parse(text); } catch { return text; }
  }
  return text;
}

/**
 * ATTACKMAP_<SECTION>_<KEY> (case-insensitive key match: ATTACKMAP_INGEST_MAXBODYBYTES sets
 * ingest.maxBodyBytes). ATTACKMAP_SITES and ATTACKMAP_SOURCES take JSON arrays.
 */
export function envOverrides(env: NodeJS.ProcessEnv): Overrides {
  const out: Overrides = {};
  const props = (ConfigSchema as any).properties as Record<string, any>;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('ATTACKMAP_') || value === undefined) continue;
    const rest = name.slice('ATTACKMAP_'.length).toLowerCase();
    for (const [section, sectionSchema] of Object.entries(props)) {
      if (sectionSchema.type === 'array' && rest === section.toLowerCase()) {
        (out as any)[section] = coerce(sectionSchema, value);
        continue;
      }
      if (!rest.startsWith(section.toLowerCase() + '_') || sectionSchema.type !== 'object') continue;
      const keyLower = rest.slice(section.length + 1).replace(/_/g, '');
      const key = Object.keys(sectionSchema.properties).find((k) => k.toLowerCase() === keyLower);
      if (!key) throw new CodedError('CONFIG_INVALID', `${name}: no key ${section}.${rest.slice(section.length + 1)}`);
      (out[section] ??= {})[key] = coerce(sectionSchema.properties[key], value);
    }
  }
  return out;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? merge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/** Builds and validates the configuration. Throws CodedError('CONFIG_INVALID') naming the key. */
export function buildConfig(layers: { file?: Record<string, unknown>; env?: Overrides; cli?: Overrides }): Config {
  let raw: Record<string, unknown> = {};
  for (const layer of [layers.file, layers.env, layers.cli]) if (layer) raw = merge(raw, layer as Record<string, unknown>);
  const withDefaults = Value.Default(ConfigSchema, Value.Clone(raw)) as unknown;
  if (!checker.Check(withDefaults)) {
    const first = checker.Errors(withDefaults).First();
    // `/sites/0/lat` reads `sites[0].lat`, as the source checks name their keys.
    const key = (first?.path ?? '').replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.') || '(top level)';
    throw new CodedError('CONFIG_INVALID', `${key}: ${schemaMessage(first)}`);
  }
  return withDefaults as Config;
}

/** The usual path: optional file, process environment, CLI overrides. */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; cli?: Overrides } = {}): Config {
  return buildConfig({
    file: opts.file ? readConfigFile(opts.file) : undefined,
    env: envOverrides(opts.env ?? process.env),
    cli: opts.cli,
  });
}
