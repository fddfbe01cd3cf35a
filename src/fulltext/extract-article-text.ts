/**
 * The main text of an article page, without what surrounds it on the page: navigation, search
 * boxes, share bars, photo captions, cookie walls, subscription prompts, and paragraphs the page
 * repeats (a lead shown again at the end, a caption printed twice).
 *
 * Where the text is, in order of trust: itemprop="articleBody", <article>, <main> or a known
 * article-body class; else the block with the densest run of paragraphs; Open Graph's
 * description when neither holds more than it.
 *
 * Pages come from third parties, so the cost is bounded: scripts and styles are cut out before
 * parsing, the rest is capped in size and in tag count, it is parsed with htmlparser2 (linear,
 * where parse5's tree building goes quadratic on deep nesting), and every pass below is one walk.
 */
import * as cheerio from 'cheerio';

export interface ExtractedText {
  /** Paragraphs joined by newlines; '' when the page has no readable text. */
  text: string;
  method: 'article-body' | 'article' | 'density' | 'open-graph' | 'none';
  paragraphs: number;
  /** The page's `<link rel="canonical">` href as written (maybe relative), when it has one. */
  canonical?: string;
}

/** Beyond these a page is not an article: keep the feed's text rather than pay for it. */
const MAX_HTML_CHARS = 2_000_000;
const MAX_TAGS = 60_000;
const MAX_PARAGRAPHS = 2_000;
const MAX_TEXT_CHARS = 300_000;

/** Elements that never hold article text. */
const NEVER_TEXT = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'svg', 'canvas', 'form', 'button', 'input', 'select', 'textarea', 'nav', 'header', 'footer', 'aside', 'figcaption', 'dialog']);
const NEVER_TEXT_ROLES = new Set(['navigation', 'search', 'banner', 'contentinfo', 'complementary', 'dialog']);
/** class/id words of page furniture (share bars, cookie walls, paywalls, menus, teasers). */
const FURNITURE = /(^|[\s_-])(share|sharing|social|partage|cookie|consent|rgpd|gdpr|newsletter|subscri|abonn|paywall|premium-banner|related|recommend|read-?more|lire-aussi|comment|menu|breadcrumb|promo|advert|ads?|pub|banner|outbrain|taboola|sidebar|toolbar|tags?|author-box|caption|legende|credit)([\s_-]|$)/i;
/** Where the article body is, most trusted first: itemprop, <article>, <main>, well-known classes. */
const BODY_KINDS: ((el: PageNode) => boolean)[] = [
  (el) => el.attribs?.['itemprop'] === 'articleBody',
  (el) => el.name === 'article',
  (el) => el.name === 'main',
  (el) => /(^|\s)(article-body|article__content|article-content|entry-content|post-content|story-body)(\s|$)/.test(el.attribs?.['class'] ?? '') || el.attribs?.['id'] === 'article-body',
];
const BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'pre', 'div', 'section', 'article', 'main', 'td', 'th', 'dd', 'dt', 'figure', 'table', 'ul', 'ol', 'dl', 'tr']);
/** The blocks whose text is a paragraph of the article (h1 is the title, which the feed has). */
const PARAGRAPHS = new Set(['p', 'h2', 'h3', 'h4', 'li', 'blockquote', 'pre']);
/** Short lines that are prompts, not text: paywalls, cookie walls, share invitations (French and English). */
const PROMPTS = /(réservé aux abonnés|reserve aux abonnes|abonnez-vous|déjà abonné|offre d.abonnement|s.abonner|accepter (et|les) cookies|cookies?\b.*(accept|consent|paramétr)|consentement|nos partenaires|continuer sans accepter|partager (sur|cet article)|newsletter|lire aussi|lire la suite|publicité|subscribers? only|subscribe (now|to)|accept (all )?cookies)/i;
const PHOTO_CREDIT = /(?:^|\s)(?:PHOTO|Photo|Crédits?|©)\s*:?\s*[\p{Lu}][^\n]{0,80}\/\s*(?:AFP|REUTERS|Reuters|AP|EPA|SIPA|MAXPPP|ABACA)\b/u;
const MIN_DENSITY_CHARS = 400;

/** A domhandler node, as much of it as this module reads (domhandler is cheerio's, not ours). */
interface PageNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: PageNode[];
  parent?: PageNode | null;
}

