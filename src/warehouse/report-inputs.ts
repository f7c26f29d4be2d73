/**
 * Tables the report reads besides the contract and the recommendations: evaluation predictions (written by the
 * evaluate stage) and score populations (written by the score stage) for PSI. Declared here so those stages can
 * create and fill them with `ensureReportInputs`; the report itself only reads them.
 *
 *   eval_predictions   one row per evaluated prediction: model, variant, horizon, split, month, y, p
 *   score_population   one row per (model, population, feature, row): value
 *
 * Training also saves its model's rows of both beside the model version in the registry (REGISTRY_FILES), so a
 * report on a warehouse the model was not trained on (a bank trains on a sample, then scores the whole book every
 * day) still shows how the model did on its test period and how today's population compares with its training one.
 */
import { join } from 'node:path';
import { literal, type Warehouse } from './db.ts';

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

/** Files in a model version's registry folder holding its report inputs (saveReportInputs). */
export const REGISTRY_FILES = {
  /** The model's eval_predictions rows (test period, network and baseline, every horizon). */
  predictions: 'eval_predictions.parquet',
  /** The model's score_population rows of its training population (population = 'train'). */
  population: 'train_population.parquet',
  /** Delinquency only: its training rows of features_snapshot, for the WoE/IV table (features/training-rows.ts). */
  woe: 'woe_population.parquet',
} as const;

/**
 * Writes `model`'s report inputs from the training warehouse into the version folder `dir` (Parquet: a few MB
 * for tens of thousands of test rows, read by DuckDB without loading them into the warehouse), and the rows of
 * `trainingRows` (the delinquency model's training population) when given.
 */
export async function saveReportInputs(
  w: Warehouse,
  dir: string,
  model: string,
  trainingRows?: string,
): Promise<void> {
  await ensureReportInputs(w);
  // COPY takes no bound parameters: the model name and path enter as quoted literals.
  await w.run(
    `COPY (SELECT * FROM eval_predictions WHERE model = ${literal(model)}) TO ${literal(join(dir, REGISTRY_FILES.predictions))} (FORMAT parquet)`,
  );
  await w.run(
    `COPY (SELECT * FROM score_population WHERE model = ${literal(model)} AND population = 'train') TO ${literal(join(dir, REGISTRY_FILES.population))} (FORMAT parquet)`,
  );
  // `trainingRows`: a SELECT built from the warehouse's own values, quoted (features/training-rows.ts).
  if (trainingRows)
    await w.run(`COPY (${trainingRows}) TO ${literal(join(dir, REGISTRY_FILES.woe))} (FORMAT parquet)`);
}
