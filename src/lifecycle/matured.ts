/**
 * Performance on newly matured labels: scores stored at earlier as-of dates (table `scores`) whose 6-month
 * outcome is now observable. Labels come from the same definition as training (buildHazardLabels): first 30+
 * DPD onset within H months after the as-of date; loans already delinquent then, and rows censored before H
 * months without an onset, are left out.
 */
import { auc, brier } from '../evaluate/index.ts';
import { buildHazardLabels, defaultDataEnd } from '../features/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { tableExists } from '../warehouse/introspect.ts';

/** Metrics of one group of matured scores. */
export interface MaturedMetrics {
  /** Rows with a matured label. */
  n: number;
  events: number;
  /** NaN when all labels are equal. */
  auc: number;
  brier: number;
  /** Mean predicted 6-month risk. */
  predicted: number;
  /** Observed onset rate. */
  observed: number;
  /** Calibration in the large: observed − predicted (0 = right on average; > 0 = risk under-predicted). */
  citl: number;
}

/** Matured performance overall and per as-of date. */
export interface MaturedPerformance {
  /** Last date whose events are known. */
  dataEnd: string;
  horizon: number;
  overall: MaturedMetrics;
  byAsOf: ({ as_of: string; model_version: string } & MaturedMetrics)[];
}

/** Null when no stored score has matured yet (or nothing was scored). */
export async function maturedPerformance(
  w: Warehouse,
  opts: { horizon?: number; dataEnd?: string } = {},
): Promise<MaturedPerformance | null> {
  const horizon = opts.horizon ?? 6;
  if (!(await tableExists(w, 'scores'))) return null;
  const dataEnd = opts.dataEnd ?? (await defaultDataEnd(w));
  if (!dataEnd) return null;
  // A score at as_of has matured when as_of + H months ≤ dataEnd.
  await w.run(
    `CREATE OR REPLACE TEMP TABLE mon_spine AS
     SELECT row_number() OVER (ORDER BY as_of, loan_id) AS rid, loan_id, as_of, model_version, risk_6m
     FROM scores WHERE (as_of + to_months($1::INTEGER))::DATE <= $2::DATE`,
    [horizon, dataEnd],
  );
  const count = await w.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM temp.mon_spine');
  if (!count?.n) return null;
  await buildHazardLabels(w, { spine: 'mon_spine', horizon, dataEnd });
  const rows = await w.all<{ as_of: string; model_version: string; p: number[]; y: number[] }>(
    `SELECT s.as_of::VARCHAR AS as_of, any_value(s.model_version) AS model_version,
            list(s.risk_6m ORDER BY s.rid) AS p, list((l.event > 0)::INTEGER ORDER BY s.rid) AS y
     FROM temp.mon_spine s JOIN temp.fx_labels l ON l.rid = s.rid
     WHERE NOT l.delinquent AND (l.event > 0 OR l.observed >= $1)
     GROUP BY s.as_of ORDER BY s.as_of`,
    [horizon],
  );
  await w.run('DROP TABLE IF EXISTS temp.mon_spine');
  await w.run('DROP TABLE IF EXISTS temp.fx_labels');
  if (!rows.length) return null;
  return {
    dataEnd,
    horizon,
    overall: metrics(
      rows.flatMap((r) => r.p),
      rows.flatMap((r) => r.y),
    ),
    byAsOf: rows.map((r) => ({ as_of: r.as_of, model_version: r.model_version, ...metrics(r.p, r.y) })),
  };
}

function metrics(p: number[], y: number[]): MaturedMetrics {
  const n = p.length;
  const events = y.reduce((s, v) => s + v, 0);
  const predicted = p.reduce((s, v) => s + v, 0) / n;
  const observed = events / n;
  return {
    n,
    events,
    auc: events > 0 && events < n ? auc(y, p) : Number.NaN,
    brier: brier(y, p),
    predicted,
    observed,
    citl: observed - predicted,
  };
}
