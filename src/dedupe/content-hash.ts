/**
 * An article's identities, all derived from its text with chrome removed (boilerplate.ts):
 * - contentHash: SHA-256 of the folded body (title included when the body is too short to stand
 *   alone) — the same dispatch under different site chrome hashes equal;
 * - articleId: the first 96 bits of contentHash, in hex — the article's key everywhere;
 * - textHash: 32 bits over title and body — a changed value on a kept item is an update;
 * - fingerprint: 64-bit SimHash of the same identity text, for near-duplicates.
 */
import { createHash } from 'node:crypto';
import { articleBody, type Article } from '../feeds/article.js';
import { countWords, substantiveParagraphs } from './boilerplate.js';
import { foldText } from './fold-text.js';
import { simhash, type Fingerprint } from './simhash.js';

/** Below this many words a body (a one-line summary) is not distinctive without its title. */
const MIN_BODY_WORDS = 25;

export { foldText as foldForHash } from './fold-text.js';

export interface ArticleIdentity {
  contentHash: string;
  articleId: string;
  textHash: string;
  fingerprint: Fingerprint;
}

type ArticleText = Pick<Article, 'title' | 'summary' | 'content'>;

/** The folded text that identifies an article: its substantive body, with the title if the body is short. */
export function identityText(article: ArticleText): string {
  let text = substantiveParagraphs(articleBody(article)).join(' ');
  if (countWords(text) < MIN_BODY_WORDS) text = `${foldText(article.title)} ${text}`.trim();
  return text;
}

export function contentHash(article: ArticleText): string {
  return createHash('sha256').update(identityText(article)).digest('hex');
}

/**
 * 32 bits over an item's text exactly as listed, for items Veille dropped: any change means "judge
 * it again", so it needs none of the folding and chrome removal that make textHash ignore cosmetic
 * edits of kept articles — work that would otherwise be done for every listed item.
 */
export function listingHashOf(article: ArticleText): string {
  return createHash('sha256').update(article.title).update('\0').update(article.summary).update('\0').update(article.content).digest('hex').slice(0, 8);
}

/** The text hash alone, from the identity text when the caller has it. */
export function textHashOf(article: ArticleText, text = identityText(article)): string {
  return createHash('sha256').update(foldText(article.title)).update('\n').update(text).digest('hex').slice(0, 8);
}

export function identify(article: ArticleText, text = identityText(article)): ArticleIdentity {
  const hash = createHash('sha256').update(text).digest('hex');
  return { contentHash: hash, articleId: hash.slice(0, 24), textHash: textHashOf(article, text), fingerprint: simhash(text) };
}
