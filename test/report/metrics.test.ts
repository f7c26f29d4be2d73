import { describe, expect, it } from 'vitest';
import { brier, ece, reliability } from '../../src/report/metrics/calibration.ts';
import { auc, ksCurve, rocCurve } from '../../src/report/metrics/discrimination.ts';
import { liftTable, scoreHistogram } from '../../src/report/metrics/lift.ts';
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
    expect(auc(f(y), f(p))).toBeCloseTo(want, 12);
  });

  it('AUC is null with one class, and ROC is then empty', () => {
    expect(auc(f([1, 1]), f([0.2, 0.3]))).toBeNull();
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

  it('KS of a perfect split is 1 at the threshold between the classes', () => {
    const r = ksCurve(f([0, 0, 1, 1]), f([0.1, 0.2, 0.8, 0.9]));
    expect(r.ks).toBe(1);
    expect(r.threshold).toBe(0.2);
    // by hand: goods 2/2 and bads 0/2 at 0.2
    expect(r.curve[1]).toEqual({ x: 0.2, bads: 0, goods: 1 });
  });
});

describe('calibration', () => {
  it('Brier by hand', () => {
    // (0.2-0)^2 + (0.6-1)^2 = 0.04 + 0.16 → mean 0.1
    expect(brier(f([0, 1]), f([0.2, 0.6]))).toBeCloseTo(0.1, 12);
  });
  it('ECE is 0 when each bin predicts its observed rate, and weights bins by size', () => {
    expect(ece(f([0, 1, 0, 1]), f([0.5, 0.5, 0.5, 0.5]))).toBeCloseTo(0, 12);
    // bin 0: p=0.05 ×2, observed 0.5 → |0.45|·2/4; bin 9: p=0.95 ×2, observed 1 → |0.05|·2/4
    expect(ece(f([0, 1, 1, 1]), f([0.05, 0.05, 0.95, 0.95]))).toBeCloseTo(0.25, 12);
    expect(reliability(f([0, 1]), f([1, 1]))).toEqual([{ bin: 9, predicted: 1, observed: 0.5, n: 2 }]);
  });
});

describe('lift and score distribution', () => {
  it('the riskiest decile holds the bads of a perfect score', () => {
    const y = f(Array.from({ length: 100 }, (_, i) => (i >= 90 ? 1 : 0)));
    const p = f(Array.from({ length: 100 }, (_, i) => i / 100));
    const lift = liftTable(y, p);
    expect(lift).toHaveLength(10);
    expect(lift[0]).toEqual({ decile: 1, n: 10, bad_rate: 1, lift: 10, cum_gain: 1 });
    expect(lift[9]?.bad_rate).toBe(0);
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
