/**
 * The content hash: an article's identity across feeds. SHA-256 of the title and body folded
 * so that case, accents, punctuation and spacing differences between outlets do not matter.
 */
import { createHash } from 'node:crypto';
import { articleBody, type Article } from '../feeds/article.js';

const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** Case-, accent-, ligature-, punctuation- and whitespace-folded text. */
export function foldForHash(text: string): string {
  return text
    .replace(/œ/g, 'oe').replace(/Œ/g, 'OE').replace(/æ/g, 'ae').replace(/Æ/g, 'AE')
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(NOT_WORD, ' ')
    .trim();
}

export function contentHash(article: Pick<Article, 'title' | 'summary' | 'content'>): string {
  return createHash('sha256')
    .update(foldForHash(article.title))
    .update('\n')
    .update(foldForHash(articleBody(article)))
    .digest('hex');
}
