/**
 * The audit every fault case ends with: once the system has settled, every relevant story the
 * farm served is stored exactly once (no story missing, none twice, nothing else kept), and no
 * job is left waiting, active or delayed on the poll and store queues, none failed in store.
 */
import { expect } from 'vitest';
import type { Queue } from 'bullmq';
import { articlesOf, readNdjsonStore } from '../../src/storage/ndjson-sink.js';
import type { GeneratedStory } from '../dedupe/story-generator.js';

export interface StoredRow {
  id: string;
  title: string;
}

export interface AuditReport {
  expected: number;
  stored: number;
  missing: string[];
  twice: string[];
  unexpected: string[];
  polls: Record<string, number>;
  stores: Record<string, number>;
}

/** The articles of an NDJSON store as rows (id, title). */
export async function ndjsonRows(file: string): Promise<StoredRow[]> {
  return articlesOf(await readNdjsonStore(file)).map((a) => ({ id: a.id, title: a.article.title }));
}

const UNFINISHED = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export async function queueCounts(queue: Queue): Promise<Record<string, number>> {
  return queue.getJobCounts(...UNFINISHED, 'completed', 'failed');
}

const unfinished = (counts: Record<string, number>) => UNFINISHED.reduce((sum, state) => sum + (counts[state] ?? 0), 0);

/**
 * Waits until both queues have nothing unfinished and the store holds at least as many articles
 * as expected (or the deadline passes), then audits. `rows` reads the sink.
 */
export async function settleAndAudit(options: {
  expected: Map<string, GeneratedStory>;
  rows: () => Promise<StoredRow[]>;
  pollQueue: Queue;
  storeQueue: Queue;
  timeoutMs: number;
  /** Called while waiting (e.g. to restart a process); returns nothing. */
  tick?: () => Promise<void>;
}): Promise<AuditReport> {
  const deadline = Date.now() + options.timeoutMs;
  let polls: Record<string, number> = {};
  let stores: Record<string, number> = {};
  let rows: StoredRow[] = [];
  let quiet = 0;
  for (;;) {
    await options.tick?.();
    polls = await queueCounts(options.pollQueue);
    stores = await queueCounts(options.storeQueue);
    rows = await options.rows();
    // Settled: queues empty on two looks in a row, 200 ms apart.
    quiet = unfinished(polls) === 0 && unfinished(stores) === 0 ? quiet + 1 : 0;
    if (quiet >= 2 && rows.length >= options.expected.size) break;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const byId = new Map<string, number>();
  for (const row of rows) byId.set(row.id, (byId.get(row.id) ?? 0) + 1);
  const report: AuditReport = {
    expected: options.expected.size,
    stored: rows.length,
    missing: [...options.expected.entries()].filter(([id]) => !byId.has(id)).map(([id, s]) => `${id} ${s.title}`),
    twice: [...byId.entries()].filter(([, n]) => n > 1).map(([id]) => id),
    unexpected: rows.filter((row) => !options.expected.has(row.id)).map((row) => `${row.id} ${row.title}`),
    polls,
    stores,
  };
  return report;
}

/** The assertions of the audit, with the whole report in the failure message. */
export function expectExactlyOnce(report: AuditReport, context: string): void {
  const detail = `${context}: ${JSON.stringify(report, null, 1)}`;
  expect(report.missing, detail).toEqual([]);
  expect(report.twice, detail).toEqual([]);
  expect(report.unexpected, detail).toEqual([]);
  expect(report.stored, detail).toBe(report.expected);
  expect(unfinished(report.polls), detail).toBe(0);
  expect(unfinished(report.stores), detail).toBe(0);
  expect(report.stores.failed ?? 0, detail).toBe(0);
}
