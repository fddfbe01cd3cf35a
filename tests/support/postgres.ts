/**
 * Per-test PostgreSQL: the run's database (`$TEST_DATABASE_URL`, else `test` on 127.0.0.1:5432),
 * a fresh schema name per test (the sink creates it by migrating), and a cleanup that drops it.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Settings } from '../../src/config/schema.js';
import { withDefaultUser } from '../../src/storage/postgres/connection.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';

export type PostgresSinkConfig = Extract<Settings['sink'], { type: 'postgres' }>;

export interface TestPostgres {
  url: string;
  schema: string;
  /** Sink settings for this schema, with short waits while PostgreSQL is down. */
  sink(overrides?: Partial<PostgresSinkConfig>): PostgresSinkConfig;
  /** A query on the test database, schema-qualified by the caller (`${t.schema}.articles`). */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  cleanup(): Promise<void>;
}

export function openTestPostgres(): TestPostgres {
  const schema = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const pool = new pg.Pool({ connectionString: withDefaultUser(TEST_DATABASE_URL), max: 2 });
  pool.on('error', () => undefined);
  return {
    url: TEST_DATABASE_URL,
    schema,
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
