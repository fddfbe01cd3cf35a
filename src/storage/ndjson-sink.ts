/**
 * The embedded default store: an append-only NDJSON file, one record per line (`kind`: article,
 * update or sighting). The keys already in the file are read at open, so a retried job never
 * writes a second line. One store process per file: several processes appending to one file
 * need the PostgreSQL sink instead.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ArticleSink, WriteOutcome } from './article-sink.js';
import { recordKey, type StoreRecord, type StoredArticle } from './stored-article.js';

export class NdjsonSink implements ArticleSink {
  readonly description: string;
  private readonly keys: Set<string>;
  private readonly file: FileHandle;
  /** Writes are serialised so two concurrent jobs never interleave bytes or race the hash check. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(file: FileHandle, filePath: string, keys: Set<string>) {
    this.file = file;
    this.description = `ndjson:${filePath}`;
    this.keys = keys;
  }

  static async open(filePath: string): Promise<NdjsonSink> {
    const resolved = path.resolve(filePath);
    await mkdir(path.dirname(resolved), { recursive: true });
    const keys = new Set((await readNdjsonStore(resolved)).map(recordKey));
    const file = await open(resolved, 'a');
    return new NdjsonSink(file, resolved, keys);
  }

  /** Number of records held. */
  get size(): number {
    return this.keys.size;
  }

  write(record: StoreRecord): Promise<WriteOutcome> {
    const key = recordKey(record);
    const next = this.tail.then(async (): Promise<WriteOutcome> => {
      if (this.keys.has(key)) return 'duplicate';
      await this.file.appendFile(`${JSON.stringify(record)}\n`);
      // Durable before the job is acknowledged: an acknowledged article must survive a crash.
      await this.file.datasync();
      this.keys.add(key);
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

/** Reads every record of an NDJSON store (demo, search, tests). Torn lines are skipped. */
export async function readNdjsonStore(filePath: string): Promise<StoreRecord[]> {
  const records: StoreRecord[] = [];
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
      const record = JSON.parse(line) as StoreRecord;
      if (typeof record === 'object' && record !== null && typeof record.kind === 'string') records.push(record);
    } catch {
      // A torn last line (crash mid-append): its job was never acknowledged and will be retried.
    }
  }
  return records;
}

/** The stored articles (not their updates or sightings). */
export function articlesOf(records: StoreRecord[]): StoredArticle[] {
  return records.filter((r): r is StoredArticle => r.kind === 'article');
}
