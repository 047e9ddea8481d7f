/**
 * What the page reads from the server. Types only: the page does not bundle the server's schema
 * library; `decode.ts` checks the fields the page uses at the boundary.
 */
import type { AttackEvent, Category, Severity } from '../event/schema.js';

export type { AttackEvent, Category, Severity };

export const CATEGORY_LIST: readonly Category[] = ['scan', 'bruteforce', 'exploit', 'malware', 'dos', 'recon', 'policy', 'intel', 'other'];
export const SEVERITY_LIST: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** One ranked key of a top-N list. */
export interface KeyCount { key: string; count: number }

/** Server counters as the `stats` message and the hello snapshot carry them; every field optional. */
export interface Counters {
  total?: number;
  byCategory?: Record<string, number>;
  bySeverity?: Record<string, number>;
  /** Sum of `count` (repeats collapsed by a sensor count as many). */
  attacks?: number;
  /** Events in the last 60 s (older servers: perMinute). */
  lastMinute?: number;
  perMinute?: number;
  /** ISO time counting started. */
  since?: string;
  unlocated?: number;
  topSrcCountries?: KeyCount[];
  topSrcCountry?: KeyCount[];
  [key: string]: unknown;
}

export interface Hello {
  schema: number;
  view: 'public' | 'analyst';
  lastId?: string;
  resumed?: boolean;
  snapshot?: { events: AttackEvent[]; counters?: Counters };
}

export interface Gap { lost: number; fromId?: string; toId?: string }

export interface Site { name: string; lat: number; lon: number }

export interface GeoDb { kind?: string; origin?: string; builtAt?: string; licence?: string; attribution?: { text?: string; url?: string } }

export interface Info {
  version?: string;
  accessMode?: 'open' | 'public';
  view?: 'analyst' | 'public';
  analyst?: boolean;
  sites?: Site[];
  geo?: { databases?: GeoDb[] };
  demo?: boolean;
}

/** Answer of GET /api/stats, fields the page reads. */
export interface HistoryStats {
  total?: number;
  byCategory?: Record<string, number>;
  bySeverity?: Record<string, number>;
  top?: Record<string, KeyCount[]>;
  unlocated?: number;
}
