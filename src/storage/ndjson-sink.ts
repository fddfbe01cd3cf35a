/**
 * The embedded default store: an append-only NDJSON file, one article per line. The hashes already
 * in the file are read at open, so a retried job never writes a second line. One store process
 * per file: several processes appending to one file need the PostgreSQL sink instead.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ArticleSink, WriteOutcome } from './article-sink.js';
import type { StoredArticle } from './stored-article.js';

export class NdjsonSink implements ArticleSink {
  readonly description: string;
  private readonly hashes: Set<string>;
  private readonly file: FileHandle;
  /** Writes are serialised so two concurrent jobs never interleave bytes or race the hash check. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(file: FileHandle, filePath: string, hashes: Set<string>) {
    this.file = file;
    this.description = `ndjson:${filePath}`;
    this.hashes = hashes;
  }

  static async open(filePath: string): Promise<NdjsonSink> {
    const resolved = path.resolve(filePath);
    await mkdir(path.dirname(resolved), { recursive: true });
    const hashes = await readStoredHashes(resolved);
    const file = await open(resolved, 'a');
    return new NdjsonSink(file, resolved, hashes);
  }

  get size(): number {
    return this.hashes.size;
  }

  write(record: StoredArticle): Promise<WriteOutcome> {
    const next = this.tail.then(async (): Promise<WriteOutcome> => {
      if (this.hashes.has(record.contentHash)) return 'duplicate';
      await this.file.appendFile(`${JSON.stringify(record)}\n`);
      // Durable before the job is acknowledged: an acknowledged article must survive a crash.
      await this.file.datasync();
      this.hashes.add(record.contentHash);
      return 'written';
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.file.close();
  }
}

async function readStoredHashes(filePath: string): Promise<Set<string>> {
  const hashes = new Set<string>();
  const stream = createReadStream(filePath, { encoding: 'utf8' });
  const missing = new Promise<boolean>((resolve) => {
    stream.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ENOENT'));
    stream.once('open', () => resolve(false));
  });
  if (await missing) return hashes;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) {
    // A torn last line (crash mid-append) is skipped; its job was never acknowledged and will be retried.
    const match = /"contentHash":"([0-9a-f]{64})"/.exec(line);
    if (match?.[1]) hashes.add(match[1]);
  }
  return hashes;
}

/** Reads every record of an NDJSON store (demo, search, tests). Torn lines are skipped. */
export async function readNdjsonStore(filePath: string): Promise<StoredArticle[]> {
  const records: StoredArticle[] = [];
  let stream;
  try {
    stream = createReadStream(filePath, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream!.once('open', () => resolve());
      stream!.once('error', reject);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return records;
    throw err;
  }
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (line.trim().length === 0) continue;
    try {
      records.push(JSON.parse(line) as StoredArticle);
    } catch {
      // torn line
    }
  }
  return records;
}
