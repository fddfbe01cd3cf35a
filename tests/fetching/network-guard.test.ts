/**
 * Article links come from third parties: the network guard refuses loopback, private,
 * link-local and metadata addresses — for IP literals before connecting, for names after DNS
 * resolution, on every redirect hop — unless settings.network.allowRanges lists the range.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockedAddressError } from '../../src/feeds/errors.js';
import { fetchFeed } from '../../src/feeds/fetch-feed.js';
import { compileAllowedRanges, isCidr, refusalReason } from '../../src/fulltext/ip-ranges.js';
import { createNetworkGuard, type NetworkGuard } from '../../src/fulltext/network-guard.js';
import { ConfigError, parseWatchlist } from '../../src/config/watchlist.js';
import { watchlistYaml } from '../support/watchlist.js';
import { startHostileServer, type HostileServer } from './hostile-server.js';

describe('refusalReason', () => {
  const none = compileAllowedRanges([]);
  it.each([
    ['127.0.0.1', 'loopback'], ['127.9.9.9', 'loopback'], ['10.1.2.3', 'private'], ['172.16.5.4', 'private'], ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'], ['169.254.169.254', 'link-local (cloud metadata)'], ['100.100.100.200', 'carrier-grade NAT'], ['0.0.0.0', 'this network'],
    ['224.0.0.1', 'multicast'], ['::1', 'loopback'], ['::', 'unspecified'], ['fe80::1', 'link-local'], ['fd00:ec2::254', 'unique local'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:a9fe:a9fe', 'link-local'], ['64:ff9b::10.0.0.1', 'private'],
  ])('refuses %s (%s)', (address, what) => {
    expect(refusalReason(address, none)).toContain(what);
  });
  it.each(['8.8.8.8', '172.32.0.1', '151.101.1.140', '2a04:4e42::396', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(refusalReason(address, none)).toBeNull();
  });
  it('allows exactly the ranges the config lists', () => {
    const allowed = compileAllowedRanges(['127.0.0.1/32', '10.20.0.0/16', 'fd00::/8']);
    expect(refusalReason('127.0.0.1', allowed)).toBeNull();
    expect(refusalReason('::ffff:127.0.0.1', allowed)).toBeNull();
    expect(refusalReason('127.0.0.2', allowed)).toContain('loopback');
    expect(refusalReason('10.20.3.4', allowed)).toBeNull();
    expect(refusalReason('10.21.3.4', allowed)).toContain('private');
    expect(refusalReason('fd12::1', allowed)).toBeNull();
  });
  it('validates ranges in the watchlist', () => {
    expect(['10.0.0.0/8', '127.0.0.1', '::1/128'].every(isCidr)).toBe(true);
    expect(['10.0.0.0/33', 'localhost', '10.0.0/8', '1.2.3.4/8/9'].some(isCidr)).toBe(false);
    const bad = (() => { try { parseWatchlist(watchlistYaml([], { network: { allowRanges: ['intranet'] } }), 'w.yaml'); return null; } catch (e) { return e; } })();
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as Error).message).toContain('settings.network.allowRanges[0]: expected an IP range in CIDR notation');
  });
});

describe('guarded fetches', () => {
  let server: HostileServer;
  let closed: NetworkGuard;
  let open: NetworkGuard;
  beforeAll(async () => {
    server = await startHostileServer();
    server.route('/page', (_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end('<p>ok</p>'); });
    server.route('/to-other-loopback', (_req, res) => { res.writeHead(302, { location: `http://127.0.0.2:${new URL(server.baseUrl).port}/page` }).end(); });
    server.route('/to-metadata', (_req, res) => { res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end(); });
    server.route('/to-localhost', (_req, res) => { res.writeHead(302, { location: `http://localhost:${new URL(server.baseUrl).port}/page` }).end(); });
    closed = createNetworkGuard([]);
    open = createNetworkGuard(['127.0.0.1/32']);
  });
  afterAll(async () => {
    await server.close();
    await closed.close();
    await open.close();
  });
  const guarded = (guard: NetworkGuard, url: string) => fetchFeed({
    url, timeoutMs: 2_000, maxBodyBytes: 100_000, userAgent: 'Veille-test/1.0', dispatcher: guard.dispatcher, checkTarget: guard.checkTarget,
  });
  const refused = async (guard: NetworkGuard, url: string): Promise<BlockedAddressError> => {
    const err = await guarded(guard, url).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(BlockedAddressError);
    expect((err as BlockedAddressError).permanent).toBe(true);
    return err as BlockedAddressError;
  };

  it('refuses an IP literal on loopback before connecting', async () => {
    const before = server.requests.length;
    const err = await refused(closed, server.url('/page'));
    expect(err.message).toContain('127.0.0.1 is a loopback address');
    expect(err.message).toContain('settings.network.allowRanges');
    expect(server.requests.length).toBe(before);
  });

  it('refuses a name that resolves to loopback, after DNS resolution', async () => {
    const before = server.requests.length;
    const err = await refused(closed, `http://localhost:${new URL(server.baseUrl).port}/page`);
    expect(err.message).toContain('localhost resolves to 127.0.0.1, a loopback address');
    expect(server.requests.length).toBe(before);
  });

  it('refuses IPv6 loopback and a mapped IPv4 literal', async () => {
    await refused(closed, 'http://[::1]:9/page');
    await refused(closed, 'http://[::ffff:127.0.0.1]:9/page');
  });

  it('fetches from an allowed range, and checks every redirect hop', async () => {
    expect((await guarded(open, server.url('/page'))).kind).toBe('fetched');
    expect((await guarded(open, server.url('/to-localhost'))).kind).toBe('fetched'); // localhost → 127.0.0.1, allowed
    expect((await refused(open, server.url('/to-other-loopback'))).message).toContain('127.0.0.2 is a loopback address');
    expect((await refused(open, server.url('/to-metadata'))).message).toContain('169.254.169.254 is a link-local (cloud metadata) address');
  });
});
