/**
 * Veille on a real Redis Cluster: three redis-server nodes started by the test, the cluster made
 * with redis-cli, and the daemon and `trigger --wait` pointed at it with a redis+cluster:// URL.
 * Every key sits under one hash tag (tests/queues/key-layout.test.ts), so BullMQ's scripts and
 * Veille's own run on one node.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { startFixtureFeedServer, type FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { findRedisServer, pingRedis } from '../../src/redis/locate-redis.js';
import { articlesOf, readNdjsonStore } from '../../src/storage/ndjson-sink.js';
import { tempDir, writeWatchlist, ndjsonPath } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { runCli, startCli } from '../support/cli.js';

const nodes: ChildProcess[] = [];
let dir: string;
let ports: number[] = [];
let server: FixtureFeedServer;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Ports whose cluster-bus twin (port + 10000) is free too. */
async function clusterPorts(count: number): Promise<number[]> {
  const chosen: number[] = [];
  for (let port = 21_000 + Math.floor(Math.random() * 20_000); chosen.length < count; port += 1) {
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) chosen.push(port);
  }
  return chosen;
}

beforeAll(async () => {
  const bin = findRedisServer();
  const cli = spawnSync('sh', ['-c', 'command -v redis-cli'], { encoding: 'utf8' }).stdout.trim();
  if (!bin || !cli) throw new Error('this test needs redis-server and redis-cli on PATH (Debian: apt-get install redis-server)');
  dir = await tempDir();
  ports = await clusterPorts(3);
  for (const port of ports) {
    const nodeDir = path.join(dir, String(port));
    await mkdir(nodeDir);
    nodes.push(spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
      '--dir', nodeDir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' }));
  }
  for (const port of ports) {
    for (let i = 0; i < 100 && !(await pingRedis(`redis://127.0.0.1:${port}`, 200)); i += 1) await new Promise((r) => setTimeout(r, 50));
  }
  const create = spawnSync(cli, ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  for (let i = 0; i < 100; i += 1) {
    const info = spawnSync(cli, ['-p', String(ports[0]), 'cluster', 'info'], { encoding: 'utf8' }).stdout;
    if (info.includes('cluster_state:ok')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  server = await startFixtureFeedServer();
}, 30_000);

afterAll(async () => {
  await server?.close();
  for (const node of nodes) node.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('polls, dedupes and stores through a Redis Cluster', async () => {
  server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance, ITEMS.football]), etag: '"c1"', contentType: 'application/rss+xml' });
  server.setRoute('/b.xml', { body: rssFeed('B', [{ ...ITEMS.alliance, link: 'https://b.example/copie', guid: 'b-1' }, ITEMS.lavrov]), contentType: 'application/rss+xml' });
  const { file, watchlist } = await writeWatchlist(dir, [{ id: 'a', url: server.url('/a.xml'), interval: '1h' }, { id: 'b', url: server.url('/b.xml'), interval: '1h' }]);
  const env = { REDIS_URL: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}` };
  const daemon = startCli(['--config', file, '--prefix', 'cluster-test', 'start'], env);
  try {
    await daemon.waitForLine((l) => l.msg === 'daemon: started');
    // The scheduler's first run polls both feeds at once; the story index keeps the shared story once.
    await daemon.waitForLine((l) => l.msg === 'poll: done' && l.feedId === 'a');
    await daemon.waitForLine((l) => l.msg === 'poll: done' && l.feedId === 'b');
    for (let i = 0; i < 100 && articlesOf(await readNdjsonStore(ndjsonPath(watchlist))).length < 2; i += 1) await new Promise((r) => setTimeout(r, 100));
    const records = await readNdjsonStore(ndjsonPath(watchlist));
    expect(articlesOf(records).map((a) => a.article.title).sort()).toEqual([ITEMS.alliance.title, ITEMS.lavrov.title].sort());
    for (let i = 0; i < 50 && !(await readNdjsonStore(ndjsonPath(watchlist))).some((r) => r.kind === 'sighting'); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect((await readNdjsonStore(ndjsonPath(watchlist))).filter((r) => r.kind === 'sighting')).toHaveLength(1);
    // The CLI reaches the daemon through the cluster too.
    const again = await runCli(['--config', file, '--prefix', 'cluster-test', 'trigger', 'a', '--wait'], env);
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain('a: HTTP 304');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  } finally {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  }
}, 60_000);
