/**
 * Calibration on (y, p) pairs for the report. Brier and ECE come from src/evaluate (ECE over its 10 equal-width
 * bins, as model cards report it); the reliability points the chart draws are equal-count bins with 95 % Wilson
 * intervals, because at 1–4 % event rates nearly every prediction falls in the first equal-width bin.
 */
import { brier as brierOf, ece as eceOf, reliabilityByCount } from '../../evaluate/index.ts';
import { round6 } from './util.ts';

/** Mean squared error of p against y (0–1; lower is better). 0 for no rows. */
export function brierOrZero(y: ArrayLike<number>, p: ArrayLike<number>): number {
  return p.length ? brierOf(y, p) : 0;
}

/** ECE (src/evaluate): Σ_b (n_b / N)·|observed_b − predicted_b| over 10 equal-width bins (0–1). 0 for no rows. */
export function eceOrZero(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): number {
  return p.length ? eceOf(y, p, bins) : 0;
}

/** Reliability by equal-count bins (1 = lowest predictions) with the observed rate's 95 % interval. */
export function reliabilityPoints(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  bins = 10,
  asc?: ArrayLike<number>,
): { bin: number; predicted: number; observed: number; low: number; high: number; n: number }[] {
  if (!p.length) return [];
  return reliabilityByCount(y, p, bins, asc).map((b) => ({
    bin: b.bin,
    predicted: round6(b.meanPredicted),
    observed: round6(b.observedRate),
    low: round6(b.low),
    high: round6(b.high),
    n: b.count,
  }));
}
