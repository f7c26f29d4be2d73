import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/prng.ts';
import { brier } from '../../src/evaluate/brier.ts';
import { ece } from '../../src/evaluate/ece.ts';
import { applyCalibration, fitPlatt, fitPriorShift } from '../../src/models/calibrate.ts';
import { gaussian, sigmoid } from './synthetic.ts';

describe('Platt calibration', () => {
  it('fixes an over-confident, shifted score and lowers ECE', () => {
    const n = 20_000;
    const g = gaussian(5);
    const r = mulberry32(6);
    const truth = Float64Array.from({ length: n }, () => -1.5 + g());
    const y = Float32Array.from(truth, (z) => (r() < sigmoid(z) ? 1 : 0));
    // The "model" says 3·logit + 1: right ranking, badly calibrated probabilities.
    const z = Float32Array.from(truth, (t) => 3 * t + 1);
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const cal = fitPlatt(z, { y, m: new Float32Array(n).fill(1), k: 1 }, rows);
    expect(cal.a[0]).toBeCloseTo(1 / 3, 1);
    const before = ece(y, Float32Array.from(z, sigmoid));
    const after = ece(y, applyCalibration(cal, z, 1));
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(0.02);
  });
});

describe('prior-shift correction', () => {
  // A validation period whose last month has a higher base rate (a season): same ranking, other level.
  function world(n: number, lift: number, seed: number) {
    const g = gaussian(seed);
    const r = mulberry32(seed + 1);
    const z = Float32Array.from({ length: n }, () => -2 + g());
    const y = Float32Array.from(z, (v) => (r() < sigmoid(v + lift) ? 1 : 0));
    return { z, y };
  }
  const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

  it('moves the intercept to the recent base rate and improves Brier on a later period like it', () => {
    const early = world(8000, 0, 11);
    const late = world(3000, 1, 13);
    const z = Float32Array.from([...early.z, ...late.z]);
    const y = Float32Array.from([...early.y, ...late.y]);
    const t = { y, m: new Float32Array(y.length).fill(1), k: 1 };
    const platt = fitPlatt(z, t, all(y.length));
    const recent = Int32Array.from({ length: 3000 }, (_, i) => 8000 + i);
    const shifted = fitPriorShift(platt, late.z, t, recent, '2025-06');
    const s = shifted.shift!;
    expect(s.period).toBe('2025-06');
    expect(s.rows[0]).toBe(3000);
    expect(s.observed_rate[0]).toBeGreaterThan(s.predicted_rate[0]! + 0.03);
    expect(s.delta[0]).toBeGreaterThan(0.3);
    expect(shifted.b[0]).toBeCloseTo(platt.b[0]! + s.delta[0]!, 10);
    // The mean prediction on the recent rows now equals their observed rate.
    const p = applyCalibration(shifted, late.z, 1);
    expect(p.reduce((a, v) => a + v, 0) / p.length).toBeCloseTo(s.observed_rate[0]!, 4);
    expect(s.brier_after[0]).toBeLessThan(s.brier_before[0]!);
    expect(s.ece_after[0]).toBeLessThan(s.ece_before[0]!);
    // A fresh period with the same lift: the shifted calibration scores better than the plain Platt fit.
    const next = world(5000, 1, 17);
    expect(brier(next.y, applyCalibration(shifted, next.z, 1))).toBeLessThan(
      brier(next.y, applyCalibration(platt, next.z, 1)),
    );
  });

  it('leaves the calibration alone when the recent rate is within two standard errors or too thin', () => {
    const a = world(6000, 0, 21);
    const t = { y: a.y, m: new Float32Array(a.y.length).fill(1), k: 1 };
    const platt = fitPlatt(a.z, t, all(a.y.length));
    const recent = Int32Array.from({ length: 2000 }, (_, i) => 4000 + i);
    const same = fitPriorShift(platt, a.z.subarray(4000), t, recent, '2025-06');
    expect(same.shift!.delta[0]).toBe(0);
    expect(same.b).toEqual(platt.b);
    // 50 labelled rows are too few to trust a base rate, however far off they look.
    const thin = Int32Array.from({ length: 50 }, (_, i) => i);
    const ones = { ...t, y: Float32Array.from(t.y, () => 1) };
    const kept = fitPriorShift(platt, a.z.subarray(0, 50), ones, thin, '2025-06');
    expect(kept.shift!.rows[0]).toBe(50);
    expect(kept.shift!.delta[0]).toBe(0);
    expect(kept.b).toEqual(platt.b);
  });
});
