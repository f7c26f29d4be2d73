/**
 * Collects model performance from evaluation predictions: per (model, horizon) the network beside the baseline on
 * one split, and AUC / observed / predicted rate by month on the out-of-sample splits. Only matured labels
 * (y IS NOT NULL) count. Reads: the relation sources.ts chose (eval_predictions, and the registry's saved test
 * predictions of models this warehouse has none of). Writes: nothing.
 */

import { orderByScore } from '../../evaluate/index.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import { groupLabel } from '../i18n.ts';
import { brierOrZero, eceOrZero, reliabilityPoints } from '../metrics/calibration.ts';
import { aucOrNull, classCounts, ksPoints, rocCurve } from '../metrics/discrimination.ts';
import { gainsRows, liftRows, scoreHistogram } from '../metrics/lift.ts';
import { scoreBands } from '../metrics/points.ts';
import { round6 } from '../metrics/util.ts';
import type {
  Lang,
  MonthlyPoint,
  Part,
  PerformanceData,
  PerformanceGroup,
  VariantMetrics,
} from '../types.ts';

/** Variants in display order: the network first, then the baseline, then anything else alphabetically. */
export function variantOrder(a: string, b: string): number {
  const rank = (v: string) => (v === 'network' ? 0 : v === 'baseline' ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Metrics of one variant from its matured (y, p) pairs. */
export function variantMetrics(variant: string, y: Float64Array, p: Float64Array): VariantMetrics {
  // Sorted once for the six metrics that read the rows by score (at 1M borrowers: 14 variants of 100–140 k rows).
  const asc = orderByScore(p);
  const a = aucOrNull(y, p, asc);
  const ks = ksPoints(y, p, 100, asc);
  return {
    variant,
    n: p.length,
    positives: classCounts(y).pos,
    auc: a === null ? null : round6(a),
    gini: a === null ? null : round6(2 * a - 1),
    ks: ks.ks,
    ks_threshold: ks.threshold,
    ks_at: ks.ks_at,
    brier: round6(brierOrZero(y, p)),
    ece: round6(eceOrZero(y, p)),
    roc: rocCurve(y, p, 200, asc),
    ks_curve: ks.curve,
    calibration: reliabilityPoints(y, p, 10, asc),
    lift: liftRows(y, p, 10, asc),
    gains: gainsRows(y, p, 10, asc),
    bands: scoreBands(y, p),
    score_hist: scoreHistogram(y, p),
  };
}

/**
 * The groups of the rows `where` selects (their `keys`, sorted, and row counts) and the rows' y and p, as
 * Float64Arrays in the groups' order: group g's rows are [start, start + n) of y and p. The keys are read once
 * per group, never per row: at a million borrowers, converting ~2 M rows' keys and values to JS values took 4 s.
 */
async function groupedPairs(
  w: Warehouse,
  from: string,
  where: string,
  params: string[],
  keys: readonly string[],
): Promise<{ groups: (Record<string, unknown> & { n: number })[]; y: Float64Array; p: Float64Array }> {
  const groups = await w.all<Record<string, unknown> & { n: number }>(
    `SELECT ${keys.join(', ')}, count(*)::INTEGER AS n FROM ${from} WHERE ${where} GROUP BY ALL ORDER BY ALL`,
    params,
  );
  const total = groups.reduce((s, g) => s + g.n, 0);
  const y = new Float64Array(total);
  const p = new Float64Array(total);
  // Sorted by the keys' names, as the groups are (`expr AS name` or a column).
  const order = keys.map((k) => k.split(/\s+AS\s+/i).at(-1)).join(', ');
  const result = await w.conn.stream(
    `SELECT y::DOUBLE AS y, p::DOUBLE AS p FROM (SELECT ${keys.join(', ')}, y, p FROM ${from} WHERE ${where}) ORDER BY ${order}`,
    params,
  );
  let at = 0;
  for (let c = await result.fetchChunk(); c && c.rowCount > 0; c = await result.fetchChunk()) {
    const [ys, ps] = [c.getColumnVector(0), c.getColumnVector(1)];
    // Rows past the groups' count are counted, not stored: the error below says how many there were.
    for (let i = 0; i < c.rowCount; i++, at++) {
      if (at >= total) continue;
      y[at] = (ys?.getItem(i) as number | null) ?? Number.NaN;
      p[at] = (ps?.getItem(i) as number | null) ?? Number.NaN;
    }
  }
  if (at !== total)
    throw new Error(
      `groupedPairs: ${from} WHERE ${where}: expected ${total} rows (the groups' counts), read ${at}; the relation changed between the two queries`,
    );
  return { groups, y, p };
}

export async function collectPerformance(
  w: Warehouse,
  opts: { split: string; lang: Lang; from: string | null },
): Promise<Part<PerformanceData>> {
  const from = opts.from;
  if (from === null)
    return { ok: false, reason: 'table eval_predictions does not exist (run the evaluate stage first)' };
  // The rows sorted by group, then sliced: cheaper than one query per (model, horizon, variant).
  const rows = await groupedPairs(
    w,
    from,
    'split = ? AND y IS NOT NULL',
    [opts.split],
    ['model', 'horizon', 'variant'],
  );
  if (rows.groups.length === 0) {
    const splits = await w.all<{ split: string }>(`SELECT DISTINCT split FROM ${from} ORDER BY split`);
    return {
      ok: false,
      reason: `eval_predictions has no matured rows for split "${opts.split}" (splits present: ${
        splits.map((s) => s.split).join(', ') || 'none'
      })`,
    };
  }
  const groups = new Map<string, PerformanceGroup>();
  for (const [{ model, horizon, variant }, a, b] of slices(rows.groups)) {
    const label = groupLabel(opts.lang, String(model), Number(horizon));
    const g = groups.get(label) ?? { model: String(model), horizon: Number(horizon), label, variants: [] };
    g.variants.push(variantMetrics(String(variant), rows.y.subarray(a, b), rows.p.subarray(a, b)));
    groups.set(label, g);
  }
  for (const g of groups.values()) g.variants.sort((a, b) => variantOrder(a.variant, b.variant));
  return {
    ok: true,
    value: { split: opts.split, groups: [...groups.values()], by_month: await byMonth(w, from, opts.lang) },
  };
}

/** AUC and rates per month on every split but `train` (in-sample months would flatter the model). */
async function byMonth(w: Warehouse, from: string, lang: Lang): Promise<MonthlyPoint[]> {
  const rows = await groupedPairs(
    w,
    from,
    `split <> 'train' AND y IS NOT NULL AND month IS NOT NULL`,
    [],
    ['model', 'horizon', 'variant', `strftime(month, '%Y-%m-%d') AS month`],
  );
  const out: MonthlyPoint[] = [];
  for (const [{ model, horizon, variant, month }, a, b] of slices(rows.groups)) {
    const ys = rows.y.subarray(a, b);
    const ps = rows.p.subarray(a, b);
    const auc1 = aucOrNull(ys, ps);
    out.push({
      label: groupLabel(lang, String(model), Number(horizon)),
      variant: String(variant),
      month: String(month),
      n: ys.length,
      auc: auc1 === null ? null : round6(auc1),
      observed: round6(classCounts(ys).pos / ys.length),
      predicted: round6(ps.reduce((s, v) => s + v, 0) / ps.length),
    });
  }
  return out;
}

/** Each group with the [start, end) range of its rows, in order. */
function slices<G extends { n: number }>(groups: G[]): [G, number, number][] {
  let at = 0;
  return groups.map((g) => {
    const start = at;
    at += g.n;
    return [g, start, at];
  });
}
