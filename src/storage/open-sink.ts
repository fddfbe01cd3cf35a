/** Opens the sink the watchlist's `settings.sink` names. */
import type { Settings } from '../config/schema.js';
import type { ArticleSink } from './article-sink.js';
import { NdjsonSink } from './ndjson-sink.js';

export async function openSink(sink: Settings['sink']): Promise<ArticleSink> {
  switch (sink.type) {
    case 'ndjson':
      return NdjsonSink.open(sink.path);
  }
}
