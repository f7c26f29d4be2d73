/**
 * The `scores` table: written by the score stage, read by the report's action list, `monitor` and `score --json`.
 */
import type { Warehouse } from './db.ts';

/**
 * One row per (as_of, loan_id), kept unique by replacing a day's rows in one transaction. No PRIMARY KEY: its
 * index made replacing a day's scores ~100× slower (17 s against 0.1 s to delete 753,000 rows).
 */
const scoresDdl = (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (
  as_of DATE NOT NULL,
  loan_id VARCHAR NOT NULL,
  model_version VARCHAR NOT NULL,
  hazard DOUBLE[] NOT NULL,        -- monthly hazards h1…hH of first 30+ DPD onset
  risk_3m DOUBLE NOT NULL,         -- cumulative risk within 3 months
  risk_6m DOUBLE NOT NULL,         -- cumulative risk within H months
  reasons VARCHAR[] NOT NULL       -- top risk-raising features, in words
)`;

/** Creates `scores`, or rebuilds one made by an earlier version with a PRIMARY KEY (same rows, no index). */
export async function ensureScoresTable(w: Warehouse): Promise<void> {
  await w.run(scoresDdl('scores'));
  const pk = await w.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM duckdb_constraints()
     WHERE schema_name = 'main' AND table_name = 'scores' AND constraint_type = 'PRIMARY KEY'`,
  );
  if (!pk?.n) return;
  await w.tx(async (t) => {
    await t.run('DROP TABLE IF EXISTS scores_rebuilt');
    await t.run(scoresDdl('scores_rebuilt'));
    await t.run('INSERT INTO scores_rebuilt SELECT * FROM scores');
    await t.run('DROP TABLE scores');
    await t.run('ALTER TABLE scores_rebuilt RENAME TO scores');
  });
}
