/**
 * Recovery for a feed cut short (a crashed generator, a proxy that dropped the tail):
 * drop the unfinished construct at the end and close the elements still open, so the
 * items that arrived whole can be read. Used only after a strict parse failed at the end.
 */

// Each construct also ends at the end of the text, so an unterminated one is one scan, not one per occurrence.
const MARKUP = /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$)|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>|<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^<>]*?)?(\/?)>/g;

/** The document with its tail closed, or null when it does not look truncated. */
export function closeTruncatedXml(xml: string): string | null {
  const body = dropUnfinishedTail(xml.trimEnd());
  const open: string[] = [];
  for (const match of body.matchAll(MARKUP)) {
    const [, closing, name, selfClosing] = match;
    if (name === undefined || selfClosing === '/') continue;
    if (closing !== '/') {
      open.push(name);
      continue;
    }
    const at = open.lastIndexOf(name);
    if (at >= 0) open.length = at;
  }
  if (open.length === 0 && body.length === xml.trimEnd().length) return null;
  return body + open.reverse().map((name) => `</${name}>`).join('');
}

/** Cuts an unterminated CDATA section, comment or tag at the very end. */
function dropUnfinishedTail(xml: string): string {
  let out = xml;
  const cdata = out.lastIndexOf('<![CDATA[');
  if (cdata >= 0 && !out.includes(']]>', cdata)) out = out.slice(0, cdata);
  const comment = out.lastIndexOf('<!--');
  if (comment >= 0 && !out.includes('-->', comment)) out = out.slice(0, comment);
  const lastOpen = out.lastIndexOf('<');
  if (lastOpen > out.lastIndexOf('>')) out = out.slice(0, lastOpen);
  return out.trimEnd();
}
