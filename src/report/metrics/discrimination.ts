/**
 * Discrimination metrics on (y, p) pairs: AUC (Mann–Whitney with average ranks for ties), ROC and KS curves.
 * Pure functions over typed arrays; y is 0/1 (values ≥ 0.5 count as 1).
 */
import { round6, thin } from './util.ts';

/**
 * Area under the ROC curve; null when either class is missing. Ties in p count half. `asc` is the ascending
 * order of p when the caller already has it (every metric here can share one sort).
 */
export function auc(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  asc: ArrayLike<number> = ascending(p),
): number | null {
  const n = p.length;
  const order = asc;
  let pos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    const pi = p[order[i] as number] as number;
    while (j + 1 < n && p[order[j + 1] as number] === pi) j++;
    const avgRank = (i + j) / 2 + 1; // ranks are 1-based; a tie block shares its mean rank
    for (let k = i; k <= j; k++) {
      if ((y[order[k] as number] as number) >= 0.5) {
        pos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** ROC curve points (false-positive rate, true-positive rate) from the highest threshold down, thinned. */
export function rocCurve(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  maxPoints = 200,
  asc: ArrayLike<number> = ascending(p),
): { x: number; y: number }[] {
  const { pos, neg } = classCounts(y);
  if (pos === 0 || neg === 0) return [];
  const pts = [{ x: 0, y: 0 }];
  let tp = 0;
  let fp = 0;
  // from the highest score down
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

/** KS curve over ascending thresholds and the KS statistic with the threshold that reaches it. */
export function ksCurve(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  maxPoints = 100,
  asc: ArrayLike<number> = ascending(p),
): { ks: number | null; threshold: number | null; curve: { x: number; bads: number; goods: number }[] } {
  const order = asc;
  const { pos, neg } = classCounts(y);
  if (pos === 0 || neg === 0) return { ks: null, threshold: null, curve: [] };
  const curve: { x: number; bads: number; goods: number }[] = [];
  let bads = 0;
  let goods = 0;
  let ks = 0;
  let threshold = 0;
  for (let i = 0; i < order.length; i++) {
    const k = order[i] as number;
    if ((y[k] as number) >= 0.5) bads++;
    else goods++;
    const next = order[i + 1];
    if (next === undefined || p[next] !== p[k]) {
      const d = Math.abs(goods / neg - bads / pos);
      if (d > ks) {
        ks = d;
        threshold = p[k] as number;
      }
      curve.push({ x: round6(p[k] as number), bads: round6(bads / pos), goods: round6(goods / neg) });
    }
  }
  return { ks: round6(ks), threshold: round6(threshold), curve: thin(curve, maxPoints) };
}

/** Number of positives (y ≥ 0.5) and negatives. */
export function classCounts(y: ArrayLike<number>): { pos: number; neg: number } {
  let pos = 0;
  for (let i = 0; i < y.length; i++) if ((y[i] as number) >= 0.5) pos++;
  return { pos, neg: y.length - pos };
}

/** Indices sorted by ascending p; ties keep input order so results are deterministic. */
export function ascending(p: ArrayLike<number>): Uint32Array {
  // a plain array with a comparator over a typed array sorts ~2× faster than Uint32Array.prototype.sort
  const idx = Array.from({ length: p.length }, (_, i) => i);
  idx.sort((a, b) => (p[a] as number) - (p[b] as number) || a - b);
  return Uint32Array.from(idx);
}
