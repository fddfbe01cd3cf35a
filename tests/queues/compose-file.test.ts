/**
 * docker-compose.yml as operators rely on it: Redis with AOF and noeviction, PostgreSQL, the
 * Veille roles as separate services with health checks. (`.ci/run` also has docker compose
 * validate it; the engine itself is not available on the build machines.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/watchlist.js';

interface Service {
  command?: string[];
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
}

const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };

it('runs Redis append-only and never evicting, with PostgreSQL beside it', () => {
  const redis = compose.services.redis?.command?.join(' ') ?? '';
  expect(redis).toContain('--appendonly yes');
  expect(redis).toContain('--maxmemory-policy noeviction');
  expect(compose.services.postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
});

it('runs each Veille role as its own service, pollers twice, each with a health check', () => {
  const roles = Object.fromEntries(Object.entries(compose.services)
    .filter(([, s]) => s.command?.[0] === 'start')
    .map(([name, s]) => [name, s.command?.[s.command.indexOf('--only') + 1]]));
  expect(roles).toEqual({ scheduler: 'scheduler,notify', poll: 'poll', store: 'store' });
  expect(compose.services.poll?.deploy?.replicas).toBe(2);
  for (const name of Object.keys(roles)) {
    expect(compose.services[name]?.healthcheck?.test.join(' ')).toContain('/healthz');
    expect(compose.services[name]?.environment?.REDIS_URL).toBe('redis://redis:6379');
  }
});
