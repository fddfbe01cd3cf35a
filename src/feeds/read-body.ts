/**
 * Reads an HTTP response body with Content-Encoding undone and a hard size cap.
 *
 * The cap is counted on the decompressed bytes while they stream, so a 10 KB gzip bomb
 * is stopped at maxBodyBytes instead of after it has filled memory.
 */

import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { BodyTooLargeError, FeedError } from './errors.js';

export async function readCappedBody(body: Readable, contentEncoding: string | null, maxBodyBytes: number, url: string): Promise<Buffer> {
  let decoders: Transform[];
  try {
    decoders = createDecoders(contentEncoding, url);
  } catch (err) {
    abandonBody(body); // an unread body would hold the connection
    throw err;
  }
  // pipeline() forwards an error or destroy() from any stage to all the others (and so to the socket).
  const source: Readable = decoders.length === 0 ? body : (pipeline([body, ...decoders], ignoreError) as unknown as Readable);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > maxBodyBytes) throw new BodyTooLargeError(url, maxBodyBytes);
      chunks.push(buf);
    }
  } catch (err) {
    abandonBody(body);
    for (const decoder of decoders) abandonBody(decoder);
    throw isZlibError(err) ? new FeedError(`fetch: ${url} sent a corrupt compressed body (${(err as Error).message}); will retry later`, {
      code: 'BAD_CONTENT_ENCODING', permanent: false, url, cause: err,
    }) : err;
  }
  return Buffer.concat(chunks, total);
}

function ignoreError(): void {
  // Errors surface through the async iterator or were already reported; nothing left to do.
}

/**
 * Destroys a body we stop reading. undici's body emits an AbortError when destroyed, and an
 * 'error' event without a listener would crash the process, so give it one first.
 */
export function abandonBody(stream: Readable | Transform): void {
  stream.on('error', ignoreError);
  stream.destroy();
}

/** Decoders in the order to apply them ("gzip, br" means br was applied last, so undo it first). */
function createDecoders(contentEncoding: string | null, url: string): Transform[] {
  if (contentEncoding === null) return [];
  const codings = contentEncoding.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  return codings.reverse().map((coding) => createDecoder(coding, url));
}

function createDecoder(coding: string, url: string): Transform {
  // Sync flush tolerates truncated streams, as browsers do, instead of dropping the whole body.
  const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
    case 'deflate':
      // Unzip detects gzip vs zlib headers: some servers label one as the other.
      return zlib.createUnzip(lenient);
    case 'br':
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      throw new FeedError(`fetch: ${url} sent an unsupported Content-Encoding "${coding}"; the server ignores our Accept-Encoding`, {
        code: 'UNSUPPORTED_CONTENT_ENCODING', permanent: true, url,
      });
  }
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR') || code.includes('BROTLI'));
}
