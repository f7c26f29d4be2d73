/**
 * Kolmogorov–Smirnov statistic: the largest distance between the score CDFs of events and non-events, evaluated
 * only between distinct scores (tied scores move together). 1 = perfect separation, 0 = identical distributions.
 * `ksCurve` also returns the threshold where the distance peaks and the two CDFs, for charts; `ks` is its number,
 * so the report, model cards and the CLI print the same KS.
 */
import { type Ascending, checkInputs, type Labels, orderByScore, type Scores } from './types.ts';

/** The KS statistic with the score at which it is reached, and both CDFs at every distinct score. */
export interface KsResult {
  /** NaN when one class is absent. */
  ks: number;
  /** Highest score still counted below the split at max KS; NaN when KS is. */
  threshold: number;
  /** Per distinct score x (ascending): share of events (bads) and of non-events (goods) scored ≤ x. */
  curve: { x: number; bads: number; goods: number }[];
}

export function ksCurve(y: Labels, p: Scores, asc?: Ascending): KsResult {
  return scan(y, p, true, asc);
}

export function ks(y: Labels, p: Scores): number {
  // no curve: on a million rows it would be a million objects nobody reads
  return scan(y, p, false).ks;
}

/** One pass over the scores in ascending order; the curve only when asked for. */
function scan(y: Labels, p: Scores, withCurve: boolean, asc?: Ascending): KsResult {
  const n = checkInputs('ks', y, p);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i] as number;
  const neg = n - pos;
  if (!pos || !neg) return { ks: Number.NaN, threshold: Number.NaN, curve: [] };
  const order = asc ?? orderByScore(p);
  let cp = 0;
  let cn = 0;
  let best = 0;
  let threshold = Number.NaN;
  const curve: KsResult['curve'] = [];
  for (let i = 0; i < n; i++) {
    const r = order[i] as number;
    if (y[r] === 1) cp++;
    else cn++;
    const next = order[i + 1];
    if (next !== undefined && p[next] === p[r]) continue;
    const d = Math.abs(cp / pos - cn / neg);
    if (d > best) {
      best = d;
      threshold = p[r] as number;
    }
    if (withCurve) curve.push({ x: p[r] as number, bads: cp / pos, goods: cn / neg });
  }
  return { ks: best, threshold, curve };
}
