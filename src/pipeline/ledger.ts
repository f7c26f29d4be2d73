/** The run ledger in the warehouse: one row per pipeline run and one per step. */
import type { Warehouse } from '../warehouse/db.ts';

export const PIPELINE_LEDGER_DDL = `
CREATE TABLE IF NOT EXISTS pipeline_runs (
  run_id VARCHAR PRIMARY KEY,
  pipeline VARCHAR NOT NULL,
  params_json VARCHAR NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  outcome VARCHAR NOT NULL,          -- running | ok | failed
  error VARCHAR
);
CREATE TABLE IF NOT EXISTS pipeline_steps (
  run_id VARCHAR NOT NULL,
  step_id VARCHAR NOT NULL,
  stage VARCHAR NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  seconds DOUBLE,
  input_hash VARCHAR,
  outputs_json VARCHAR,
  summary_json VARCHAR,
  outcome VARCHAR NOT NULL,          -- ok | failed | skipped
  error VARCHAR,
  PRIMARY KEY (run_id, step_id)
);`;

export async function ensureLedger(w: Warehouse): Promise<void> {
  await w.run(PIPELINE_LEDGER_DDL);
}
