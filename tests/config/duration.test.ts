import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000], ['15m', 900_000], ['1h30m', 5_400_000], ['1h 30m', 5_400_000], ['7d', 604_800_000],
    ['2w', 1_209_600_000], ['250ms', 250], ['30', 30_000], [45, 45_000], ['1.5h', 5_400_000], [' 10M ', 600_000],
  ])('%s → %i ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', 'soon', '10 minutes', '5x', 'm10', '-5m', '1h-', Number.NaN, -1])('rejects %s', (input) => expect(parseDuration(input)).toBeNull());
});

describe('formatDuration', () => {
  it.each([[900_000, '15m'], [5_400_000, '1h30m'], [604_800_000, '7d'], [1_500, '1s500ms'], [0, '0s']])('%i → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
