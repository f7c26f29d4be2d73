/**
 * Writes evaluation predictions and score populations (the report's inputs, src/warehouse/report-inputs.ts) with DuckDB's
 * appender: millions of rows go in without building SQL text or row objects.
 */

import type { Warehouse } from '../warehouse/db.ts';
import { ensureReportInputs } from '../warehouse/report-inputs.ts';

export interface PredictionRows {
  model: string;
  variant: 'network' | 'baseline';
  /** Months ahead for the hazard; 0 for the binary hang-up model. */
  horizon: number;
  split: string;
  /** Month start per row (YYYY-MM-DD), or null. */
  month: (string | null)[];
  /** Label per row; NaN = not matured (stored as NULL). */
  y: ArrayLike<number>;
  p: ArrayLike<number>;
  /** Optional entity id per row (contact_id or loan_id). */
  entity?: (string | null)[];
  /** Rows to write (indices); default all. */
  rows?: ArrayLike<number>;
}

/** Replaces the predictions of (model, variant, horizon, split) with these rows. */
export async function writePredictions(w: Warehouse, r: PredictionRows): Promise<number> {
  await ensureReportInputs(w);
  await w.run(
    'DELETE FROM eval_predictions WHERE model = $1 AND variant = $2 AND horizon = $3 AND split = $4',
    [r.model, r.variant, r.horizon, r.split],
  );
  const app = await w.conn.createAppender('eval_predictions');
  const n = r.rows ? r.rows.length : r.p.length;
  try {
    for (let k = 0; k < n; k++) {
      const i = r.rows ? (r.rows[k] as number) : k;
      app.appendVarchar(r.model);
      app.appendVarchar(r.variant);
      app.appendInteger(r.horizon);
      app.appendVarchar(r.split);
      const m = r.month[i];
      if (m) app.appendVarchar(m);
      else app.appendNull();
      const y = r.y[i] as number;
      if (Number.isNaN(y)) app.appendNull();
      else app.appendDouble(y);
      app.appendDouble(r.p[i] as number);
      const e = r.entity?.[i];
      if (e) app.appendVarchar(e);
      else app.appendNull();
      app.endRow();
    }
  } finally {
    app.closeSync();
  }
  return n;
}

/**
 * Rows kept per population. PSI over deciles and the report's histograms are exact to about 0.002 with this
 * many; writing every loan of a million-loan book would be ~45 M (feature, value) rows per run.
 */
export const POPULATION_SAMPLE = 50_000;

/**
 * Replaces the (model, population) score population with numeric feature values and the score: every row, or an
 * evenly spaced sample of POPULATION_SAMPLE rows (deterministic: the same inputs keep the same rows).
 */
export async function writePopulation(
  w: Warehouse,
  model: string,
  population: 'train' | 'scored',
  columns: Record<string, ArrayLike<number>>,
  rows?: ArrayLike<number>,
): Promise<void> {
  const total = rows ? rows.length : (Object.values(columns)[0]?.length ?? 0);
  if (total > POPULATION_SAMPLE) {
    rows = Int32Array.from({ length: POPULATION_SAMPLE }, (_, k) => {
      const j = Math.floor((k * total) / POPULATION_SAMPLE);
      return rows ? (rows[j] as number) : j;
    });
  }
  await ensureReportInputs(w);
  await w.run('DELETE FROM score_population WHERE model = $1 AND population = $2', [model, population]);
  const app = await w.conn.createAppender('score_population');
  try {
    for (const [feature, values] of Object.entries(columns)) {
      const n = rows ? rows.length : values.length;
      for (let k = 0; k < n; k++) {
        const v = values[rows ? (rows[k] as number) : k] as number;
        app.appendVarchar(model);
        app.appendVarchar(population);
        app.appendVarchar(feature);
        if (Number.isFinite(v)) app.appendDouble(v);
        else app.appendNull();
        app.endRow();
      }
    }
  } finally {
    app.closeSync();
  }
}
