/**
 * Converts item HTML (descriptions, content:encoded, Atom html/xhtml) to plain text.
 *
 * No DOM: a cheerio load per item is ~4x slower than parsing the feed itself, and rules only need
 * the words, not the structure. The conversion is defined by the regex version kept in
 * tests/feeds/html-text-reference.ts, whose stages run one after the other over the whole text:
 *   A. whitespace runs → " "            E. block tags (p, br, li…) → "\n"
 *   B. comments → " "                   F. cell tags (td, th) → " "
 *   C. script/style/… elements → " "    G. any other tag → ""
 *   D. CDATA markers → ""
 * then entities are decoded and whitespace collapsed. Those passes (and a lowercased copy of the
 * body) were the largest cost of an item after XML parsing, so one scan now does all but D, with
 * the exact same output for every input (html-text-equivalence.test.ts): where a later stage sees
 * the output of an earlier one ("<p<!-- -->>" is a block tag once the comment is a space), a tag
 * body skips what the earlier stages replace. Texts with CDATA markers, and the odd "İ" before an
 * invisible element, go through the stages one at a time instead (stripInStages).
 */

import { decodeHTML } from 'entities';

/** An entity left after one decoding round: the feed escaped its HTML twice (&amp;eacute;). */
const LEFTOVER_ENTITY = /&(?:#\d{2,7}|#x[0-9a-fA-F]{2,6}|[a-zA-Z]{2,10}\d{0,2});/;
/** Markup left after decoding: the HTML itself was escaped twice (&amp;lt;p&amp;gt;). */
const LEFTOVER_MARKUP = /<\/?(?:p|br|div|a|img|span|strong|em|b|i|ul|li|h[1-6])\b[^<>]*>/i;

const INVISIBLE = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'head']);
const BLOCK = new Set(['p', 'div', 'br', 'hr', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'blockquote', 'pre', 'section', 'article', 'aside', 'header', 'footer', 'nav', 'figure', 'figcaption', 'table',
  'thead', 'tbody', 'tfoot', 'tr', 'caption', 'form', 'fieldset', 'address', 'main', 'details', 'summary']);
/** blockquote, figcaption: a longer word is none of the names above. */
const LONGEST_NAME = 10;

/**
 * Where the scan must look besides "<": a whitespace character other than " ", two spaces (runs to
 * collapse), and zero-width characters (noted, for the final collapse to remove them). Found by the
 * regex engine: a scan in JavaScript costs several times more per character.
 */
const WHITESPACE_EVENT = /[\t-\r\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]|  /g;

// The definition's own passes, for the rare inputs the single scan hands over to stripInStages.
const WHITESPACE_RUN = /[^\S ]\s*| \s+/g;
const COMMENTS = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA_MARKERS = /<!\[CDATA\[|\]\]>/g;
/**
 * Where collapseWhitespace must look: a run of whitespace and zero-width characters other than a
 * lone " ". Each match is the first character of such a run.
 */
const COLLAPSE_EVENT = /[\t-\r\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]| (?=[\s\u200b-\u200d\u2060])/g;

export function htmlToText(html: string): string {
  if (html === '') return '';
  let stripped = stripMarkup(html);
  let text = stripped.text;
  // Every whitespace run is already one " " or "\n", all that collapseWhitespace would leave of it:
  // only decoding can bring back characters for it to collapse or remove.
  let collapsed = !stripped.zeroWidth;
  if (text.includes('&')) {
    let decoded = decodeHTML(text);
    if (LEFTOVER_ENTITY.test(decoded)) decoded = decodeHTML(decoded);
    if (decoded !== text) {
      text = decoded;
      collapsed = false;
    }
  }
  if (text.includes('<') && LEFTOVER_MARKUP.test(text)) {
    stripped = stripMarkup(text);
    text = stripped.text;
    collapsed = !stripped.zeroWidth;
  }
  return collapsed ? text.trim() : collapseWhitespace(text);
}

interface Stripped {
  /**
   * The definition's stripMarkup output, except that each run of spaces and newlines is one
   * character ("\n" if the run has one): what follows (decoding, the leftover checks, a second
   * strip, the collapse) treats a run alike whatever its length.
   */
  text: string;
  zeroWidth: boolean;
}

function stripMarkup(html: string): Stripped {
  // Removing a CDATA marker can join the text around it into a tag ("<<![CDATA[p>"), which only the staged path sees.
  const markers = html.includes(']]>') || (html.includes('[') && html.includes('<![CDATA['));
  if (markers && html.includes('<')) return stripInStages(html);
  const scan = new MarkupScan(html, { comments: true, invisible: true, tags: true });
  const text = scan.run();
  // The definition finds an invisible element's end in a lowercased copy, whose indexes shift by one
  // after each "İ" (it lowercases to two characters): the staged path reproduces that.
  if (scan.sawInvisible && html.includes('\u0130')) return stripInStages(html);
  return { text, zeroWidth: scan.zeroWidth };
}

