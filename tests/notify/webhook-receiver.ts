/**
 * A real webhook endpoint on 127.0.0.1 for tests: records every request; answers each with
 * what `answer(n)` says for the n-th request (a status, or 'hang': accept and never reply).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests have arrived (or throws after `timeoutMs`, naming what came). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(answer: (n: number) => number | 'hang' = () => 200): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> = {};
      try { json = JSON.parse(body) as Record<string, unknown>; } catch { /* recorded as is */ }
      requests.push({ headers: req.headers, body, json });
      const reply = answer(requests.length);
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(reply, { 'content-type': 'text/plain' }).end(reply < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: ${requests.length} of ${count} requests arrived: ${requests.map((r) => r.body).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return requests.slice(0, count);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
