/**
 * Expected calibration error: Σ_bins (count/n)·|mean predicted − observed rate| over 10 equal-width bins.
 * 0 = perfectly calibrated.
 */
import { reliability } from './reliability.ts';
import type { Labels, Scores } from './types.ts';

export function ece(y: Labels, p: Scores, bins = 10): number {
  const n = p.length;
  let s = 0;
  for (const b of reliability(y, p, bins)) {
    if (b.count) s += (b.count / n) * Math.abs((b.meanPredicted as number) - (b.observedRate as number));
  }
  return s;
}