/** The definition's stages A–B, C, D and E–G as separate passes: for CDATA markers and "İ" with invisible elements. */
function stripInStages(html: string): Stripped {
  const uncommented = html.replace(WHITESPACE_RUN, ' ').replace(COMMENTS, ' ');
  const lower = uncommented.includes('\u0130') ? uncommented.toLowerCase() : undefined;
  const visible = new MarkupScan(uncommented, { comments: false, invisible: true, tags: false, lower }).run();
  const scan = new MarkupScan(visible.replace(CDATA_MARKERS, ''), { comments: false, invisible: false, tags: true });
  const text = scan.run();
  return { text, zeroWidth: scan.zeroWidth };
}

/**
 * The definition's collapse: runs of horizontal whitespace → " ", zero-width characters removed,
 * a line break with the whitespace around it → "\n", ends trimmed. Each pass only ever changes
 * characters inside a run of whitespace and zero-width characters, so each run is rewritten alone.
 */
function collapseWhitespace(text: string): string {
  let out = '';
  let from = 0;
  COLLAPSE_EVENT.lastIndex = 0;
  while (COLLAPSE_EVENT.test(text)) {
    const start = COLLAPSE_EVENT.lastIndex - 1;
    let end = start + 1;
    while (end < text.length && (isSpace(text.charCodeAt(end)) || isZeroWidth(text.charCodeAt(end)))) end++;
    out += text.slice(from, start) + collapseRun(text, start, end);
    from = end;
    COLLAPSE_EVENT.lastIndex = end;
  }
  return (out + text.slice(from)).trim();
}

/** One run of whitespace and zero-width characters, through the definition's three replacements in turn. */
function collapseRun(text: string, start: number, end: number): string {
  // 1. Each run of horizontal whitespace becomes " "; 2. zero-width characters go.
  let run = '';
  for (let k = start; k < end; ) {
    const c = text.charCodeAt(k);
    if (isHorizontalSpace(c)) {
      run += ' ';
      do k++; while (k < end && isHorizontalSpace(text.charCodeAt(k)));
    } else {
      if (!isZeroWidth(c)) run += text[k];
      k++;
    }
  }
  // 3. From the spaces just before the first line break, everything (only whitespace is left) becomes "\n".
  let cut = run.search(/[\r\n]/);
  if (cut < 0) return run;
  while (cut > 0 && run.charCodeAt(cut - 1) === 32) cut--;
  return `${run.slice(0, cut)}\n`;
}

interface ScanStages {
  /** B: "<!--" to "-->" (or the end) is a space. */
  comments: boolean;
  /** C: script, style… elements are a space. */
  invisible: boolean;
  /** E–G: tags. */
  tags: boolean;
  /** The text lowercased, when it has an "İ": close tags of invisible elements are found in it, as the definition does. */
  lower?: string | undefined;
}

// What a piece of markup becomes.
const NOTHING = 0;
const SPACE = 1;
const NEWLINE = 2;

// What a tag body may contain without ending the tag: what the stages before its own replaced.
const OPEN_TAG_BODY = 0; // of an invisible element's open tag: comments
const BLOCK_BODY = 1; // + invisible elements
const CELL_BODY = 2; // + block tags
const TAG_BODY = 3; // + cell tags
const TEXT = 4; // + any other tag: what the main loop recognises

class MarkupScan {
  zeroWidth = false;
  sawInvisible = false;
  private out = '';
  /** Whitespace due before the next text: a run of spaces and newlines is written as one character. */
  private owed = NOTHING;
  /** What the markup last measured by markupEnd becomes. */
  private kind = NOTHING;
  // The first "<" (">") at or after ltFrom (gtFrom) is at ltAt (gtAt), or -1 if none: tag bodies
  // ask again and again, and a run of unclosed tags ("<a <a <a…") would otherwise search to the end each time.
  private ltFrom = Number.POSITIVE_INFINITY;
  private ltAt = -1;
  private gtFrom = Number.POSITIVE_INFINITY;
  private gtAt = -1;

  constructor(private readonly s: string, private readonly stages: ScanStages) {}

