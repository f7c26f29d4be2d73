/**
 * Reliability curve: equal-width probability bins with the mean prediction and the observed event rate in each.
 * Empty bins are kept (count 0, means null) so charts have a fixed x axis.
 */
import { checkInputs, type Labels, type Scores } from './types.ts';

/** One bin of the reliability curve. */
export interface ReliabilityBin {
  /** Bin bounds [lo, hi) in probability (the last bin includes 1). */
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted probability; null when empty. */
  meanPredicted: number | null;
  /** Observed event rate; null when empty. */
  observedRate: number | null;
}

export function reliability(p: Scores, y: Labels, bins = 10): ReliabilityBin[] {
  const n = checkInputs('reliability', p, y);
  const cnt = new Float64Array(bins);
  const sp = new Float64Array(bins);
  const sy = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const q = p[i] as number;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(q * bins)));
    cnt[b] = (cnt[b] as number) + 1;
    sp[b] = (sp[b] as number) + q;
    sy[b] = (sy[b] as number) + (y[i] as number);
  }
  return Array.from({ length: bins }, (_, b) => {
    const c = cnt[b] as number;
    return {
      lo: b / bins,
      hi: (b + 1) / bins,
      count: c,
      meanPredicted: c ? (sp[b] as number) / c : null,
      observedRate: c ? (sy[b] as number) / c : null,
    };
  });
}
