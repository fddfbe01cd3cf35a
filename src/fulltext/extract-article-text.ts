/**
 * The main text of an article page, without what surrounds it on the page: navigation, search
 * boxes, share bars, photo captions, cookie walls, subscription prompts, and paragraphs the page
 * repeats (a lead shown again at the end, a caption printed twice).
 *
 * Where the text is, in order of trust: itemprop="articleBody", <article>, <main> or a known
 * article-body class; else the block with the densest run of paragraphs; Open Graph's
 * description when neither holds more than it.
 */
import * as cheerio from 'cheerio';

/** A selection of page nodes (cheerio's node types live in domhandler, not a dependency of ours). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Nodes = cheerio.Cheerio<any>;

export interface ExtractedText {
  /** Paragraphs joined by newlines; '' when the page has no readable text. */
  text: string;
  method: 'article-body' | 'article' | 'density' | 'open-graph' | 'none';
  paragraphs: number;
}

/** Elements that never hold article text. */
const NEVER_TEXT = 'script, style, noscript, template, iframe, svg, canvas, form, button, input, select, textarea, nav, header, footer, aside, figure figcaption, figcaption, dialog, [role=navigation], [role=search], [role=banner], [role=contentinfo], [role=complementary], [role=dialog], [aria-hidden=true], [hidden]';
/** class/id words of page furniture (share bars, cookie walls, paywalls, menus, teasers). */
const FURNITURE = /(^|[\s_-])(share|sharing|social|partage|cookie|consent|rgpd|gdpr|newsletter|subscri|abonn|paywall|premium-banner|related|recommend|read-?more|lire-aussi|comment|menu|breadcrumb|promo|advert|ads?|pub|banner|outbrain|taboola|sidebar|toolbar|tags?|author-box|caption|legende|credit)([\s_-]|$)/i;
const BODY_SELECTORS = ['[itemprop="articleBody"]', 'article', 'main', '.article-body, .article__content, .article-content, .entry-content, .post-content, .story-body, #article-body'];
const BLOCKS = 'p, h2, h3, h4, li, blockquote, pre';
/** Short lines that are prompts, not text: paywalls, cookie walls, share invitations (French and English). */
const PROMPTS = /(réservé aux abonnés|reserve aux abonnes|abonnez-vous|déjà abonné|offre d.abonnement|s.abonner|accepter (et|les) cookies|cookies?\b.*(accept|consent|paramétr)|consentement|nos partenaires|continuer sans accepter|partager (sur|cet article)|newsletter|lire aussi|lire la suite|publicité|subscribers? only|subscribe (now|to)|accept (all )?cookies)/i;
const PHOTO_CREDIT = /(?:^|\s)(?:PHOTO|Photo|Crédits?|©)\s*:?\s*[\p{Lu}][^\n]{0,80}\/\s*(?:AFP|REUTERS|Reuters|AP|EPA|SIPA|MAXPPP|ABACA)\b/u;
const MIN_DENSITY_CHARS = 400;

export function extractArticleText(html: string): ExtractedText {
  const $ = cheerio.load(html);
  const ogDescription = ($('meta[property="og:description"]').attr('content') ?? '').trim();
  $(NEVER_TEXT).remove();
  $('*').each((_, el) => {
    const node = $(el);
    const { tagName = '', attribs = {} } = el as { tagName?: string; attribs?: Record<string, string> };
    if (isFurniture(node, tagName, attribs)) node.remove();
  });

  for (const [i, selector] of BODY_SELECTORS.entries()) {
    const candidates = $(selector).toArray();
    const best = candidates.map((el) => ({ el, paragraphs: readParagraphs($, $(el)) })).sort((a, b) => length(b.paragraphs) - length(a.paragraphs))[0];
    if (best && length(best.paragraphs) >= 200) return finish(best.paragraphs, i === 0 ? 'article-body' : 'article');
  }
  const dense = densestBlock($);
  if (dense && length(dense) >= MIN_DENSITY_CHARS && length(dense) > ogDescription.length) return finish(dense, 'density');
  if (ogDescription !== '') return finish([collapse(cheerio.load(`<p>${ogDescription}</p>`).text())], 'open-graph');
  if (dense && dense.length > 0) return finish(dense, 'density');
  return { text: '', method: 'none', paragraphs: 0 };
}

function isFurniture(node: Nodes, tagName: string, attribs: Record<string, string>): boolean {
  const name = tagName.toLowerCase();
  if (name === 'html' || name === 'body' || name === 'main' || name === 'article') return false;
  const marker = `${attribs['class'] ?? ''} ${attribs['id'] ?? ''}`;
  if (!FURNITURE.test(marker)) return false;
  // A wrapper named "article-comments-and-body" must not take the body with it.
  return node.find('[itemprop="articleBody"], article').length === 0;
}

function readParagraphs($: cheerio.CheerioAPI, root: Nodes): string[] {
  const blocks = root.find(BLOCKS).toArray()
    // A <li> holding <p>s, or a <blockquote> holding <p>s, is read through its paragraphs.
    .filter((el) => $(el).find(BLOCKS).length === 0)
    .map((el) => collapse($(el).text()));
  const texts = blocks.length > 0 ? blocks : [collapse(root.text())];
  return texts.filter((t) => t !== '');
}

/** The element whose own <p> children carry the most text (readability's idea, much simplified). */
function densestBlock($: cheerio.CheerioAPI): string[] | null {
  let best: { parent: Nodes; score: number } | null = null;
  for (const p of $('p').toArray()) {
    const parent = $(p).parent();
    if (parent.length === 0) continue;
    const score = parent.children('p').toArray().reduce((sum, child) => sum + collapse($(child).text()).length, 0);
    if (best === null || score > best.score) best = { parent, score };
  }
  return best ? readParagraphs($, best.parent) : null;
}

/** Drops prompts, credits and repeats; what is left is the article. */
function finish(paragraphs: string[], method: ExtractedText['method']): ExtractedText {
  const kept: string[] = [];
  let seen = '';
  for (const raw of paragraphs) {
    const paragraph = dropRepeatedHalf(raw);
    if (paragraph.length < 300 && PROMPTS.test(paragraph)) continue;
    if (PHOTO_CREDIT.test(paragraph) && paragraph.length < 400) continue;
    // Compared without spaces or a trailing ellipsis: "…Moscou.Lors de sa visite…" repeats "Moscou. Lors de sa visite".
    const key = squeeze(paragraph.replace(/(\.\.\.|…)\s*$/, ''));
    if (key.length === 0) continue;
    if (key.length >= 20 && seen.includes(key)) continue;
    kept.push(paragraph);
    seen += squeeze(paragraph);
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

function squeeze(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

function collapse(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

function length(paragraphs: string[]): number {
  return paragraphs.reduce((sum, p) => sum + p.length, 0);
}