  run(): string {
    const s = this.s;
    const length = s.length;
    let chunk = 0;
    let lt = this.nextLt(0);
    let ws = this.nextWhitespace(0);
    while (lt < length || ws < length) {
      if (ws < lt) {
        if (!isSpace(s.charCodeAt(ws))) {
          this.zeroWidth = true;
          ws = this.nextWhitespace(ws + 1);
          continue;
        }
        this.text(chunk, ws);
        this.owe(SPACE);
        chunk = ws + 1;
        while (chunk < length && isSpace(s.charCodeAt(chunk))) chunk++;
        ws = this.nextWhitespace(chunk);
        continue;
      }
      const end = this.markupEnd(lt, TEXT);
      if (end < 0) {
        lt = this.nextLt(lt + 1);
        continue;
      }
      this.text(chunk, lt);
      this.owe(this.kind);
      chunk = end;
      lt = this.nextLt(end);
      if (ws < end) ws = this.nextWhitespace(end);
    }
    this.text(chunk, length);
    if (this.owed !== NOTHING) this.out += this.owed === NEWLINE ? '\n' : ' ';
    return this.out;
  }

  /** Index of the first "<" at or after `p`, or the length of the text. */
  private nextLt(p: number): number {
    if (p < this.ltFrom || (this.ltAt >= 0 && p > this.ltAt)) {
      this.ltFrom = p;
      this.ltAt = this.s.indexOf('<', p);
    }
    return this.ltAt < 0 ? this.s.length : this.ltAt;
  }

  /** Index of the first ">" at or after `p`, or -1. */
  private nextGt(p: number): number {
    if (p < this.gtFrom || (this.gtAt >= 0 && p > this.gtAt)) {
      this.gtFrom = p;
      this.gtAt = this.s.indexOf('>', p);
    }
    return this.gtAt;
  }

  /** Index of the next WHITESPACE_EVENT from `from`, or the length of the text. */
  private nextWhitespace(from: number): number {
    WHITESPACE_EVENT.lastIndex = from;
    if (!WHITESPACE_EVENT.test(this.s)) return this.s.length;
    const last = WHITESPACE_EVENT.lastIndex - 1;
    return this.s.charCodeAt(last) === 32 ? last - 1 : last;
  }

  private owe(kind: number): void {
    if (kind > this.owed) this.owed = kind;
  }

  /** Writes s[from, to), whose spaces are lone ones; one at either end joins the whitespace around. */
  private text(from: number, to: number): void {
    if (from >= to) return;
    const s = this.s;
    if (s.charCodeAt(from) === 32) {
      this.owe(SPACE);
      if (++from === to) return;
    }
    const trailing = s.charCodeAt(to - 1) === 32;
    if (trailing) to--;
    if (this.owed !== NOTHING) this.out += this.owed === NEWLINE ? '\n' : ' ';
    this.out += s.slice(from, to);
    this.owed = trailing ? SPACE : NOTHING;
  }

  /**
   * End of the markup at "<" `i` that a stage before `level` replaces, what it becomes in this.kind;
   * -1 if none does (the "<" is text, or ends the tag body being measured).
   */
  private markupEnd(i: number, level: number): number {
    const s = this.s;
    const { invisible, tags } = this.stages;
    const commentEnd = this.commentEnd(i);
    if (commentEnd !== undefined) {
      this.kind = SPACE;
      return commentEnd;
    }
    if (level === OPEN_TAG_BODY) return -1;
    const slash = s.charCodeAt(i + 1) === 47;
    const from = slash ? i + 2 : i + 1;
    // Names end at a non-word character, as "\b" requires: "<header>" is no "<head>", "<svg:rect>" is an <svg>.
    let to = from;
    let upper = false;
    for (let c = s.charCodeAt(to); isWordChar(c); c = s.charCodeAt(++to)) upper ||= c <= 90 && c >= 65;
    let name = to > from && to - from <= LONGEST_NAME ? s.slice(from, to) : '';
    if (upper) name = name.toLowerCase();
    let end = -1;
    if (invisible && !slash && INVISIBLE.has(name)) {
      end = this.invisibleEnd(to, name);
      if (end >= 0) {
        this.sawInvisible = true;
        this.kind = SPACE;
        return end;
      }
    }
    if (level === BLOCK_BODY || !tags) return -1;
    if (BLOCK.has(name)) {
      end = this.bodyEnd(to, BLOCK_BODY);
      if (end >= 0) {
        this.kind = NEWLINE;
        return end + 1;
      }
    }
    if (level === CELL_BODY) return -1;
    if (name === 'td' || name === 'th') {
      end = this.bodyEnd(to, CELL_BODY);
      if (end >= 0) {
        this.kind = SPACE;
        return end + 1;
      }
    }
    if (level === TAG_BODY) return -1;
    end = this.otherTagEnd(i, from);
    this.kind = NOTHING;
    return end;
  }

