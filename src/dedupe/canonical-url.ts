/**
 * Canonical form of an article URL, so that the same article reached through different
 * links (newsletter, social share, syndication with utm_ tags, AMP variants) dedupes to one URL.
 */

/** Exact query parameter names (lower-case) that only track the reader. */
const TRACKING_PARAMS = new Set([
  'xtor', 'xtref', 'xts', 'fbclid', 'gclid', 'gclsrc', 'dclid', 'msclkid', 'yclid', 'igshid', 'twclid', 'ttclid', 'li_fat_id',
  'mc_cid', 'mc_eid', '_ga', '_gl', '_hsenc', '_hsmi', 'ref', 'ref_src', 'ref_url', 'referrer', 'cmpid', 'ito', 'at_campaign',
  'wt.mc_id', 'ocid', 'soc_src', 'soc_trk', 'smid', 'sr_share', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'mkt_tok', 'spm',
]);
/** Parameter name prefixes (lower-case) of tracking families (utm_source, at_medium, ns_campaign, …). */
const TRACKING_PREFIXES = ['utm_', 'at_', 'ns_', 'pk_', 'mtm_', 'hsa_', 'stm_'];

/** Absolute canonical URL of `href` (resolved against `base`), '' when it is not a usable http(s) URL. */
export function canonicalUrl(href: string, base?: string): string {
  const trimmed = href.trim();
  if (trimmed === '') return '';
  let url: URL;
  try {
    url = base === undefined || base === '' ? new URL(trimmed) : new URL(trimmed, base);
  } catch {
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return '';
  // Until nothing changes: one pass of "/amp/amp" leaves an "/amp" that a second pass would fold,
  // and a canonical URL must be its own canonical URL.
  for (let pass = 0; pass < 8; pass += 1) {
    const before = url.href;
    url = foldAmp(url);
    if (url.href === before) break;
  }
  url.hash = '';
  url.search = canonicalQuery(url.search);
  // URL already lower-cases scheme and host and drops default ports.
  return url.href;
}

/** Query parameters that only ask for the AMP rendering of the same article. */
const AMP_PARAMS = new Set(['amp', '_amp', 'outputtype=amp', 'amp=1', 'amp=true', '_amp=true', 'output=amp']);

/**
 * The regular page behind an AMP variant: the Google AMP cache (…cdn.ampproject.org/c/s/host/path),
 * an amp. subdomain, an /amp path segment, a .amp.html file, or an amp query parameter.
 */
function foldAmp(url: URL): URL {
  if (url.hostname.endsWith('.cdn.ampproject.org')) {
    const inner = /^\/(?:[a-z]\/)*?(s\/)?([^/]+\.[^/]+)(\/.*)?$/.exec(url.pathname.replace(/^\/(?:v|c|i)\//, '/'));
    if (inner?.[2]) {
      try {
        url = new URL(`${inner[1] ? 'https' : 'http'}://${inner[2]}${inner[3] ?? '/'}${url.search}`);
      } catch {
        return url;
      }
    }
  }
  if (url.hostname.startsWith('amp.') && url.hostname.split('.').length > 2) url.hostname = url.hostname.slice(4);
  url.pathname = url.pathname
    .replace(/\.amp\.html?$/i, '.html')
    .replace(/\/amp\/?$/i, '/')
    .replace(/^\/amp\//i, '/');
  if (url.search.length > 1) {
    const kept = url.search.slice(1).split('&').filter((pair) => !AMP_PARAMS.has(pair.toLowerCase()));
    url.search = kept.length === 0 ? '' : `?${kept.join('&')}`;
  }
  return url;
}

/** Removes tracking parameters and sorts the rest, keeping their original percent-encoding. */
function canonicalQuery(search: string): string {
  if (search.length <= 1) return '';
  const kept = search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParam(readParamName(pair)))
    .sort();
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}

function readParamName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

function isTrackingParam(name: string): boolean {
  return TRACKING_PARAMS.has(name) || TRACKING_PREFIXES.some((prefix) => name.startsWith(prefix));
}
