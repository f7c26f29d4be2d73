/**
 * Reliability curve: equal-width probability bins with the mean prediction and the observed event rate in each.
 * Empty bins are kept (count 0, means null) so charts have a fixed x axis.
 */
import { type Ascending, checkInputs, type Labels, orderByScore, type Scores } from './types.ts';

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

export function reliability(y: Labels, p: Scores, bins = 10): ReliabilityBin[] {
  const n = checkInputs('reliability', y, p);
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

/** One equal-count bin of the reliability curve, with a 95 % Wilson interval on the observed rate. */
export interface QuantileBin {
  /** 1 = lowest predictions. */
  bin: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
  /** Wilson score interval (95 %) of the observed rate: honest at rates near 0, where ±1.96·se goes negative. */
  low: number;
  high: number;
}

/**
 * Reliability over equal-count bins of the sorted predictions. At 1–4 % event rates nearly every prediction falls
 * in the first equal-width bin; equal counts put each tenth of the population in its own point. Tied predictions
 * stay in one bin (a bin ends only between distinct scores), so bins can differ in size.
 */
export function reliabilityByCount(y: Labels, p: Scores, bins = 10, asc?: Ascending): QuantileBin[] {
  const n = checkInputs('reliability', y, p);
  const order = asc ?? orderByScore(p);
  const out: QuantileBin[] = [];
  let start = 0;
  for (let b = 1; b <= bins && start < n; b++) {
    let end = b === bins ? n : Math.max(start + 1, Math.round((b * n) / bins));
    while (end < n && p[order[end] as number] === p[order[end - 1] as number]) end++;
    let sp = 0;
    let sy = 0;
    for (let i = start; i < end; i++) {
      sp += p[order[i] as number] as number;
      sy += y[order[i] as number] as number;
    }
    const c = end - start;
    const [low, high] = wilson(sy, c);
    out.push({ bin: out.length + 1, count: c, meanPredicted: sp / c, observedRate: sy / c, low, high });
    start = end;
  }
  return out;
}

/** 95 % Wilson score interval of k successes in n trials. */
export function wilson(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const q = k / n;
  const d = 1 + (z * z) / n;
  const c = (q + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((q * (1 - q)) / n + (z * z) / (4 * n * n))) / d;
  // at k = 0 (k = n) the bound is exactly 0 (1); the formula leaves float noise there
  return [k === 0 ? 0 : Math.max(0, c - h), k === n ? 1 : Math.min(1, c + h)];
}
