/**
 * Accents removed in SQL, for the full-text index and its queries alike, so that `coreen`,
 * `Coréen` and `CORÉENS` find the same articles, as people type them. Built from translate() and
 * replace(), which are immutable (a generated column may use them) and need no extension
 * (`unaccent` is a contrib module a managed database may not offer).
 */
const FROM = 'ÀÂÄÁÃÉÈÊËÎÏÍÌÔÖÓÒÕÙÛÜÚŸÇÑàâäáãéèêëîïíìôöóòõùûüúÿçñ';
const TO = 'AAAAAEEEEIIIIOOOOOUUUUYCNaaaaaeeeeiiiiooooouuuuycn';

if ([...FROM].length !== [...TO].length) throw new Error('unaccented: FROM and TO differ in length');

/** SQL for `expr` without accents or the œ/æ ligatures. */
export function unaccentedSql(expr: string): string {
  return `replace(replace(replace(replace(translate(${expr}, '${FROM}', '${TO}'), 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')`;
}
