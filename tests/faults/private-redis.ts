/**
 * A redis-server of the test's own, on a free port with its append-only file in a temporary
 * folder, that the test can stop (SIGTERM or SIGKILL) and start again on the same port and folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

export interface PrivateRedisServer {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function untilPong(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      // Ready once the AOF is loaded: PING answers LOADING before that.
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not yet
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server on ${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startPrivateRedisServer(dir: string): Promise<PrivateRedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    child = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '',
      '--maxmemory-policy', 'noeviction', '--logfile', 'redis.log',
    ], { stdio: 'ignore' });
    const c = child;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    await untilPong(url, 10_000);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL') => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  await start();
  return { port, url, start, stop, close: () => stop('SIGKILL') };
}
