/**
 * Personal contact profiles: bands, shrinkage towards the segment, and the latent classes that EM learns from a
 * book of borrowers whose answer patterns differ (planted here, then recovered without being told).
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/prng.ts';
import { type BandCounts, bandOf } from '../../src/recommend/bands.ts';
import { fitContactClasses, mixtureRates, posterior } from '../../src/recommend/classes.ts';
import { adjustHang, contactProfile, ratesOf } from '../../src/recommend/profile.ts';

const book = { hang: [0.2, 0.2, 0.2, 0.2, 0.2], pickup: [0.75, 0.75, 0.75, 0.75, 0.75] };

describe('bands', () => {
  it('puts weekday hours in four bands and every weekend hour in the fifth', () => {
    expect([8, 11, 12, 13, 14, 17, 18, 20].map((h) => bandOf(h, 3))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(bandOf(10, 6)).toBe(4);
    expect(bandOf(19, 7)).toBe(4);
  });
});

describe('contactProfile', () => {
  it('shrinks a borrower with no calls to the segment, and moves towards their own rates as calls add up', () => {
    const none: BandCounts = {
      attempts: [0, 0, 0, 0, 0],
      hangups: [0, 0, 0, 0, 0],
      pickups: [0, 0, 0, 0, 0],
    };
    const p0 = contactProfile(none, book, book, 2);
    expect([...p0.hangAdj].every((x) => Math.abs(x) < 1e-6)).toBe(true);
    expect(p0.pickup[0]).toBeCloseTo(0.75, 6);
    const many: BandCounts = {
      attempts: [20, 0, 0, 0, 0],
      hangups: [10, 0, 0, 0, 0],
      pickups: [10, 0, 0, 0, 0],
    };
    const p = contactProfile(many, book, book, 2);
    // (10 + 2·0.2) / 22 hung up: well above the book's 0.2, so the logit moves up; other bands stay.
    expect(adjustHang(0.2, p, 0)).toBeCloseTo((10 + 0.4) / 22, 5);
    expect(adjustHang(0.2, p, 3)).toBeCloseTo(0.2, 6);
    expect(p.pickup[0]).toBeCloseTo((10 + 1.5) / 12, 6);
  });

  it('ratesOf falls back for bands without calls', () => {
    const r = ratesOf(
      { attempts: [4, 0, 0, 0, 0], hangups: [1, 0, 0, 0, 0], pickups: [3, 0, 0, 0, 0] },
      { hang: [0, 0.3, 0.3, 0.3, 0.3], pickup: [0, 0.6, 0.6, 0.6, 0.6] },
    );
    expect(r.hang).toEqual([0.25, 0.3, 0.3, 0.3, 0.3]);
    expect(r.pickup).toEqual([1, 0.6, 0.6, 0.6, 0.6]);
  });
});

/** Borrowers of two planted kinds: "office" (hang up and miss in the day, answer evenings) and "daytime". */
function book2(n: number, seed: number) {
  const rand = mulberry32(seed);
  const kinds: ('office' | 'daytime')[] = [];
  const data: { type: string; counts: BandCounts }[] = [];
  const rates = {
    office: { hang: [0.35, 0.2, 0.35, 0.08, 0.1], pick: [0.5, 0.7, 0.5, 0.9, 0.85] },
    daytime: { hang: [0.06, 0.15, 0.06, 0.4, 0.2], pick: [0.9, 0.8, 0.9, 0.6, 0.7] },
  };
  for (let i = 0; i < n; i++) {
    const kind = rand() < 0.5 ? 'office' : 'daytime';
    kinds.push(kind);
    const c: BandCounts = { attempts: [0, 0, 0, 0, 0], hangups: [0, 0, 0, 0, 0], pickups: [0, 0, 0, 0, 0] };
    for (let k = 0; k < 8; k++) {
      const b = Math.floor(rand() * 4);
      c.attempts[b]!++;
      if (rand() < rates[kind].hang[b]!) c.hangups[b]!++;
      else if (rand() < rates[kind].pick[b]!) c.pickups[b]!++;
    }
    data.push({ type: 'personal', counts: c });
  }
  return { kinds, data };
}

describe('latent contact classes (EM)', () => {
  it('recovers planted answer patterns from eight calls per borrower, the same way every run', () => {
    const { kinds, data } = book2(3000, 7);
    const m = fitContactClasses(data, book, 2)!;
    expect(m).not.toBeNull();
    expect(fitContactClasses(data, book, 2)).toEqual(m);
    // One class answers evenings (band 3) far better than mornings (band 0); the other the reverse.
    const evening = m.rates.findIndex((r) => r.hang[3]! < r.hang[0]!);
    expect(evening).toBeGreaterThanOrEqual(0);
    expect(m.rates[evening]!.hang[0]).toBeGreaterThan(0.25);
    expect(m.rates[1 - evening]!.hang[0]).toBeLessThan(0.12);
    // The posterior puts most office borrowers in the evening class.
    let right = 0;
    data.forEach((d, i) => {
      const p = posterior(m, d.counts, 'personal');
      if (p[evening]! > 0.5 === (kinds[i] === 'office')) right++;
    });
    expect(right / data.length).toBeGreaterThan(0.75);
  });

  it('a tempered posterior is less sure, and mixture rates stay between the classes', () => {
    const { data } = book2(2000, 3);
    const m = fitContactClasses(data, book, 2)!;
    const c = data.find((d) => d.counts.hangups[0]! >= 2)!.counts;
    const sure = Math.max(...posterior(m, c, 'personal', 1));
    const tempered = Math.max(...posterior(m, c, 'personal', 0.5));
    expect(tempered).toBeLessThan(sure);
    const mix = mixtureRates(m, c, 'personal');
    for (let b = 0; b < 5; b++) {
      const lo = Math.min(m.rates[0]!.hang[b]!, m.rates[1]!.hang[b]!);
      const hi = Math.max(m.rates[0]!.hang[b]!, m.rates[1]!.hang[b]!);
      expect(mix.hang[b]).toBeGreaterThanOrEqual(lo - 1e-9);
      expect(mix.hang[b]).toBeLessThanOrEqual(hi + 1e-9);
    }
  });

  it('learns nothing from too few borrowers', () => {
    expect(fitContactClasses(book2(30, 1).data, book)).toBeNull();
  });
});
