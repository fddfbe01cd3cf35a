import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, normalizeText, normalizeTextOnly } from '../../src/rules/normalize-text.js';

describe('foldText', () => {
  it.each([
    ['case', 'KIM JONG UN', 'kim jong un'],
    ['diaeresis, acute, grave, circumflex', 'Sergueï Choïgou à Pékin, fête', 'serguei choigou a pekin fete'],
    ['cedilla', 'Français reçu', 'francais recu'],
    ['ligature oe', 'œuvre Œdipe', 'oeuvre oedipe'],
    ['ligature ae', 'Cæsar', 'caesar'],
    ['typographic apostrophe and elision', 'l’Ukraine d’abord', 'l ukraine d abord'],
    ['ascii apostrophe', "qu'il jusqu'à", 'qu il jusqu a'],
    ['modifier letter apostrophe', 'lʼarmée', 'l armee'],
    ['hyphen', 'nord-coréens', 'nord coreens'],
    ['non-breaking hyphen U+2011', 'nord\u2011coréenne', 'nord coreenne'],
    ['no-break space U+00A0', 'Kim\u00a0Jong\u00a0Un', 'kim jong un'],
    ['narrow no-break space U+202F', '« Russie »', 'russie'],
    ['en and em dashes', 'Moscou–Pyongyang — accord', 'moscou pyongyang accord'],
    ['decomposed accents (NFD input)', 'Core\u0301e', 'coree'],
    ['transliteration variants fold together', 'Kim Jong-Un / Kim Jong-un', 'kim jong un kim jong un'],
    ['punctuation runs collapse', 'Poutine... (Kremlin) !!', 'poutine kremlin'],
    ['digits kept', '10 000 soldats, G20', '10 000 soldats g20'],
    ['empty', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(foldText(input)).toBe(expected);
  });
});

describe('normalizeText offsets', () => {
  it('maps every folded character back to the original', () => {
    const input = 'L’armée nord\u2011coréenne à Koursk';
    const norm = normalizeText(input);
    expect(norm.text).toBe(' l armee nord coreenne a koursk ');
    const at = norm.text.indexOf('coreenne');
    const start = norm.starts[at] as number;
    const end = norm.ends[at + 'coreenne'.length - 1] as number;
    expect(input.slice(start, end)).toBe('coréenne');
  });

  it('keeps decomposed accents inside the letter they follow', () => {
    const input = 'la Core\u0301e du Nord';
    const norm = normalizeText(input);
    const at = norm.text.indexOf('coree');
    expect(input.slice(norm.starts[at] as number, norm.ends[at + 4] as number)).toBe('Core\u0301e');
  });

  it('maps a ligature to the one original character', () => {
    const input = 'mise en œuvre';
    const norm = normalizeText(input);
    const at = norm.text.indexOf('oeuvre');
    expect(input.slice(norm.starts[at] as number, norm.ends[at + 5] as number)).toBe('œuvre');
  });

  it('handles characters outside the BMP', () => {
    const input = '🇰🇵 Pyongyang 𝐑𝐮𝐬𝐬𝐢𝐞';
    const norm = normalizeText(input);
    expect(norm.text).toBe(' pyongyang russie ');
    const at = norm.text.indexOf('russie');
    expect(input.slice(norm.starts[at] as number, norm.ends[at + 5] as number)).toBe('𝐑𝐮𝐬𝐬𝐢𝐞');
  });
});

describe('normalizeTextOnly', () => {
  it('gives the text of normalizeText for any string', () => {
    const char = fc.oneof(
      fc.constantFrom('a', 'Z', ' ', '-', '’', 'é', 'e\u0301', 'œ', 'Œ', 'ß', 'ﬃ', '½', 'ʼ', '\u00a0', '\u202f', '—', '9', '🇰🇵', '𝐑', 'Ⅻ', 'ǆ', 'İ'),
      fc.integer({ min: 0, max: 0x2fff }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x10000, max: 0x1ffff }).map((c) => String.fromCodePoint(c)),
    );
    fc.assert(fc.property(fc.array(char, { maxLength: 60 }).map((cs) => cs.join('')), (text) => {
      expect(normalizeTextOnly(text)).toBe(normalizeText(text).text);
    }), { numRuns: 20_000 });
  });

  it('grows its buffers for text that folds longer than it is, and never hands out a buffer it reuses', () => {
    const long = 'ﬃ œ ½ '.repeat(20_000);
    const first = normalizeText(long);
    const copy = { text: first.text, starts: Array.from(first.starts), ends: Array.from(first.ends) };
    expect(first.text === ` ${'ffi oe 1 2 '.repeat(20_000).trim()} `).toBe(true);
    expect(normalizeTextOnly('Kim Jong Un')).toBe(' kim jong un ');
    normalizeText('Poutine à Pyongyang');
    expect({ text: first.text, starts: Array.from(first.starts), ends: Array.from(first.ends) }).toEqual(copy);
    expect(normalizeTextOnly(long)).toBe(first.text);
  });
});
