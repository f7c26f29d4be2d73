/**
 * Lift, gains/KS by score band, and the score distribution by outcome for the report. Bands come from
 * src/evaluate (band 1 = the riskiest tenth; among tied scores the later row ranks first).
 */
import { gainsTable as gainsOf, liftTable as liftOf } from '../../evaluate/index.ts';
import { classCounts } from './discrimination.ts';
import { quantileSorted, round6 } from './util.ts';

/** Per decile: rows, bad rate, lift over the overall bad rate, cumulative share of all bads captured. */
export function liftRows(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  groups = 10,
  asc?: ArrayLike<number>,
): { decile: number; n: number; bad_rate: number; lift: number; cum_gain: number }[] {
  if (!p.length) return [];
  return liftOf(y, p, groups, asc)
    .filter((r) => r.count > 0)
    .map((r) => ({
      decile: r.decile,
      n: r.count,
      bad_rate: round6(r.rate),
      lift: round6(r.lift),
      cum_gain: round6(r.gain),
    }));
}

/** The gains/KS table by score band (10 near-equal bands, 1 = riskiest), rounded for JSON. */
export function gainsRows(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  groups = 10,
  asc?: ArrayLike<number>,
): {
  band: number;
  n: number;
  bads: number;
  bad_rate: number;
  min_score: number;
  max_score: number;
  cum_bads: number;
  cum_goods: number;
  ks: number;
}[] {
  if (!p.length) return [];
  return gainsOf(y, p, groups, asc).map((r) => ({
    band: r.band,
    n: r.count,
    bads: r.events,
    bad_rate: round6(r.rate),
    min_score: round6(r.minScore),
    max_score: round6(r.maxScore),
    cum_bads: round6(r.cumEvents),
    cum_goods: round6(r.cumNonEvents),
    ks: round6(r.ks),
  }));
}

/**
 * Share of each class per score bin, the bins equal in log(score) between the 0.5th percentile (at least 1e-4)
 * and the largest score: at 1–4 % bad rates most goods score under 1 % and the bads spread over two decades, which
 * equal-width bins over [0, 1] squeeze into one bar. Drawn on a log axis. Each class's shares sum to 1.
 */
export function scoreHistogram(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  bins = 20,
): { bin_start: number; bin_end: number; outcome: 0 | 1; share: number }[] {
  const counts = [new Float64Array(bins), new Float64Array(bins)];
  const { pos, neg } = classCounts(y);
  const sorted = Float64Array.from(p).sort();
  const lo = Math.log10(Math.max(1e-4, quantileSorted(sorted, 0.005)));
  const hi = Math.max(lo + 1e-6, Math.log10(Math.max(1e-4, sorted[sorted.length - 1] ?? 1)));
  const edge = (b: number) => 10 ** (lo + ((hi - lo) * b) / bins);
  for (let i = 0; i < p.length; i++) {
    const v = Math.log10(Math.max(1e-4, p[i] as number));
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
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
        bin_start: round6(edge(b)),
        bin_end: round6(edge(b + 1)),
        outcome,
        share: round6(c / total),
      });
    }
  }
  return out;
}