  /**
   * Stage G at "<" `i`, name (if any) from `from`: `</?name>`, `</?name/>`, `</?name` + whitespace + body + `>`,
   * `<!` + letter + body + `>`, `<?` + body + `?>`; -1 for none.
   */
  private otherTagEnd(i: number, from: number): number {
    const s = this.s;
    const next = s.charCodeAt(i + 1);
    if (next === 33) return isLetter(s.charCodeAt(i + 2)) ? after(this.bodyEnd(i + 3, TAG_BODY)) : -1;
    if (next === 63) {
      const gt = this.bodyEnd(i + 2, TAG_BODY);
      return gt > i + 2 && s.charCodeAt(gt - 1) === 63 ? gt + 1 : -1;
    }
    if (!isLetter(s.charCodeAt(from))) return -1;
    let to = from + 1;
    while (isNameChar(s.charCodeAt(to))) to++;
    const c = s.charCodeAt(to);
    if (c === 62) return to + 1;
    if (c === 47) return s.charCodeAt(to + 1) === 62 ? to + 2 : -1;
    if (isSpace(c)) return after(this.bodyEnd(to + 1, TAG_BODY));
    // Markup an earlier stage turned into whitespace counts as the whitespace after the name.
    if (c === 60) {
      const skipped = this.markupEnd(to, TAG_BODY);
      return skipped < 0 ? -1 : after(this.bodyEnd(skipped, TAG_BODY));
    }
    return -1;
  }

  /** Index of the ">" ending a tag body that starts at `p`, or -1 if a "<" that `level` cannot skip, or the end, comes first. */
  private bodyEnd(p: number, level: number): number {
    for (;;) {
      const gt = this.nextGt(p);
      if (gt < 0) return -1;
      const lt = this.nextLt(p);
      if (lt > gt) return gt;
      p = this.markupEnd(lt, level);
      if (p < 0) return -1;
    }
  }

  /**
   * End of an invisible element whose open tag's name ends at `p`: past the first ">" after its
   * close tag ("</name", anything may follow), or the end of the text if either is missing.
   */
  private invisibleEnd(p: number, name: string): number {
    const s = this.s;
    const open = this.bodyEnd(p, OPEN_TAG_BODY);
    if (open < 0) return -1;
    const { lower } = this.stages;
    const close = lower === undefined ? this.closeTag(open + 1, name) : lower.indexOf(`</${name}`, open + 1);
    if (close < 0) return s.length;
    const gt = lower === undefined ? this.gtAfter(close + 2) : this.nextGt(close);
    return gt < 0 ? s.length : gt + 1;
  }

  /** Index of the next "</name" (any case) from `p`, outside comments; -1 if none. */
  private closeTag(p: number, name: string): number {
    const s = this.s;
    for (;;) {
      const lt = this.nextLt(p);
      if (lt === s.length) return -1;
      if (s.charCodeAt(lt + 1) === 47 && startsWithLower(s, lt + 2, name)) return lt;
      p = this.commentEnd(lt) ?? lt + 1;
    }
  }

  /** Index of the next ">" from `p`, outside comments; -1 if none. */
  private gtAfter(p: number): number {
    for (;;) {
      const gt = this.nextGt(p);
      if (gt < 0 || !this.stages.comments) return gt;
      const lt = this.nextLt(p);
      if (lt > gt) return gt;
      p = this.commentEnd(lt) ?? lt + 1;
    }
  }

  /** End of the comment ("<!--" to "-->", or to the end of the text) at "<" `lt`, if comments are a stage and there is one. */
  private commentEnd(lt: number): number | undefined {
    const s = this.s;
    if (!this.stages.comments || s.charCodeAt(lt + 1) !== 33 || s.charCodeAt(lt + 2) !== 45 || s.charCodeAt(lt + 3) !== 45) return undefined;
    return indexOrEnd(s, '-->', lt + 4, 3);
  }
}

/** Index of `search` from `from`, plus `skip`; the length of `s` if it does not occur. */
function indexOrEnd(s: string, search: string, from: number, skip = 0): number {
  const at = s.indexOf(search, from);
  return at < 0 ? s.length : at + skip;
}

function after(gt: number): number {
  return gt < 0 ? -1 : gt + 1;
}

/** Whether s continues at `at` with `name` (lowercase ASCII letters) in any case. */
function startsWithLower(s: string, at: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    if ((s.charCodeAt(at + k) | 0x20) !== name.charCodeAt(k)) return false;
  }
  return true;
}

/** JavaScript's \s. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || (c >= 0x1680 && (c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));
}

/** [\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v ]: what the definition's SPACE_RUN collapses. */
function isHorizontalSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || (c >= 0x2000 && (c <= 0x200a || c === 0x202f || c === 0x205f || c === 0x3000));
}

function isZeroWidth(c: number): boolean {
  return (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** A regex \w character (no "u" flag): what "\b" separates from the rest. */
function isWordChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 95;
}

/** [a-zA-Z0-9:-], the rest of a stage-G tag name. */
function isNameChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 58) || c === 45;
}
