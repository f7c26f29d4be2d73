/**
 * Discrimination on (y, p) pairs for the report: AUC and KS come from src/evaluate (the one metric library, so
 * the page, model cards, `monitor` and the notebooks print the same numbers); this file adds the curves the
 * charts draw and turns "undefined" (NaN there) into null for JSON. y is 0/1.
 */
import { auc as aucOf, ksCurve as ksOf, orderByScore } from '../../evaluate/index.ts';
import { round6, thin } from './util.ts';

/** NaN → null: JSON has no NaN, and the page prints null as a dash. */
export function orNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Area under the ROC curve (src/evaluate); null when either class is missing. */
export function aucOrNull(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  asc?: ArrayLike<number>,
): number | null {
  return orNull(aucOf(y, p, asc));
}

/** ROC curve points (false-positive rate, true-positive rate) from the highest threshold down, thinned. */
export function rocCurve(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  maxPoints = 200,
  asc: ArrayLike<number> = orderByScore(p),
): { x: number; y: number }[] {
  const { pos, neg } = classCounts(y);
  if (pos === 0 || neg === 0) return [];
  const pts = [{ x: 0, y: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = asc.length - 1; i >= 0; i--) {
    const k = asc[i] as number;
    if ((y[k] as number) >= 0.5) tp++;
    else fp++;
    const next = i > 0 ? asc[i - 1] : undefined;
    // one point per distinct threshold, so tied scores form one diagonal step
    if (next === undefined || p[next] !== p[k]) pts.push({ x: round6(fp / neg), y: round6(tp / pos) });
  }
  return thin(pts, maxPoints);
}

/**
 * KS (src/evaluate) with its threshold, and the curve by population share: x = share of the population ranked
 * riskiest first, bads/goods = cumulative share of each class captured. At a 2 % bad rate a raw-score x axis
 * squeezes everything into its first hundredth; by population share the curves fill the panel and KS is the
 * largest vertical gap, drawn at `ks_at`.
 */
export function ksPoints(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  maxPoints = 100,
  asc?: ArrayLike<number>,
): {
  ks: number | null;
  threshold: number | null;
  ks_at: number | null;
  curve: { x: number; bads: number; goods: number }[];
} {
  const r = ksOf(y, p, asc);
  if (!Number.isFinite(r.ks)) return { ks: null, threshold: null, ks_at: null, curve: [] };
  const { pos, neg } = classCounts(y);
  const n = pos + neg;
  // the ascending CDFs read from the top: above score x lie 1 − F(x) of each class
  const pts = [{ x: 0, bads: 0, goods: 0 }];
  let ksAt = 0;
  for (let i = r.curve.length - 1; i >= 0; i--) {
    const below = r.curve[i - 1];
    const b = below ? below.bads : 0;
    const g = below ? below.goods : 0;
    const x = 1 - (b * pos + g * neg) / n;
    pts.push({ x: round6(x), bads: round6(1 - b), goods: round6(1 - g) });
    if (below && below.x === r.threshold) ksAt = x;
  }
  return {
    ks: round6(r.ks),
    threshold: round6(r.threshold),
    ks_at: round6(ksAt),
    curve: thin(pts, maxPoints),
  };
}

/** Number of positives (y ≥ 0.5) and negatives. */
export function classCounts(y: ArrayLike<number>): { pos: number; neg: number } {
  let pos = 0;
  for (let i = 0; i < y.length; i++) if ((y[i] as number) >= 0.5) pos++;
  return { pos, neg: y.length - pos };
}
