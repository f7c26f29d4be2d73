/**
 * Tables the report reads besides the contract and the recommendations: evaluation predictions (written by the
 * evaluate stage) and score populations (written by the score stage) for PSI. Declared here so those stages can
 * create and fill them with `ensureReportInputs`; the report itself only reads them.
 *
 *   eval_predictions   one row per evaluated prediction: model, variant, horizon, split, month, y, p
 *   score_population   one row per (model, population, feature, row): value
 */
import type { Warehouse } from './db.ts';

/** Feature name in score_population that stands for the model's score itself. */
export const SCORE_FEATURE = 'score';

/** Horizon value that marks the binary hang-up model in eval_predictions (hazard horizons are 1…H months). */
export const HANGUP_HORIZON = 0;

export const REPORT_INPUTS_DDL = `
CREATE TABLE IF NOT EXISTS eval_predictions (
  model VARCHAR NOT NULL,       -- model name, e.g. 'delinquency' or 'hangup'
  variant VARCHAR NOT NULL,     -- 'network' or 'baseline'
  horizon INTEGER NOT NULL,     -- months ahead (1…H) for the hazard; 0 for the binary hang-up model
  split VARCHAR NOT NULL,       -- 'train', 'valid', 'test' (out-of-time), …
  month DATE,                   -- first day of the month of the prediction's as-of date (by-month performance)
  y DOUBLE,                     -- matured label 0/1; NULL while not yet matured (left out of every metric)
  p DOUBLE NOT NULL,            -- predicted probability, 0–1
  entity_id VARCHAR             -- optional: contact_id for the hang-up model (predicted heatmaps), loan_id otherwise
);
CREATE TABLE IF NOT EXISTS score_population (
  model VARCHAR NOT NULL,       -- model name
  population VARCHAR NOT NULL,  -- 'train' (expected) or 'scored' (actual)
  feature VARCHAR NOT NULL,     -- feature name, or 'score' for the model's score
  value DOUBLE                  -- raw feature value (NULL = missing, its own PSI bin)
);`;

/** Creates eval_predictions and score_population if missing. Idempotent. */
export async function ensureReportInputs(w: Warehouse): Promise<void> {
  await w.run(REPORT_INPUTS_DDL);
}
