import type Database from 'better-sqlite3';
import type { StatsQuery, StatsResult } from '../types.js';
export function runStats(_db: Database.Database, _q: StatsQuery): StatsResult {
  throw new Error('not yet');
}
