/**
 * Strings (and prefixes that accept the rest of a word) written as one regex with
 * shared prefixes factored, so the scanner tries few alternatives at each word.
 */

interface RegexTrieNode {
  end: boolean;
  prefixEnd: boolean;
  children: Map<string, RegexTrieNode>;
}

/** The trie strings as one regex with shared prefixes factored (fewer alternatives per word). */
export class RegexTrie {
  private readonly root: RegexTrieNode = { end: false, prefixEnd: false, children: new Map() };

  add(s: string, isPrefix: boolean): void {
    let node = this.root;
    for (const ch of s) {
      let next = node.children.get(ch);
      if (next === undefined) {
        next = { end: false, prefixEnd: false, children: new Map() };
        node.children.set(ch, next);
      }
      node = next;
    }
    if (isPrefix) node.prefixEnd = true;
    else node.end = true;
  }

  isEmpty(): boolean {
    return this.root.children.size === 0;
  }

  source(): string {
    return nodeSource(this.root);
  }
}

function nodeSource(node: RegexTrieNode): string {
  const branches = [...node.children.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ch, child]) => escapeChar(ch) + nodeSource(child));
  // A prefix term accepts the rest of the word; the trailing (?= ) decides where it ends.
  if (node.prefixEnd) branches.push('[^ ]*');
  if (branches.length === 0) return '';
  const body = branches.length === 1 ? (branches[0] as string) : `(?:${branches.join('|')})`;
  if (!node.end) return body;
  return `(?:${body})?`;
}

function escapeChar(ch: string): string {
  return /[.*+?^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
}
