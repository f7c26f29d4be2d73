import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/prng.ts';
import {
  auc,
  brier,
  chiSquare95,
  ece,
  evaluateBinary,
  evaluateHazard,
  gainsTable,
  gini,
  ks,
  ksCurve,
  liftTable,
  logLoss,
  psi,
  psiFromCounts,
  psiTerm,
  reliability,
  reliabilityByCount,
} from '../../src/evaluate/index.ts';
import { orderByScore } from '../../src/evaluate/types.ts';

// The classic four-row case: events score 0.35 and 0.8, non-events 0.1 and 0.4.
const P = [0.1, 0.4, 0.35, 0.8];
const Y = [0, 0, 1, 1];

describe('discrimination', () => {
  it('AUC of perfect, inverted, tied and a hand-counted case', () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBe(0);
    expect(auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    // 3 of 4 (event, non-event) pairs are ordered correctly
    expect(auc(Y, P)).toBeCloseTo(0.75, 12);
    expect(gini(Y, P)).toBeCloseTo(0.5, 12);
    expect(auc([1, 1], [0.3, 0.4])).toBeNaN();
  });

  it('AUC of random scores is close to one half', () => {
    const r = mulberry32(1);
    const p = Array.from({ length: 20000 }, () => r());
    const y = Array.from({ length: 20000 }, () => (r() < 0.3 ? 1 : 0));
    expect(Math.abs(auc(y, p) - 0.5)).toBeLessThan(0.02);
  });

  it('KS: hand-computed CDF gap, perfect separation, ties move together', () => {
    // CDF(non-events) − CDF(events) after 0.1 is 0.5, after 0.35 is 0, after 0.4 is 0.5
    expect(ks(Y, P)).toBeCloseTo(0.5, 12);
    expect(ks([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(ks([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0);
  });

  it('lift and gains by decile', () => {
    const p = Array.from({ length: 20 }, (_, i) => i / 20);
    const y = p.map((_, i) => (i >= 18 ? 1 : 0)); // the two highest scores are the events
    const t = liftTable(y, p);
    expect(t).toHaveLength(10);
    expect(t[0]).toMatchObject({ decile: 1, count: 2, events: 2, rate: 1, lift: 10, gain: 1 });
    expect(t[9]).toMatchObject({ events: 0, gain: 1 });
  });

  it('rejects labels that are not 0/1 and misaligned inputs', () => {
    expect(() => auc([0, 2], [0.1, 0.2])).toThrow(/label 1 must be 0 or 1; got 2/);
    expect(() => brier([0, 1], [0.1])).toThrow(/1 scores but 2 labels/);
  });
});

describe('one KS, one PSI', () => {
  it('ks is ksCurve’s number, and the curve reaches it at the threshold', () => {
    const r = ksCurve(Y, P);
    expect(r.ks).toBe(ks(Y, P));
    // at 0.35 (the threshold): goods 1/2 and bads 1/2 ≤ it → gap 0; at 0.1: goods 1/2, bads 0 → 0.5
    expect(r.threshold).toBe(0.1);
    expect(r.curve.find((c) => c.x === r.threshold)).toEqual({ x: 0.1, bads: 0, goods: 0.5 });
  });
  it('psi over counts and over samples sum the same floored terms', () => {
    // two bins at the median: expected 50/50, actual 80/20
    expect(psiFromCounts([50, 50], [80, 20])).toBeCloseTo(psiTerm(0.8, 0.5) + psiTerm(0.2, 0.5), 12);
    const e = Array.from({ length: 100 }, (_, i) => i);
    const a = Array.from({ length: 100 }, (_, i) => (i < 80 ? i / 2 : i));
    // the median of e is 50: a has 80 values under it (i / 2 < 40) and 20 at or above
    expect(psi(e, a, 2).psi).toBeCloseTo(psiFromCounts([50, 50], [80, 20]), 12);
    // an empty bin stays finite: 1e-4 floor
    expect(Number.isFinite(psiTerm(0, 0.5))).toBe(true);
  });
});

describe('calibration metrics', () => {
  it('Brier and log loss by hand', () => {
    expect(brier(Y, P)).toBeCloseTo((0.01 + 0.16 + 0.4225 + 0.04) / 4, 12);
    expect(logLoss(Y, P)).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4,
      12,
    );
  });

  it('ECE over 10 bins: weighted gap between mean prediction and observed rate', () => {
    // bin 0: mean 0.05 vs observed 0.5; bin 9: mean 0.95 vs observed 1 → 0.5·0.45 + 0.5·0.05
    expect(ece([0, 1, 1, 1], [0.05, 0.05, 0.95, 0.95])).toBeCloseTo(0.25, 12);
    expect(ece([0, 1], [0.5, 0.5])).toBeCloseTo(0, 12);
    const bins = reliability([0, 1, 1, 1], [0.05, 0.05, 0.95, 1]);
    expect(bins).toHaveLength(10);
    expect(bins[9]).toMatchObject({ count: 2, meanPredicted: 0.975, observedRate: 1 });
    expect(bins[5]).toMatchObject({ count: 0, meanPredicted: null });
  });
});

describe('PSI', () => {
  const r = mulberry32(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const base = Array.from({ length: 5000 }, normal);

  it('is 0 for identical samples and large for a shifted one', () => {
    const same = psi(base, base);
    expect(same.psi).toBeCloseTo(0, 12);
    expect(same.verdict).toBe('stable');
    const shifted = psi(
      base,
      base.map((v) => v + 1),
    );
    expect(shifted.psi).toBeGreaterThan(0.25);
    expect(shifted.verdict).toBe('shift');
    expect(shifted.edges).toHaveLength(9);
  });

  it('does not call noise on small samples a shift (sample-size-aware threshold)', () => {
    const a = Array.from({ length: 40 }, normal);
    const b = Array.from({ length: 40 }, normal);
    const res = psi(a, b);
    expect(res.psi).toBeGreaterThan(0.1); // a fixed threshold would raise an alarm here
    expect(res.noChange95).toBeCloseTo((2 / 40) * chiSquare95(9), 12);
    expect(res.verdict).toBe('stable');
  });

  it('chi-square 95th percentile matches tables within 1%', () => {
    expect(chiSquare95(9)).toBeCloseTo(16.919, 0);
    expect(Math.abs(chiSquare95(4) - 9.488) / 9.488).toBeLessThan(0.01);
  });
});

describe('evaluate', () => {
  it('evaluates a masked subset with every registered metric', () => {
    const r = evaluateBinary([...Y, 0], [...P, 0.99], Uint8Array.from([1, 1, 1, 1, 0]));
    expect(r.n).toBe(4);
    expect(r.events).toBe(2);
    expect(r.metrics.auc).toBeCloseTo(0.75, 12);
    expect(Object.keys(r.metrics).sort()).toEqual(['auc', 'brier', 'ece', 'gini', 'ks', 'logloss']);
  });

  it('per-horizon hazard evaluation counts only rows whose outcome is known', () => {
    // H = 2. Row 0: event in month 1; row 1: no event, observed 2; row 2: censored after month 1.
    const cum = Float32Array.from([0.6, 0.7, 0.1, 0.2, 0.3, 0.4]);
    const labels = { event: Int32Array.from([1, 0, 0]), observed: Int32Array.from([1, 2, 1]), horizon: 2 };
    const r = evaluateHazard(labels, cum);
    expect(r.byMonth[0]?.n).toBe(3);
    expect(r.byMonth[1]?.n).toBe(2); // row 2 is unknown at 2 months
    expect(r.byMonth[1]?.events).toBe(1);
  });
});

describe('one sort for several metrics', () => {
  it('the order passed in gives what each metric computes on its own, and is left as it was', () => {
    // scores on a coarse grid, so ties straddle decile edges and the tie order matters
    const rnd = mulberry32(5);
    const p = Float64Array.from({ length: 997 }, () => Math.round(rnd() * 40) / 40);
    const y = Float64Array.from(p, (v) => (rnd() < v ? 1 : 0));
    const asc = orderByScore(p);
    const before = Int32Array.from(asc);
    const shared = [
      liftTable(y, p, 10, asc),
      gainsTable(y, p, 10, asc),
      reliabilityByCount(y, p, 10, asc),
      ksCurve(y, p, asc),
      auc(y, p, asc),
    ];
    const alone = [liftTable(y, p), gainsTable(y, p), reliabilityByCount(y, p), ksCurve(y, p), auc(y, p)];
    expect(shared).toEqual(alone);
    expect(asc).toEqual(before);
  });
});
