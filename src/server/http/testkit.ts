/**
 * The shared setup of route tests: a real SQLite log in a temp directory and a Fastify app with
 * the routes under test, listening on a loopback port. Used by tests only.
 */
import { afterAll, beforeAll } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { openSqliteLog, type SqliteEventLog, type SqliteLogOptions } from '../store/sqlite/index.js';
import { tempDir } from '../store/sqlite/testkit.js';

export interface RouteSuite {
  app: FastifyInstance;
  log: SqliteEventLog;
  /** The app's base URL, e.g. http://127.0.0.1:40123. */
  base: string;
}

export interface RouteSuiteOptions {
  /** Prefix of the temp data directory's name. */
  dirPrefix: string;
  /** Options for openSqliteLog other than dataDir (retentionIntervalMs defaults to 0: no timer). */
  log?: Omit<SqliteLogOptions, 'dataDir'>;
  /** Stores the suite's data before the app starts. */
  fill?: (log: SqliteEventLog) => Promise<void> | void;
  /** Registers the routes under test. */
  routes: (app: FastifyInstance, log: SqliteEventLog) => void;
}

/**
 * Registers beforeAll/afterAll for a route suite and returns it. Its fields are set once beforeAll
 * has run: read them inside tests, never at module level. afterAll closes the app and the log,
 * then removes the directory.
 */
export function useRouteSuite(o: RouteSuiteOptions): RouteSuite {
  const suite = {} as RouteSuite;
  let removeDir: (() => void) | undefined;
  beforeAll(async () => {
    const t = tempDir(o.dirPrefix);
    removeDir = t.remove;
    suite.log = openSqliteLog({ retentionIntervalMs: 0, ...o.log, dataDir: t.dir });
    await o.fill?.(suite.log);
    suite.app = Fastify();
    o.routes(suite.app, suite.log);
    suite.base = await suite.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await suite.app?.close();
    await suite.log?.close();
    removeDir?.();
  });
  return suite;
}
