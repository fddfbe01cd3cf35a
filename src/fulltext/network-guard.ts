/**
 * The connection pool for fetches of third-party URLs (article pages): every address it connects
 * to is checked against ip-ranges.ts after DNS resolution, on every hop of a redirect chain,
 * inside the connection itself, so a name that resolves differently on a second lookup (DNS
 * rebinding) cannot slip past. IP literals skip DNS, so checkTarget judges them before connecting.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type BlockList, type LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { BlockedAddressError } from '../feeds/errors.js';
import { compileAllowedRanges, refusalReason } from './ip-ranges.js';

export interface NetworkGuard {
  /** Pass as FetchFeedOptions.dispatcher. */
  dispatcher: Agent;
  /** Pass as FetchFeedOptions.checkTarget. */
  checkTarget(url: URL): void;
  close(): Promise<void>;
}

export function createNetworkGuard(allowRanges: readonly string[]): NetworkGuard {
  const allowed = compileAllowedRanges(allowRanges);
  const lookup: LookupFunction = (hostname, options: LookupOptions, callback) => {
    const wantsAll = options.all === true;
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) {
        callback(err, wantsAll ? [] : '');
        return;
      }
      // One refused address refuses the name: round-robin must not make the check a lottery.
      const refusal = addresses.map((a) => refusalReason(a.address, allowed)).find((r) => r !== null);
      if (refusal) {
        callback(Object.assign(new Error(`${hostname} resolves to ${refusal}`.replace(/ is (an?) /, ', $1 ')), { code: 'EBLOCKEDADDRESS' }), wantsAll ? [] : '');
        return;
      }
      if (wantsAll) callback(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    });
  };
  const dispatcher = new Agent({ connect: { timeout: 10_000, lookup }, keepAliveTimeout: 10_000, connections: 16 });
  return {
    dispatcher,
    checkTarget: (url) => checkLiteralHost(url, allowed),
    close: () => dispatcher.close(),
  };
}

function checkLiteralHost(url: URL, allowed: BlockList): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) return; // names are judged after resolution, in lookup
  const reason = refusalReason(host, allowed);
  if (reason) throw new BlockedAddressError(url.href, reason);
}

/** Whether an error from a guarded fetch is the guard's refusal (it arrives wrapped as a NetworkError). */
export function isBlockedByGuard(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    if ((e as { code?: unknown }).code === 'EBLOCKEDADDRESS' || e instanceof BlockedAddressError) return true;
  }
  return false;
}
