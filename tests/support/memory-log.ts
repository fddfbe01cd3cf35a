/** A pino logger writing JSON lines into memory, so tests can assert what was logged. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logging/logger.js';

export interface MemoryLog {
  log: Logger;
  lines: Record<string, unknown>[];
  find(predicate: (line: Record<string, unknown>) => boolean): Record<string, unknown> | undefined;
}

export function memoryLog(level = 'debug'): MemoryLog {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger({ level, destination });
  return { log, lines, find: (predicate) => lines.find(predicate) };
}
