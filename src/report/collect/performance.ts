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

async function columns(w: Warehouse, sql: string, params: (string | number)[]): Promise<unknown[][]> {
  const reader = await w.conn.runAndReadAll(sql, params);
  return reader.getColumnsJS() as unknown[][];
}

export async function collectPerformance(
  w: Warehouse,
  opts: { split: string; lang: Lang; from: string | null },
): Promise<Part<PerformanceData>> {
  const from = opts.from;
  if (from === null)
    return { ok: false, reason: 'table eval_predictions does not exist (run the evaluate stage first)' };
  // one scan, sorted by group, then sliced: cheaper than one query per (model, horizon, variant)
  const [model = [], horizon = [], variant = [], y = [], p = []] = await columns(
    w,
    `SELECT model, horizon, variant, y, p FROM ${from} WHERE split = ? AND y IS NOT NULL
     ORDER BY model, horizon, variant`,
    [opts.split],
  );
  if (model.length === 0) {
    const splits = await w.all<{ split: string }>(`SELECT DISTINCT split FROM ${from} ORDER BY split`);
    return {
      ok: false,
      reason: `eval_predictions has no matured rows for split "${opts.split}" (splits present: ${
        splits.map((s) => s.split).join(', ') || 'none'
      })`,
    };
  }
  const groups = new Map<string, PerformanceGroup>();
  for (const [a, b] of runs([model, horizon, variant])) {
    const label = groupLabel(opts.lang, String(model[a]), Number(horizon[a]));
    const g = groups.get(label) ?? {
      model: String(model[a]),
      horizon: Number(horizon[a]),
      label,
      variants: [],
    };
    const ys = Float64Array.from(y.slice(a, b) as number[]);
    const ps = Float64Array.from(p.slice(a, b) as number[]);
    g.variants.push(variantMetrics(String(variant[a]), ys, ps));
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
  const [model = [], horizon = [], variant = [], month = [], y = [], p = []] = await columns(
    w,
    `SELECT model, horizon, variant, strftime(month, '%Y-%m-%d') AS month, y, p FROM ${from}
     WHERE split <> 'train' AND y IS NOT NULL AND month IS NOT NULL
     ORDER BY model, horizon, variant, month`,
    [],
  );
  const out: MonthlyPoint[] = [];
  for (const [a, b] of runs([model, horizon, variant, month])) {
    const ys = Float64Array.from(y.slice(a, b) as number[]);
    const ps = Float64Array.from(p.slice(a, b) as number[]);
    const auc1 = aucOrNull(ys, ps);
    out.push({
      label: groupLabel(lang, String(model[a]), Number(horizon[a])),
      variant: String(variant[a]),
      month: String(month[a]),
      n: ys.length,
      auc: auc1 === null ? null : round6(auc1),
      observed: round6(classCounts(ys).pos / ys.length),
      predicted: round6(ps.reduce((s, v) => s + v, 0) / ps.length),
    });
  }
  return out;
}

/** [start, end) index ranges of consecutive rows with equal key columns (the rows are sorted by those keys). */
export function runs(keys: unknown[][]): [number, number][] {
  const n = keys[0]?.length ?? 0;
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && keys.every((k) => k[i] === k[start])) continue;
    out.push([start, i]);
    start = i;
  }
  return out;
}
