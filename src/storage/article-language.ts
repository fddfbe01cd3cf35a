/**
 * The language of a kept article, guessed cheaply: Veille reads French feeds, so 'fr' unless
 * the text is plainly English (many more English than French function words). Pure.
 */
import { foldText } from '../dedupe/fold-text.js';

const FRENCH = new Set(['le', 'la', 'les', 'des', 'du', 'et', 'est', 'une', 'dans', 'pour', 'que', 'qui', 'sur', 'au', 'aux', 'pas', 'par', 'avec', 'ont', 'sont']);
const ENGLISH = new Set(['the', 'and', 'of', 'to', 'is', 'that', 'for', 'with', 'was', 'were', 'has', 'have', 'from', 'by', 'are', 'this', 'its', 'said']);

export type ArticleLanguage = 'fr' | 'en';

export function guessLanguage(text: string): ArticleLanguage {
  let french = 0;
  let english = 0;
  for (const word of foldText(text).split(' ')) {
    if (FRENCH.has(word)) french += 1;
    else if (ENGLISH.has(word)) english += 1;
  }
  return english >= 5 && english > 3 * french ? 'en' : 'fr';
}