export function extractArticleText(html: string): ExtractedText {
  const trimmed = dropScriptsAndStyles(html).slice(0, MAX_HTML_CHARS);
  if (countTags(trimmed) > MAX_TAGS) return { text: '', method: 'none', paragraphs: 0 };
  const $ = cheerio.load(trimmed, { xml: { xmlMode: false, decodeEntities: true } });
  const root = $.root().toArray()[0] as unknown as PageNode | undefined;
  if (!root) return { text: '', method: 'none', paragraphs: 0 };
  const page = indexPage(root);
  const finish = (paragraphs: string[], method: ExtractedText['method']): ExtractedText => ({
    ...finishText(paragraphs, method),
    ...(page.canonical ? { canonical: page.canonical } : {}),
  });

  for (const [i, candidates] of page.bodies.entries()) {
    const best = candidates.slice(0, 10).map((el) => readParagraphs(el, page.skip)).sort((a, b) => length(b) - length(a))[0];
    if (best && length(best) >= 200) return finish(best, i === 0 ? 'article-body' : 'article');
  }
  const dense = densestBlock(root, page.skip);
  if (dense && length(dense) >= MIN_DENSITY_CHARS && length(dense) > page.ogDescription.length) return finish(dense, 'density');
  if (page.ogDescription !== '') return finish([collapse(page.ogDescription)], 'open-graph');
  if (dense && dense.length > 0) return finish(dense, 'density');
  return { text: '', method: 'none', paragraphs: 0, ...(page.canonical ? { canonical: page.canonical } : {}) };
}

interface PageIndex {
  ogDescription: string;
  canonical: string;
  /** Roots of subtrees that hold no article text (navigation, forms, furniture). */
  skip: Set<PageNode>;
  /** Body candidates of each BODY_KINDS entry, outside skipped subtrees, in document order. */
  bodies: PageNode[][];
}

/**
 * Two walks instead of CSS queries (css-select costs a full pass per selector, slow on deep
 * trees): the first finds the article elements and the Open Graph description, the second
 * marks what to skip — furniture is skipped unless it wraps the article body.
 */
function indexPage(root: PageNode): PageIndex {
  let ogDescription = '';
  let canonical = '';
  const keep = new Set<PageNode>();
  walk(root, (el) => {
    if (el.name === 'meta' && el.attribs?.['property'] === 'og:description') ogDescription ||= (el.attribs['content'] ?? '').trim();
    if (el.name === 'link' && /(^|\s)canonical(\s|$)/i.test(el.attribs?.['rel'] ?? '')) canonical ||= (el.attribs?.['href'] ?? '').trim();
    if (BODY_KINDS[0]?.(el) || BODY_KINDS[1]?.(el)) {
      for (let node: PageNode | null | undefined = el; node && !keep.has(node); node = node.parent) keep.add(node);
    }
    return true;
  });
  const skip = new Set<PageNode>();
  const bodies: PageNode[][] = BODY_KINDS.map(() => []);
  walk(root, (el) => {
    const name = el.name ?? '';
    const attribs = el.attribs ?? {};
    const neverText = NEVER_TEXT.has(name) || NEVER_TEXT_ROLES.has(attribs['role'] ?? '') || attribs['aria-hidden'] === 'true' || 'hidden' in attribs;
    const furniture = !keep.has(el) && name !== 'html' && name !== 'body' && name !== 'main' && name !== 'article'
      && FURNITURE.test(`${attribs['class'] ?? ''} ${attribs['id'] ?? ''}`);
    if (neverText || furniture) {
      skip.add(el);
      return false;
    }
    BODY_KINDS.forEach((isBody, i) => { if (isBody(el)) bodies[i]?.push(el); });
    return true;
  });
  return { ogDescription, canonical, skip, bodies };
}

/** Visits every element under `root` in document order; `visit` returns false to skip an element's children. */
function walk(root: PageNode, visit: (el: PageNode) => boolean): void {
  const stack: PageNode[] = [...(root.children ?? [])].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as PageNode;
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
    if (!visit(node)) continue;
    const children = node.children ?? [];
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i] as PageNode);
  }
}

/**
 * The paragraphs under `root`, in order, in one walk: text goes to the innermost open block, and
 * a block's text becomes a paragraph when it closes (text around nested blocks is kept apart).
 */
