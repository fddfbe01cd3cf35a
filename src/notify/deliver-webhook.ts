/**
 * One delivery attempt: POST the payload as JSON to the webhook, signed when it has a secret,
 * within its timeout. A 2xx is success; a 4xx that retrying cannot fix (other than 408, 425,
 * 429) and a redirect are permanent; anything else — 5xx, timeouts, refused connections — is
 * transient and retried by the queue.
 */
import { createHmac } from 'node:crypto';
import type { WebhookConfig } from '../config/schema.js';
import type { NotificationPayload } from './payloads.js';

export class WebhookError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly httpStatus: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookError';
  }
}

export const SIGNATURE_HEADER = 'x-veille-signature-256';

/** `sha256=<hex>` of the exact body bytes, as receivers recompute it. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const RETRYABLE_4XX = new Set([408, 425, 429]);

export interface DeliveryResult {
  httpStatus: number;
  durationMs: number;
}

export async function deliverWebhook(hook: WebhookConfig, payload: NotificationPayload, userAgent: string): Promise<DeliveryResult> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': userAgent,
    'x-veille-event': payload.event,
    'x-veille-delivery': payload.deliveryId,
  };
  if (hook.secret) headers[SIGNATURE_HEADER] = signBody(body, hook.secret);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(hook.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(hook.timeout) });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new WebhookError(
      timedOut ? `webhook: ${hook.url} did not answer within ${hook.timeout} ms (settings.webhooks[].timeout)` : `webhook: POST ${hook.url} failed${cause || `: ${String(err)}`}`,
      false, null, { cause: err },
    );
  }
  // Read (and drop) the answer so the connection can be reused; the timeout still bounds it.
  await response.arrayBuffer().catch(() => undefined);
  const durationMs = Math.round(performance.now() - started);
  const status = response.status;
  if (status >= 200 && status < 300) return { httpStatus: status, durationMs };
  if (status >= 300 && status < 400) {
    throw new WebhookError(`webhook: ${hook.url} answered ${status} (redirect to ${response.headers.get('location') ?? '?'}); set the final URL in settings.webhooks[].url`, true, status);
  }
  const permanent = status >= 400 && status < 500 && !RETRYABLE_4XX.has(status);
  throw new WebhookError(`webhook: ${hook.url} answered ${status}${permanent ? ' (not retried: fix the endpoint or settings.webhooks[].url)' : ''}`, permanent, status);
}
