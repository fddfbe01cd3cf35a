/**
 * A trie over folded characters, walked from a word start to find every term that
 * matches there (exact strings, and prefix terms that accept the rest of the word).
 * Transitions for lowercase ASCII letters, digits and the space live in one typed
 * array; other letters in a small map per node.
 */

/** Symbol of each ASCII code: a-z → 1..26, 0-9 → 27..36, space → 37, anything else 0. */
const SYMBOL = new Int8Array(128);
for (let c = 0; c < 26; c++) SYMBOL[97 + c] = 1 + c;
for (let d = 0; d < 10; d++) SYMBOL[48 + d] = 27 + d;
SYMBOL[32] = 37;
const SYMBOLS = 38;
const SPACE = 32;

export type TrieSink<T> = (term: T, end: number) => void;

export class WordTrie<T> {
  private table = new Int32Array(SYMBOLS * 64);
  private readonly wide = new Map<number, Map<number, number>>();
  private readonly exact: (T[] | undefined)[] = [undefined];
  private readonly prefix: (T[] | undefined)[] = [undefined];
  private nodes = 1;

  /** Adds `path` (folded text); a prefix term also matches any continuation of the last word. */
  add(path: string, term: T, isPrefix: boolean): void {
    let node = 0;
    for (let i = 0; i < path.length; i++) node = this.childOrCreate(node, path.charCodeAt(i));
    const lists = isPrefix ? this.prefix : this.exact;
    const list = lists[node];
    if (list === undefined) lists[node] = [term];
    else if (!list.includes(term)) list.push(term);
  }

  /** Reports every term matching at `start` (a word start) of padded folded text. */
  walk(text: string, start: number, sink: TrieSink<T>): void {
    let node = 0;
    let j = start;
    for (;;) {
      const prefixTerms = this.prefix[node];
      if (prefixTerms !== undefined) {
        const end = text.indexOf(' ', j);
        for (const t of prefixTerms) sink(t, end);
      }
      const code = text.charCodeAt(j);
      if (code === SPACE && node !== 0) {
        const exactTerms = this.exact[node];
        if (exactTerms !== undefined) for (const t of exactTerms) sink(t, j);
      }
      const next = this.child(node, code);
      if (next < 0) return;
      node = next;
      j++;
    }
  }

  /**
   * Whether a phrase term that starts at `start` and covers text up to `end` could go
   * on past it (the next word): the walk reaches `end` on a node with a space after it.
   */
  continuesPast(text: string, start: number, end: number): boolean {
    let node = 0;
    for (let j = start; j < end && node >= 0; j++) node = this.child(node, text.charCodeAt(j));
    return node >= 0 && this.child(node, SPACE) >= 0;
  }

  private child(node: number, code: number): number {
    if (code < 128) {
      const symbol = SYMBOL[code] as number;
      return symbol === 0 ? -1 : (this.table[node * SYMBOLS + symbol] as number) - 1;
    }
    return this.wide.get(node)?.get(code) ?? -1;
  }

  private childOrCreate(node: number, code: number): number {
    const existing = this.child(node, code);
    if (existing >= 0) return existing;
    const created = this.nodes++;
    this.exact.push(undefined);
    this.prefix.push(undefined);
    if (code < 128 && SYMBOL[code] !== 0) {
      if (this.nodes * SYMBOLS > this.table.length) {
        const grown = new Int32Array(this.table.length * 2);
        grown.set(this.table);
        this.table = grown;
      }
      this.table[node * SYMBOLS + (SYMBOL[code] as number)] = created + 1;
    } else {
      let map = this.wide.get(node);
      if (map === undefined) {
        map = new Map();
        this.wide.set(node, map);
      }
      map.set(code, created);
    }
    return created;
  }
}
