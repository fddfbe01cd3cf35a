/**
 * parseFeedDate: the date formats feeds publish, French ones included.
 */
import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../src/feeds/feed-date.js';

describe('parseFeedDate', () => {
  it.each<[string | null | undefined, string | null]>([
    ['Mon, 23 Nov 2026 08:30:00 +0100', '2026-11-23T07:30:00.000Z'],
    ['Mon, 23 Nov 2026 08:30:00 GMT', '2026-11-23T08:30:00.000Z'],
    ['Tue, 10 Jun 2014 10:00:00 Z', '2014-06-10T10:00:00.000Z'],
    ['2026-11-23T08:30:00+01:00', '2026-11-23T07:30:00.000Z'],
    ['2026-11-23T07:30:00Z', '2026-11-23T07:30:00.000Z'],
    ['  2026-11-23T07:30:00.123Z\n', '2026-11-23T07:30:00.123Z'],
    ['lun., 23 nov. 2026 08:30:00 +0100', '2026-11-23T07:30:00.000Z'],
    ['lundi 23 novembre 2026 08:30:00 +0100', '2026-11-23T07:30:00.000Z'],
    ['23 févr. 2026 08:30:00 +0100', '2026-02-23T07:30:00.000Z'],
    ['Sam, 15 août 2026 12:00:00 +0200', '2026-08-15T10:00:00.000Z'],
    ['1 déc. 2026 00:00:00 GMT', '2026-12-01T00:00:00.000Z'],
    ['hier soir', null],
    ['', null],
    [null, null],
    [undefined, null],
    ['1970-01-01T00:00:00Z', null],
  ])('%j → %j', (input, expected) => {
    expect(parseFeedDate(input)).toBe(expected);
  });
});
