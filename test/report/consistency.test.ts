/**
 * The report takes AUC, KS, Brier and ECE from src/evaluate (it adds only the curves behind them); this proves the
 * wrappers keep the numbers (what evaluation.json and model cards say) on the same data, ties included.
 */
import { describe, expect, it } from 'vitest';
import * as evaluate from '../../src/evaluate/index.ts';
import { brierOrZero, eceOrZero } from '../../src/report/metrics/calibration.ts';
import { aucOrNull, ksPoints } from '../../src/report/metrics/discrimination.ts';
import { prng } from './fixture.ts';

function sample(seed: number, n: number, ties: boolean) {
  const r = prng(seed);
  const p = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = r();
    p[i] = ties ? Math.round(v * 20) / 20 : v; // rounded scores make many ties
    y[i] = r() < v ? 1 : 0;
  }
  return { p, y };
}

describe('report metrics agree with src/evaluate', () => {
  it.each([
    [1, 500, false],
    [2, 2000, true],
    [3, 50, true],
  ])('seed %i, n %i, ties %s', (seed, n, ties) => {
    const { p, y } = sample(seed, n, ties);
    expect(aucOrNull(y, p)).toBeCloseTo(evaluate.auc(y, p), 9);
    expect(ksPoints(y, p).ks).toBeCloseTo(evaluate.ks(y, p), 5);
    expect(brierOrZero(y, p)).toBeCloseTo(evaluate.brier(y, p), 9);
    expect(eceOrZero(y, p)).toBeCloseTo(evaluate.ece(y, p), 5);
  });
});
