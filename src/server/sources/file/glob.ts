/**
 * File-name patterns for the file source. Wildcards are allowed in the last path component
 * only (`/var/log/suricata/eve*.json`), which covers rotated and per-sensor files without a
 * recursive directory walk on every poll.
 */
import { basename, dirname } from 'node:path';

const WILDCARD = /[*?[]/;

export interface FilePattern {
  dir: string;
  /** Null when the path names one file. */
  match: RegExp | null;
  name: string;
}

/** Returns a problem text when `path` is not usable, else null. */
export function checkPattern(path: string): string | null {
  if (path.length === 0) return 'must not be empty';
  if (path.includes('\0')) return 'must not contain NUL';
  if (WILDCARD.test(dirname(path))) return 'wildcards are allowed in the file name only, not in directories';
  return null;
}

/** `*` = any run of characters but `/`, `?` = one character, `[abc]` = a class. */
export function parsePattern(path: string): FilePattern {
  const dir = dirname(path);
  const name = basename(path);
  if (!WILDCARD.test(name)) return { dir, match: null, name };
  let re = '^';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = name.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        const body = name.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return { dir, match: new RegExp(re + '$'), name };
}
