/** Opens the sink (write side) and the reader (read side) the watchlist's `settings.sink` names. */
import type { Settings } from '../config/schema.js';
import type { ArticleSink } from './article-sink.js';
import type { ArticleReader } from './article-reader.js';
import { NdjsonSink } from './ndjson-sink.js';
import { NdjsonReader } from './ndjson-reader.js';
import { PostgresSink } from './postgres/postgres-sink.js';
import { PostgresReader } from './postgres/postgres-reader.js';
import { describeDatabase } from './postgres/connection.js';

export type SinkSettings = Settings['sink'];

export async function openSink(sink: SinkSettings): Promise<ArticleSink> {
  switch (sink.type) {
    case 'ndjson':
      return NdjsonSink.open(sink.path);
    case 'postgres':
      return PostgresSink.open(sink);
  }
}

export function openArticleReader(sink: SinkSettings): ArticleReader {
  switch (sink.type) {
    case 'ndjson':
      return new NdjsonReader(sink.path);
    case 'postgres':
      return new PostgresReader(sink);
  }
}

/** One line for summaries (check-config): the kind of store and where, without credentials. */
export function describeSinkSettings(sink: SinkSettings): string {
  switch (sink.type) {
    case 'ndjson':
      return `ndjson ${sink.path}`;
    case 'postgres':
      return `postgres ${describeDatabase(sink.url)} (schema ${sink.schema})`;
  }
}
