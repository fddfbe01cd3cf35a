/**
 * Site chrome that outlets wrap around the same dispatch: "Lire aussi" links, subscription
 * prompts, share bars, photo credits, bylines, AI notes, and paragraphs repeated on the page.
 * Removed before hashing so the same text under different chrome hashes equal. Pure.
 */
import { foldText } from './fold-text.js';

/** Whole paragraphs that are chrome, matched on folded text (lower case, no accents). */
const CHROME_PARAGRAPHS: RegExp[] = [
  /^(a )?(lire|voir|ecouter|regarder) (aussi|egalement|la suite|plus)\b/,
  /^(sur le meme sujet|nos articles|articles? lies?|en savoir plus|pour aller plus loin)\b/,
  /\b(reserve|reservee) aux abonnes\b/,
  /^(abonnez vous|deja abonne|se connecter|s abonner|inscrivez vous)\b/,
  /^(publie|mis a jour|modifie|actualise) le\b/,
  /^(partager|partagez|copier le lien|envoyer par e ?mail|imprimer)\b/,
  /^(facebook|twitter|x|linkedin|whatsapp|email|e mail)( (facebook|twitter|x|linkedin|whatsapp|email|e mail))*$/,
  /^(photo|photos|credit|credits|illustration|image)\b.*\b(afp|reuters|ap|epa|getty|sipa|maxppp|abaca|dr)\b/,
  /\bcet article a ete (edite|redige|traduit) avec l aide de l intelligence artificielle\b/,
  /^(cookies?|nous utilisons des cookies|accepter et fermer|gerer mes choix)\b/,
  /^(rechercher|recherche|menu|fermer|accueil|newsletter)$/,
  /^(avec )?(afp|reuters|ap|belga|ats|ansa)$/,
];

/** A dateline like "MOSCOU (AFP) - " or "(AFP) —" at the start of a dispatch, once folded ("moscou afp "). */
const DATELINE = /^([a-z]+ ){0,3}(afp|reuters|belga) /;

/** Paragraphs with at most this many words are dropped: menus, captions' fragments, bylines. */
const MIN_WORDS = 4;

/**
 * The folded paragraphs of a text with chrome removed, in order, each once. A paragraph that is
 * a truncation of an earlier one ("…" teaser of the lead) counts as a repeat.
 */
export function substantiveParagraphs(text: string): string[] {
  const kept: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\n+/)) {
    const teaser = /(\.\.\.|…)\s*$/.test(raw.trim());
    const folded = foldText(raw).replace(DATELINE, '');
    if (countWords(folded) < MIN_WORDS) continue;
    if (CHROME_PARAGRAPHS.some((pattern) => pattern.test(folded))) continue;
    if (seen.has(folded)) continue;
    if (teaser && kept.some((earlier) => earlier.startsWith(folded.slice(0, Math.max(40, folded.length - 20))))) continue;
    seen.add(folded);
    kept.push(folded);
  }
  return kept;
}

/** Words of folded text (single spaces, trimmed): what `split(' ').length` counts, without the array. */
export function countWords(folded: string): number {
  let words = 1;
  for (let at = folded.indexOf(' '); at >= 0; at = folded.indexOf(' ', at + 1)) words += 1;
  return words;
}
