/**
 * The reasons' percentages are written out from a whole count of hundredths instead of converting a double to
 * text: the spelling must be the one `(Math.round(x * 10_000) / 100).toString()` gives, for every number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pct } from '../../src/recommend/reasons.ts';

const before = (x: number) => `${(Math.round(x * 10_000) / 100).toString()} %`;

describe('pct', () => {
  it.each([
    [0.0118, '1.18 %'],
    [0.003, '0.3 %'],
    [0.02, '2 %'],
    [0.0001, '0.01 %'],
    [0.00004, '0 %'],
    [-0.00004, '0 %'],
    [-0.0105, '-1.05 %'],
    [12.345678, '1234.57 %'],
  ])('%s → %s', (x, text) => {
    expect(pct(x)).toBe(text);
    expect(pct(x)).toBe(before(x));
  });

  it('spells every number as the division and toString did: shares, negatives, huge, NaN and ±∞', () => {
    const share = fc.double({ min: -1, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        fc.oneof(
          share,
          fc.double(),
          fc.integer().map((i) => i / 10_000),
        ),
        (x) => {
          expect(pct(x)).toBe(before(x));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
