import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/prng.ts';
import { ece } from '../../src/evaluate/ece.ts';
import { applyCalibration, fitPlatt } from '../../src/models/calibrate.ts';
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
    const before = ece(Float32Array.from(z, sigmoid), y);
    const after = ece(applyCalibration(cal, z, 1), y);
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(0.02);
  });
});
