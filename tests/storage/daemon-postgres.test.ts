/**
 * The daemon's store role on PostgreSQL, as people run it: it starts although PostgreSQL is
 * down, says what it is waiting for, and stores the waiting job once PostgreSQL answers (the
 * schema is created then, by the service).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { openTestPostgres, type TestPostgres } from '../support/postgres.js';
import { memoryLog } from '../support/memory-log.js';
import { startCli, type RunningCli } from '../support/cli.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { articleRecord } from './records.js';
import { openQueue, STORE_QUEUE, storeJobId, type StoreJobData } from '../../src/queues/queues.js';

let r: TestRedis;
let p: TestPostgres;
let proxy: TcpProxy;
let dir: string;
let daemon: RunningCli | undefined;
beforeEach(async () => {
  r = await openTestRedis();
  p = await openTestPostgres();
  proxy = await startTcpProxy('127.0.0.1', Number(new URL(p.url).port || 5432));
  dir = await tempDir();
});
afterEach(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  await proxy.close();
  await p.cleanup();
  await r.cleanup();
  await rm(dir, { recursive: true, force: true });
});

it('starts with PostgreSQL down, logs what it waits for, and stores the job when PostgreSQL is back', async () => {
  await proxy.down();
  const target = `127.0.0.1:${proxy.port}${new URL(p.url).pathname}`;
  const { file } = await writeWatchlist(dir, [], {
    sink: { type: 'postgres', url: p.urlVia(proxy.port), schema: p.schema, retry: { initial: '200ms', max: '1s' }, connectTimeout: '1s' },
  });
  daemon = startCli(['--config', file, '--prefix', r.keys.prefix, 'start', '--only', 'store'], { REDIS_URL: r.url });
  await daemon.waitForLine((l) => l.msg === 'daemon: started');
  expect(daemon.lines.find((l) => l.msg === 'store: writing kept articles')?.sink).toBe(`postgres:${target} (schema ${p.schema})`);

  const { log } = memoryLog();
  const queue = openQueue<StoreJobData>(STORE_QUEUE, r.redis, r.keys, log);
  const record = articleRecord(0);
  await queue.add('article', { record }, { jobId: storeJobId(record), attempts: 3 });
  const waiting = await daemon.waitForLine((l) => String(l.msg).startsWith('store: waiting for PostgreSQL'));
  expect(waiting.msg).toBe(`store: waiting for PostgreSQL at ${target} (ECONNREFUSED); 1 jobs waiting`);

  await proxy.up();
  await daemon.waitForLine((l) => l.msg === 'store: article stored', 20_000);
  expect(daemon.lines.filter((l) => String(l.msg).includes('is back after'))).toHaveLength(1);
  expect(await queue.getJobCountByTypes('failed')).toBe(0);
  expect(await p.query(`SELECT id FROM ${p.schema}.articles`)).toEqual([{ id: record.id }]);
  await queue.close();
});
