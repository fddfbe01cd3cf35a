/**
 * Redis Cluster readiness: after a real run of every role (scheduler, poll with its host limiter,
 * store, dedupe), every key the deployment wrote carries the same single hash tag `{prefix}`, so
 * all of them hash to one slot and the multi-key scripts and pipelines stay legal on a cluster.
 */
import { expect, it } from 'vitest';
import { createKeyspace } from '../../src/queues/keyspace.js';
import { useTestEnvironment } from '../support/environment.js';
import { writeWatchlist } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { runCli, startCli } from '../support/cli.js';

const env = useTestEnvironment();

/** The part of a key Redis Cluster hashes: the first {…} with something inside, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

it('puts every key of a deployment under one hash tag', async () => {
  const { server, t, dir } = env;
  expect(createKeyspace('veille').root).toBe('{veille}');
  server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance, ITEMS.lavrov, ITEMS.football]), etag: '"1"', contentType: 'application/rss+xml' });
  server.setRoute('/b.xml', { body: rssFeed('B', [{ ...ITEMS.alliance, link: 'https://b.example/x', guid: 'b-1' }]), contentType: 'application/rss+xml' });
  const { file } = await writeWatchlist(dir, [{ id: 'a', url: server.url('/a.xml'), interval: '1h' }, { id: 'b', url: server.url('/b.xml'), interval: '1h' }]);
  const daemon = startCli(['--config', file, '--prefix', t.keys.prefix, 'start'], { REDIS_URL: t.url });
  env.processes.push(daemon);
  await daemon.waitForLine((l) => l.msg === 'daemon: started');
  const result = await runCli(['--config', file, '--prefix', t.keys.prefix, 'trigger', '--all', '--wait'], { REDIS_URL: t.url });
  expect(result.code).toBe(0);
  await daemon.waitForLine((l) => l.msg === 'store: article stored');

  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await t.redis.scan(cursor, 'MATCH', `*${t.keys.prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  // Every kind of key was written: queues, schedulers, feed state, seen items, story index, host limiter.
  for (const part of [':poll:', ':store:', ':feed:', ':seen:', ':nd:', ':host:']) expect(keys.some((k) => k.includes(part))).toBe(true);
  expect(keys.filter((k) => hashTag(k) !== t.keys.prefix)).toEqual([]);
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
});