function readParagraphs(root: PageNode, skip: ReadonlySet<PageNode>, onParagraph?: (block: PageNode, text: string) => void): string[] {
  const out: string[] = [];
  const buffers: { node: PageNode; parts: string[] }[] = [{ node: root, parts: [] }];
  const flush = (entry: { node: PageNode; parts: string[] }): void => {
    const text = collapse(entry.parts.join(''));
    entry.parts = [];
    if (text === '' || out.length >= MAX_PARAGRAPHS) return;
    out.push(text);
    onParagraph?.(entry.node, text);
  };
  // Explicit stack: hostile pages nest deeper than the call stack allows.
  const stack: { node: PageNode; leaving: boolean }[] = [{ node: root, leaving: false }];
  while (stack.length > 0) {
    const { node, leaving } = stack.pop() as { node: PageNode; leaving: boolean };
    if (skip.has(node)) continue;
    const isBlock = node !== root && node.type === 'tag' && BLOCKS.has(node.name ?? '');
    if (leaving) {
      if (isBlock) flush(buffers.pop() as { node: PageNode; parts: string[] });
      continue;
    }
    if (node.type === 'text') {
      (buffers[buffers.length - 1] as { parts: string[] }).parts.push(node.data ?? '');
      continue;
    }
    if (node.type === 'tag' && node.name === 'br') (buffers[buffers.length - 1] as { parts: string[] }).parts.push(' ');
    if (isBlock) {
      flush(buffers[buffers.length - 1] as { node: PageNode; parts: string[] }); // text before the block is its own paragraph
      buffers.push({ node, parts: [] });
    }
    stack.push({ node, leaving: true });
    const children = node.children ?? [];
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push({ node: children[i] as PageNode, leaving: false });
  }
  flush(buffers[0] as { node: PageNode; parts: string[] });
  return out;
}

/** The element whose own paragraph children carry the most text (readability's idea, much simplified). */
function densestBlock(root: PageNode, skip: ReadonlySet<PageNode>): string[] | null {
  const scores = new Map<PageNode, number>();
  readParagraphs(root, skip, (block, text) => {
    if (!PARAGRAPHS.has(block.name ?? '') || !block.parent) return;
    scores.set(block.parent, (scores.get(block.parent) ?? 0) + text.length);
  });
  let best: PageNode | null = null;
  let bestScore = 0;
  for (const [node, score] of scores) {
    if (score > bestScore) {
      best = node;
      bestScore = score;
    }
  }
  return best ? readParagraphs(best, skip) : null;
}

/** Drops prompts, credits and repeats; what is left is the article. */
function finishText(paragraphs: string[], method: ExtractedText['method']): ExtractedText {
  const kept: string[] = [];
  let seen = '';
  const starts = new Set<string>();
  let total = 0;
  for (const raw of paragraphs) {
    const paragraph = dropRepeatedHalf(raw);
    if (paragraph.length < 300 && PROMPTS.test(paragraph)) continue;
    if (paragraph.length < 400 && PHOTO_CREDIT.test(paragraph)) continue;
    // Compared without spaces or a trailing ellipsis: "…Moscou.Lors de sa visite…" repeats "Moscou. Lors de sa visite".
    const key = squeeze(paragraph.replace(/(\.\.\.|…)\s*$/, ''));
    if (key.length === 0) continue;
    // Only a paragraph that starts like an earlier one can repeat it: the full search is rare.
    const start = key.slice(0, 24);
    if (key.length >= 20 && starts.has(start) && seen.includes(key)) continue;
    if (total + paragraph.length > MAX_TEXT_CHARS) break;
    kept.push(paragraph);
    total += paragraph.length;
    const squeezed = squeeze(paragraph);
    seen += squeezed;
    for (const sentence of squeezed.split(/(?<=[.!?»])/)) if (sentence.length >= 24) starts.add(sentence.slice(0, 24));
    starts.add(squeezed.slice(0, 24));
  }
  return { text: kept.join('\n'), method: kept.length === 0 ? 'none' : method, paragraphs: kept.length };
}

/** "A caption. A caption." → "A caption." (a caption repeated by alt text and figcaption). */
function dropRepeatedHalf(text: string): string {
  const half = Math.floor(text.length / 2);
  for (let cut = half - 2; cut <= half + 2; cut += 1) {
    const a = text.slice(0, cut).trim();
    const b = text.slice(cut).trim();
    if (a.length > 20 && a === b) return a;
  }
  return text;
}

/** Cuts <script>, <style> and comments out with one forward scan each (they are most of a page's bytes). */
function dropScriptsAndStyles(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let at = 0;
  const open = /<(script|style)\b|<!--/g;
  for (let m = open.exec(lower); m !== null; m = open.exec(lower)) {
    out += html.slice(at, m.index);
    const close = m[1] === undefined ? '-->' : `</${m[1]}`;
    const end = lower.indexOf(close, open.lastIndex);
    at = end < 0 ? html.length : (m[1] === undefined ? end + 3 : Math.max(lower.indexOf('>', end), end) + 1);
    open.lastIndex = at;
  }
  return out + html.slice(at);
}

function countTags(html: string): number {
  let count = 0;
  for (let i = html.indexOf('<'); i >= 0; i = html.indexOf('<', i + 1)) count += 1;
  return count;
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

function collapse(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

function length(paragraphs: string[]): number {
  return paragraphs.reduce((sum, p) => sum + p.length, 0);
}
