/**
 * The status page at `/`, rendered on the server (no build step, no script): feeds and their
 * health with a "poll now" button, the latest kept articles with their matched terms marked, and
 * counts per day. One column on a phone, tables that scroll sideways when they must.
 */
import type { FeedStatus } from '../cli/status.js';
import type { ArticleView } from '../storage/article-reader.js';
import type { TermHit } from '../rules/rule-set.js';
import { escapeHtml as e, highlightField } from './highlight.js';

export interface StatusPageData {
  now: number;
  feeds: FeedStatus[];
  articles: ArticleView[];
  counts: { day: string; count: number }[];
  /** The search asked for, when the articles are its results. */
  query?: string;
  /** Set when the store could not be read: the rest of the page still shows. */
  storeError?: string;
  tokenConfigured: boolean;
  authorized: boolean;
  /** One line shown on top (a poll queued, a wrong token). */
  flash?: { kind: 'ok' | 'error'; text: string };
}

const STYLE = `
:root { color-scheme: light dark; --fg:#1d1d1f; --bg:#fafafa; --muted:#666; --line:#ddd; --card:#fff; --mark:#ffe36e; --ok:#1a7f37; --bad:#c62828; --warn:#b26a00; }
@media (prefers-color-scheme: dark) { :root { --fg:#e8e8e8; --bg:#16171a; --muted:#9a9a9a; --line:#33353a; --card:#1f2125; --mark:#7a6400; --ok:#4cc26a; --bad:#ff6b6b; --warn:#f0a840; } }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
header, main { max-width: 70rem; margin: 0 auto; padding: .75rem 1rem; }
header { display:flex; flex-wrap:wrap; gap:.5rem 1.5rem; align-items:baseline; }
h1 { font-size:1.4rem; margin:0; } h2 { font-size:1.1rem; margin:1.5rem 0 .5rem; }
a { color: inherit; } nav a { margin-right: 1rem; }
.flash { padding:.5rem .75rem; border-radius:.4rem; border:1px solid var(--line); background:var(--card); }
.flash.error { border-color: var(--bad); } .flash.ok { border-color: var(--ok); }
.scroll { overflow-x:auto; -webkit-overflow-scrolling:touch; }
table { border-collapse:collapse; width:100%; font-size:.9rem; }
th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; white-space:nowrap; }
td.err { white-space:normal; min-width:14rem; color:var(--muted); }
.health { font-weight:600; } .health.ok { color:var(--ok); } .health.failing, .health.disabled { color:var(--bad); } .health.silent { color:var(--warn); } .health.new { color:var(--muted); }
article { background:var(--card); border:1px solid var(--line); border-radius:.5rem; padding:.75rem 1rem; margin:.6rem 0; }
article h3 { font-size:1.05rem; margin:0 0 .25rem; } .meta { color:var(--muted); font-size:.85rem; }
article p { margin:.4rem 0 0; overflow-wrap:anywhere; }
mark { background:var(--mark); color:inherit; padding:0 .1em; border-radius:.15em; } mark.neutral { background:none; text-decoration: underline dotted; }
.days { display:grid; grid-template-columns: 6.5rem 1fr 3rem; gap:.2rem .5rem; align-items:center; font-size:.85rem; }
.bar { height:.8rem; background:var(--ok); border-radius:.2rem; min-width:1px; }
form.inline { display:inline; } button, input { font:inherit; padding:.25rem .6rem; }
input[type=search], input[type=password] { max-width:100%; }
@media (max-width: 40rem) { body { font-size:15px; } th.optional, td.optional { display:none; } }
`;

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 0) return `in ${Math.round(-s / 60)} min`;
  if (s < 90) return `${s}s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** ISO time as "2026-11-23 08:12 UTC": short, and the same on every phone. */
function when(iso: string | null): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '?';
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function feedRow(feed: FeedStatus, data: StatusPageData): string {
  const trigger = data.authorized && feed.enabled
    ? `<form class="inline" method="post" action="/feeds/${encodeURIComponent(feed.feedId)}/trigger"><button type="submit" data-feed="${e(feed.feedId)}">Poll now</button></form>`
    : '';
  const error = [feed.lastError ? `[${feed.lastErrorCode ?? '?'}] ${feed.lastError}` : '', feed.movedTo ? `moved to ${feed.movedTo}` : ''].filter(Boolean).join(' · ');
  return `<tr data-feed="${e(feed.feedId)}">
