/**
 * Dotted-path reading for the JSON-shaped parsers (ecs, json, dionaea). The general readers
 * that used to live here (parseObject, str, ip, port, observer, ...) are in ../common and are
 * re-exported for existing importers.
 */
export {
  endpoint, epochToIso, ip, isObject, isUnspecified, observer, parseObject, parseObjectMaybeSyslog, port, putDetail,
  str, unspecifiedFor, type JsonObject,
} from '../common/index.js';
import type { JsonObject } from '../common/index.js';

/** Deepest dotted path we follow; mapping paths are short, so this only stops abuse. */
const MAX_PATH_PARTS = 16;

/**
 * The value at a dotted path, reading nested objects and dotted keys alike: `source.ip` finds
 * `{"source":{"ip":..}}` and `{"source.ip":..}` (Elastic documents mix both). The longest
 * literal key wins at each level. Undefined when absent.
 */
export function getPath(obj: unknown, path: string): unknown {
  const keys = candidateKeys(path);
  return keys ? walk(obj, keys, 0) : undefined;
}

/**
 * For each start part i, the literal keys parts[i..j] joined with dots, longest first. Built
 * once per path: paths come from code and config, so the cache stays small (bounded anyway).
 */
const keyCache = new Map<string, string[][]>();
const MAX_CACHED_PATHS = 1024;

function candidateKeys(path: string): string[][] | null {
  let keys = keyCache.get(path);
  if (keys) return keys;
  const parts = path.split('.');
  if (parts.length > MAX_PATH_PARTS) return null;
  keys = parts.map((_, i) => {
    const out: string[] = [];
    for (let j = parts.length; j > i; j--) out.push(parts.slice(i, j).join('.'));
    return out;
  });
  if (keyCache.size >= MAX_CACHED_PATHS) keyCache.clear();
  keyCache.set(path, keys);
  return keys;
}

function walk(o: unknown, keys: string[][], i: number): unknown {
  if (i === keys.length) return o;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const here = keys[i];
  for (let k = 0; k < here.length; k++) {
    const key = here[k];
    if (Object.prototype.hasOwnProperty.call(o, key)) {
      // here[k] spans parts i .. i + (here.length - k) - 1.
      const r = walk((o as JsonObject)[key], keys, i + here.length - k);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}
