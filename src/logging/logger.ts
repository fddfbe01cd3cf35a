/**
 * The service's pino logger: JSON lines with stable fields (feedId, jobId, url, durationMs, err)
 * for machines, pretty-printed when stdout is a terminal so a person can read it.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout (pretty on a TTY). Tests pass an in-memory stream. */
  destination?: DestinationStream;
  /** Write to stderr instead of stdout (CLI commands whose stdout is their answer). */
  stderr?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const base = { name: 'veille' };
  const serializers = { err: pino.stdSerializers.err };
  if (options.destination) return pino({ level, base, serializers }, options.destination);
  const fd = options.stderr ? 2 : 1;
  const stream = options.stderr ? process.stderr : process.stdout;
  if (stream.isTTY && process.env.LOG_FORMAT !== 'json') {
    return pino({ level, base, serializers }, pretty({ colorize: true, destination: fd, sync: true, ignore: 'pid,hostname,name' }));
  }
  return pino({ level, base, serializers }, pino.destination({ fd, sync: false }));
}