<td>${e(feed.feedId)}${feed.enabled ? '' : ' (disabled)'}</td>
<td><span class="health ${e(feed.health)}">${e(feed.health)}</span></td>
<td>${e(ago(feed.lastAttemptAt, data.now))}</td>
<td class="optional">${feed.lastHttpStatus ?? '–'}</td>
<td class="optional">${feed.itemsKept}/${feed.itemsSeen}</td>
<td>${feed.totalKept}</td>
<td class="optional">${feed.consecutiveFailures}</td>
<td>${trigger}</td>
<td class="err">${e(error)}</td>
</tr>`;
}

function articleCard(view: ArticleView): string {
  const { article } = view;
  const a = article.article;
  const hits: TermHit[] = article.matches.flatMap((m) => m.hits);
  const title = highlightField(a.title, hits, 'title');
  const body = a.summary ? highlightField(a.summary, hits, 'summary', 400) : '';
  const content = hits.some((h) => h.field === 'content') ? highlightField(a.content, hits, 'content', 300) : '';
  const why = article.matches.map((m) => `${m.watchId} ${m.score}/${m.threshold} (${m.topics.join(', ')})`).join('; ');
  const elsewhere = view.sightings.length > 0 ? ` · also on ${view.sightings.map((s) => e(s.feedId)).join(', ')}` : '';
  const link = a.url ? `<a href="${e(a.url)}" rel="noreferrer noopener">${title}</a>` : title;
  return `<article data-article="${e(article.id)}">
<h3>${link}</h3>
<div class="meta">${e(a.feedId)} · published ${e(when(a.publishedAt))} · kept ${e(when(article.keptAt))}${elsewhere}</div>
<div class="meta">kept by ${e(why)}</div>
${body ? `<p>${body}</p>` : ''}${content ? `<p class="meta">${content}</p>` : ''}
</article>`;
}

function countsBlock(counts: StatusPageData['counts']): string {
  const max = Math.max(1, ...counts.map((c) => c.count));
  const rows = counts.map((c) => `<span>${e(c.day)}</span><div class="bar" style="width:${((c.count / max) * 100).toFixed(1)}%"></div><span>${c.count}</span>`).join('\n');
  return `<div class="days" id="counts">${rows || '<span>nothing kept yet</span>'}</div>`;
}

function unlockBlock(data: StatusPageData): string {
  if (!data.tokenConfigured) return '<p class="meta">Polling on demand needs a token: set <code>settings.http.token</code> in the watchlist.</p>';
  if (data.authorized) return '<form class="inline" method="post" action="/logout"><button type="submit">Lock</button></form>';
  return `<form class="inline" method="post" action="/login" id="unlock"><input type="hidden" name="next" value="/">
<input type="password" name="token" placeholder="token" autocomplete="current-password" aria-label="token" required>
<button type="submit">Unlock</button></form>`;
}

export function renderStatusPage(data: StatusPageData): string {
  const flash = data.flash ? `<p class="flash ${data.flash.kind}" role="status">${e(data.flash.text)}</p>` : '';
  const articlesTitle = data.query !== undefined ? `Search: “${e(data.query)}” (${data.articles.length})` : 'Latest kept articles';
  const articles = data.storeError
    ? `<p class="flash error">The store could not be read: ${e(data.storeError)}</p>`
    : data.articles.map(articleCard).join('\n') || '<p class="meta">No article kept yet.</p>';
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Veille — status</title><style>${STYLE}</style></head>
<body><header><h1>Veille</h1><nav><a href="/">status</a><a href="/queues/">queues</a><a href="/metrics">metrics</a></nav>${unlockBlock(data)}</header>
<main>${flash}
<h2 id="feeds">Feeds</h2>
<div class="scroll"><table><thead><tr><th>feed</th><th>health</th><th>last poll</th><th class="optional">HTTP</th><th class="optional">kept/seen</th><th>total kept</th><th class="optional">fails</th><th></th><th>last error</th></tr></thead>
<tbody>${data.feeds.map((f) => feedRow(f, data)).join('\n')}</tbody></table></div>
<h2>Kept per day</h2>${countsBlock(data.counts)}
<h2 id="articles">${articlesTitle}</h2>
<form method="get" action="/"><input type="search" name="q" value="${e(data.query ?? '')}" placeholder="search kept articles" aria-label="search"> <button type="submit">Search</button></form>
${articles}
</main></body></html>`;
}
