/**
 * Lift and gains by decile, and the score distribution by outcome. Deciles are taken by descending score
 * (decile 1 = the riskiest tenth); among tied scores the later row ranks first, so results are deterministic.
 */
import { ascending, classCounts } from './discrimination.ts';
import { round6 } from './util.ts';

/** Per decile: rows, bad rate, lift over the overall bad rate, cumulative share of all bads captured. */
export function liftTable(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  groups = 10,
  asc: ArrayLike<number> = ascending(p),
): { decile: number; n: number; bad_rate: number; lift: number; cum_gain: number }[] {
  const total = p.length;
  const { pos } = classCounts(y);
  if (total === 0) return [];
  const n = new Float64Array(groups);
  const bad = new Float64Array(groups);
  for (let i = 0; i < total; i++) {
    const g = Math.floor((i * groups) / total);
    n[g] = (n[g] as number) + 1;
    // i-th highest score; among equal scores the later row comes first (deterministic)
    if ((y[asc[total - 1 - i] as number] as number) >= 0.5) bad[g] = (bad[g] as number) + 1;
  }
  const overall = pos / total;
  let cum = 0;
  const out: { decile: number; n: number; bad_rate: number; lift: number; cum_gain: number }[] = [];
  for (let g = 0; g < groups; g++) {
    const ng = n[g] as number;
    if (ng === 0) continue;
    cum += bad[g] as number;
    const rate = (bad[g] as number) / ng;
    out.push({
      decile: g + 1,
      n: ng,
      bad_rate: round6(rate),
      lift: round6(overall > 0 ? rate / overall : 0),
      cum_gain: round6(pos > 0 ? cum / pos : 0),
    });
  }
  return out;
}

/** Share of each class per equal-width score bin over [0, 1]; each class's shares sum to 1. */
export function scoreHistogram(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  bins = 20,
): { bin_start: number; bin_end: number; outcome: 0 | 1; share: number }[] {
  const counts = [new Float64Array(bins), new Float64Array(bins)];
  const { pos, neg } = classCounts(y);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((p[i] as number) * bins)));
    const c = counts[(y[i] as number) >= 0.5 ? 1 : 0] as Float64Array;
    c[b] = (c[b] as number) + 1;
  }
  const out: { bin_start: number; bin_end: number; outcome: 0 | 1; share: number }[] = [];
  for (const outcome of [0, 1] as const) {
    const total = outcome === 1 ? pos : neg;
    if (total === 0) continue;
    for (let b = 0; b < bins; b++) {
      const c = (counts[outcome] as Float64Array)[b] as number;
      out.push({
        bin_start: round6(b / bins),
        bin_end: round6((b + 1) / bins),
        outcome,
        share: round6(c / total),
      });
    }
  }
  return out;
}
