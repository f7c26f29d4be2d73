/**
 * Agreement statistics between predicted and true probabilities: Pearson correlation on the probability and on
 * the logit scale, and calibration by decile of the prediction (mean predicted vs mean true per tenth).
 */

/** Pearson correlation of two equally long series; NaN when either is constant or fewer than 2 points. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Logit with the probability clamped to [1e-6, 1 − 1e-6] so 0 and 1 stay finite. */
export function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/** One decile of the prediction: rows, mean predicted and mean true probability. */
export interface CalibrationBin {
  /** 1 (lowest predictions) … 10. */
  decile: number;
  /** Pairs in the bin. */
  n: number;
  /** Mean predicted probability. */
  predicted: number;
  /** Mean true probability. */
  truth: number;
}

/** Agreement of one set of (predicted, true) pairs. */
export interface Agreement {
  /** Pairs compared. */
  n: number;
  /** Pearson correlation of the probabilities. */
  pearson: number;
  /** Pearson correlation of the logits. */
  pearson_logit: number;
  /** Mean predicted and mean true probability. */
  mean_predicted: number;
  mean_truth: number;
  /** Calibration by decile of the prediction (ties broken by input order, so bins are equal-sized). */
  deciles: CalibrationBin[];
}

/** Pearson (both scales), means and decile calibration of predicted `p` against true `t`. */
export function agreement(p: ArrayLike<number>, t: ArrayLike<number>): Agreement {
  const n = Math.min(p.length, t.length);
  const lp = new Float64Array(n);
  const lt = new Float64Array(n);
  let sp = 0;
  let st = 0;
  for (let i = 0; i < n; i++) {
    lp[i] = logit(p[i]!);
    lt[i] = logit(t[i]!);
    sp += p[i]!;
    st += t[i]!;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]! || a - b);
  const deciles: CalibrationBin[] = [];
  for (let d = 0; d < 10; d++) {
    const a = Math.floor((d * n) / 10);
    const b = Math.floor(((d + 1) * n) / 10);
    if (b <= a) continue;
    let bp = 0;
    let bt = 0;
    for (let j = a; j < b; j++) {
      bp += p[order[j]!]!;
      bt += t[order[j]!]!;
    }
    deciles.push({ decile: d + 1, n: b - a, predicted: bp / (b - a), truth: bt / (b - a) });
  }
  return {
    n,
    pearson: pearson(p, t),
    pearson_logit: pearson(lp, lt),
    mean_predicted: n ? sp / n : Number.NaN,
    mean_truth: n ? st / n : Number.NaN,
    deciles,
  };
}
