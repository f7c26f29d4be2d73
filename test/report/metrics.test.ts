import { describe, expect, it } from 'vitest';
import { wilson } from '../../src/evaluate/index.ts';
import { brierOrZero, eceOrZero, reliabilityPoints } from '../../src/report/metrics/calibration.ts';
import { aucOrNull, ksPoints, rocCurve } from '../../src/report/metrics/discrimination.ts';
import { gainsRows, liftRows, scoreHistogram } from '../../src/report/metrics/lift.ts';
import { pointsOf, scoreBands } from '../../src/report/metrics/points.ts';
import { chi2Quantile95, psiBand, psiFromCounts, psiNoiseP95 } from '../../src/report/metrics/psi.ts';

const f = (a: number[]) => Float64Array.from(a);

describe('discrimination', () => {
  it.each([
    ['perfect', [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], 1],
    ['inverse', [1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9], 0],
    ['all tied', [0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], 0.5],
    // positives 0.35, 0.8 vs negatives 0.1, 0.4: 0.35>0.1, 0.8>0.1, 0.8>0.4 win, 0.35<0.4 loses → 3/4
    ['hand case', [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.75],
  ])('AUC %s', (_n, y, p, want) => {
    expect(aucOrNull(f(y), f(p))).toBeCloseTo(want, 12);
  });

  it('AUC is null with one class, and ROC is then empty', () => {
    expect(aucOrNull(f([1, 1]), f([0.2, 0.3]))).toBeNull();
    expect(rocCurve(f([1, 1]), f([0.2, 0.3]))).toEqual([]);
  });

  it('ROC runs from (0,0) to (1,1) and is monotone', () => {
    const roc = rocCurve(f([0, 1, 0, 1, 1, 0]), f([0.1, 0.9, 0.4, 0.6, 0.3, 0.2]));
    expect(roc[0]).toEqual({ x: 0, y: 0 });
    expect(roc.at(-1)).toEqual({ x: 1, y: 1 });
    for (let i = 1; i < roc.length; i++) {
      expect(roc[i]?.x).toBeGreaterThanOrEqual(roc[i - 1]?.x ?? 0);
      expect(roc[i]?.y).toBeGreaterThanOrEqual(roc[i - 1]?.y ?? 0);
    }
  });

  it('KS of a perfect split is 1 at the threshold between the classes, drawn by population share', () => {
    const r = ksPoints(f([0, 0, 1, 1]), f([0.1, 0.2, 0.8, 0.9]));
    expect(r.ks).toBe(1);
    expect(r.threshold).toBe(0.2);
    // riskiest first, by hand: the top quarter holds half the bads, the top half all of them and no good
    expect(r.curve).toEqual([
      { x: 0, bads: 0, goods: 0 },
      { x: 0.25, bads: 0.5, goods: 0 },
      { x: 0.5, bads: 1, goods: 0 },
      { x: 0.75, bads: 1, goods: 0.5 },
      { x: 1, bads: 1, goods: 1 },
    ]);
    // the marker stands where the gap peaks: above the threshold 0.2 lies half the population
    expect(r.ks_at).toBe(0.5);
  });

  it('KS and its curve agree: the largest gap of the curve is the KS', () => {
    const y = f([0, 1, 0, 0, 1, 0, 1, 0, 0, 0]);
    const p = f([0.1, 0.9, 0.3, 0.2, 0.4, 0.5, 0.7, 0.35, 0.05, 0.6]);
    const r = ksPoints(y, p);
    const gap = Math.max(...r.curve.map((c) => c.bads - c.goods));
    expect(r.ks).toBeCloseTo(gap, 6);
    expect(r.curve.find((c) => c.x === r.ks_at)?.bads).toBeCloseTo(
      gap + (r.curve.find((c) => c.x === r.ks_at)?.goods ?? 0),
      6,
    );
  });
});

describe('calibration', () => {
  it('Brier by hand', () => {
    // (0.2-0)^2 + (0.6-1)^2 = 0.04 + 0.16 → mean 0.1
    expect(brierOrZero(f([0, 1]), f([0.2, 0.6]))).toBeCloseTo(0.1, 12);
  });
  it('ECE is 0 when each bin predicts its observed rate, and weights bins by size', () => {
    expect(eceOrZero(f([0, 1, 0, 1]), f([0.5, 0.5, 0.5, 0.5]))).toBeCloseTo(0, 12);
    // bin 0: p=0.05 ×2, observed 0.5 → |0.45|·2/4; bin 9: p=0.95 ×2, observed 1 → |0.05|·2/4
    expect(eceOrZero(f([0, 1, 1, 1]), f([0.05, 0.05, 0.95, 0.95]))).toBeCloseTo(0.25, 12);
  });

  it('reliability bins hold equal counts, tied predictions stay together, intervals are Wilson', () => {
    const p = f(Array.from({ length: 100 }, (_, i) => (i + 1) / 100));
    const y = f(Array.from({ length: 100 }, (_, i) => i % 2));
    const bins = reliabilityPoints(y, p);
    expect(bins.map((b) => b.n)).toEqual(new Array(10).fill(10));
    expect(bins[0]).toMatchObject({ bin: 1, predicted: 0.055, observed: 0.5 });
    // one tied block is one bin; 1 of 2: Wilson 95 % = 0.5 ± 0.4055 (by hand)
    expect(reliabilityPoints(f([0, 1]), f([1, 1]))).toEqual([
      { bin: 1, predicted: 1, observed: 0.5, low: 0.094531, high: 0.905469, n: 2 },
    ]);
    // at 0 events the interval stays inside [0, 1] (a normal interval would go negative): 0 of 50 → [0, 0.0713]
    const [lo, hi] = wilson(0, 50);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.0713, 4);
  });
});

