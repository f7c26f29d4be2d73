/**
 * Warehouse tables of the recommend stage: `recommendation_runs` (one row per run) and `recommendations` (one row
 * per follow-up, columns = the Recommendation record). Exporters and reports read these.
 */
import type { Warehouse } from './db.ts';

export const RECOMMENDATIONS_DDL = `
CREATE TABLE IF NOT EXISTS recommendation_runs (
  run_id VARCHAR PRIMARY KEY,
  as_of DATE NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  policy_version VARCHAR NOT NULL,
  delinquency_model VARCHAR NOT NULL,
  hangup_model VARCHAR NOT NULL,
  shard VARCHAR,
  n_recommendations BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS recommendations (
  run_id VARCHAR NOT NULL,
  loan_id VARCHAR NOT NULL,
  borrower_id VARCHAR NOT NULL,
  as_of DATE NOT NULL,
  purpose VARCHAR NOT NULL,
  cycle INTEGER NOT NULL,
  due_on DATE NOT NULL,
  earliest_on DATE NOT NULL,
  latest_on DATE NOT NULL,
  hard_deadline BOOLEAN NOT NULL,
  cadence_days INTEGER NOT NULL,
  risk_at_due DOUBLE NOT NULL,
  risk_budget DOUBLE NOT NULL,
  time_zone VARCHAR NOT NULL,
  hour_start INTEGER NOT NULL,
  hour_end INTEGER NOT NULL,
  weekday INTEGER NOT NULL,
  window_start_utc TIMESTAMPTZ NOT NULL,
  window_end_utc TIMESTAMPTZ NOT NULL,
  channel VARCHAR NOT NULL,
  hangup_risk DOUBLE NOT NULL,
  hangup_risk_worst DOUBLE NOT NULL,
  prenotify BOOLEAN NOT NULL,
  prenotify_channel VARCHAR,
  prenotify_at_utc TIMESTAMPTZ,
  prenotify_reason VARCHAR,
  priority DOUBLE NOT NULL,
  reason_codes VARCHAR[] NOT NULL,
  reasons VARCHAR[] NOT NULL,
  moved BOOLEAN NOT NULL,
  delinquency_model VARCHAR NOT NULL,
  hangup_model VARCHAR NOT NULL,
  policy_version VARCHAR NOT NULL,
  PRIMARY KEY (run_id, loan_id, purpose, cycle)
);`;

/**
 * Columns added after the first version (what to say and do: next action, script, notice), appended at the end so
 * exports that list columns in table order only gain columns. NULL in runs made before them.
 */
const ADDED_COLUMNS: [string, string][] = [
  ['next_action', 'VARCHAR'],
  ['assignee', 'VARCHAR'],
  ['script_id', 'VARCHAR'],
  ['script_lang', 'VARCHAR'],
  ['talking_points', 'VARCHAR[]'],
  ['notice_text', 'VARCHAR'],
  ['notice_segments', 'INTEGER'],
  ['followup_id', 'VARCHAR'],
];

export async function ensureRecommendationTables(w: Warehouse): Promise<void> {
  await w.run(RECOMMENDATIONS_DDL);
  // Added after the first release: warehouses made before gain the column (null for their old runs).
  await w.run('ALTER TABLE recommendation_runs ADD COLUMN IF NOT EXISTS capacity_per_day INTEGER');
  for (const [name, type] of ADDED_COLUMNS)
    await w.run(`ALTER TABLE recommendations ADD COLUMN IF NOT EXISTS ${name} ${type}`);
}
