/**
 * Per-test PostgreSQL: the run's database (`$TEST_DATABASE_URL`, else `test` on 127.0.0.1:5432 as
 * the `postgres` role, which every fresh cluster has; created when missing), a fresh schema name
 * per test (the sink creates it by migrating), and a cleanup that drops it.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Settings } from '../../src/config/schema.js';
import { withDefaultUser } from '../../src/storage/postgres/connection.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type PostgresSinkConfig = Extract<Settings['sink'], { type: 'postgres' }>;

export interface TestPostgres {
  url: string;
  schema: string;
  /** Sink settings for this schema, with short waits while PostgreSQL is down. */
  sink(overrides?: Partial<PostgresSinkConfig>): PostgresSinkConfig;
  /** The same server on another host:port (a proxy), same user and database. */
  urlVia(port: number): string;
  /** A query on the test database, schema-qualified by the caller (`${t.schema}.articles`). */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  cleanup(): Promise<void>;
}

let databaseReady: Promise<void> | undefined;

/** Creates the test database on a fresh cluster (once per test file). */
async function ensureDatabase(): Promise<void> {
  const probe = new pg.Client({ connectionString: withDefaultUser(TEST_DATABASE_URL) });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const url = new URL(withDefaultUser(TEST_DATABASE_URL));
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // another test file created it first
  } finally {
    await admin.end();
  }
}

export async function openTestPostgres(): Promise<TestPostgres> {
  databaseReady ??= ensureDatabase();
  await databaseReady;
  const schema = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const pool = new pg.Pool({ connectionString: withDefaultUser(TEST_DATABASE_URL), max: 2 });
  pool.on('error', () => undefined);
  return {
    url: TEST_DATABASE_URL,
    schema,
    urlVia(port: number) {
      const url = new URL(TEST_DATABASE_URL);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    sink: (overrides = {}) => ({
      type: 'postgres',
      url: TEST_DATABASE_URL,
      schema,
      retry: { initial: 100, max: 400 },
      connectTimeout: 2_000,
      ...overrides,
    }),
    async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      return (await pool.query<R>(sql, params)).rows;
    },
    async cleanup() {
      await pool.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await pool.end();
    },
  };
}