describe('lift and score distribution', () => {
  it('the riskiest decile holds the bads of a perfect score', () => {
    const y = f(Array.from({ length: 100 }, (_, i) => (i >= 90 ? 1 : 0)));
    const p = f(Array.from({ length: 100 }, (_, i) => i / 100));
    const lift = liftRows(y, p);
    expect(lift).toHaveLength(10);
    expect(lift[0]).toEqual({ decile: 1, n: 10, bad_rate: 1, lift: 10, cum_gain: 1 });
    expect(lift[9]?.bad_rate).toBe(0);
  });
  it('gains/KS by band: counts, cumulative shares and the band KS by hand', () => {
    // 10 rows, 2 bads at the two highest scores; 5 bands of 2 rows
    const y = f([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    const p = f([0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.5, 0.6]);
    const g = gainsRows(y, p, 5);
    expect(g[0]).toEqual({
      band: 1,
      n: 2,
      bads: 2,
      bad_rate: 1,
      min_score: 0.5,
      max_score: 0.6,
      cum_bads: 1,
      cum_goods: 0,
      ks: 1,
    });
    expect(g.map((r) => r.cum_goods)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // the largest band KS is the KS when bands split between distinct scores
    expect(Math.max(...g.map((r) => r.ks))).toBe(ksPoints(y, p).ks);
  });
  it('scorecard points: 600 at odds 50:1, 20 more points double the odds; bands cover every row', () => {
    expect(pointsOf(1 / 51)).toBe(600);
    expect(pointsOf(1 / 101)).toBe(620);
    // p = 1/201: odds 200 = 50·2² → 640; p = 0.001: odds 999 → 600 + 20·log2(19.98) = 686
    const bands = scoreBands(f([1, 0, 0, 0]), f([0.5, 1 / 51, 1 / 201, 0.001]));
    expect(bands.map((b) => [b.band, b.n, b.bads])).toEqual([
      ['< 500', 1, 1],
      ['500–549', 0, 0],
      ['550–599', 0, 0],
      ['600–649', 2, 0],
      ['650–699', 1, 0],
      ['≥ 700', 0, 0],
    ]);
  });
  it('score histogram bins are equal in log(score), from the 0.5th percentile to the largest score', () => {
    // two rows at the minimum put the 0.5th percentile on it
    const h = scoreHistogram(f([0, 0, 0, 1]), f([0.001, 0.001, 0.01, 0.1]), 2);
    expect(h.filter((b) => b.outcome === 0).map((b) => [b.bin_start, b.bin_end])).toEqual([
      [0.001, 0.01],
      [0.01, 0.1],
    ]);
  });
  it('each class histogram sums to 1', () => {
    const h = scoreHistogram(f([0, 0, 1]), f([0.01, 0.5, 0.99]));
    for (const o of [0, 1]) {
      const s = h.filter((b) => b.outcome === o).reduce((a, b) => a + b.share, 0);
      expect(s).toBeCloseTo(1, 9);
    }
  });
});

describe('PSI', () => {
  it('is 0 for identical shares and matches a hand computation', () => {
    expect(psiFromCounts([10, 20, 30], [20, 40, 60])).toBeCloseTo(0, 12);
    // e = (0.5, 0.5), a = (0.8, 0.2): 0.3·ln(1.6) + (−0.3)·ln(0.4)
    expect(psiFromCounts([50, 50], [80, 20])).toBeCloseTo(0.3 * Math.log(1.6) - 0.3 * Math.log(0.4), 12);
  });
  it.each([
    [0.05, 'stable'],
    [0.1, 'watch'],
    [0.25, 'watch'],
    [0.26, 'shift'],
  ])('band of %f is %s', (v, band) => expect(psiBand(v)).toBe(band));
  it('noise threshold follows (1/n + 1/m)·χ²₀.₉₅(bins − 1)', () => {
    expect(chi2Quantile95(9)).toBeCloseTo(16.919, 1); // table value
    expect(psiNoiseP95(1000, 1000, 10)).toBeCloseTo(0.002 * chi2Quantile95(9), 12);
  });
});
