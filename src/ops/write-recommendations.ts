/** Stores a recommendations run: the run row and one row per follow-up, replacing an earlier run of the same id. */
import type { Clock } from '../core/clock.ts';
import type { Recommendation } from '../recommend/index.ts';
import type { Warehouse } from '../warehouse/db.ts';

const COLUMNS: (keyof Recommendation)[] = [
  'run_id',
  'loan_id',
  'borrower_id',
  'as_of',
  'purpose',
  'cycle',
  'due_on',
  'earliest_on',
  'latest_on',
  'hard_deadline',
  'cadence_days',
  'risk_at_due',
  'risk_budget',
  'time_zone',
  'hour_start',
  'hour_end',
  'weekday',
  'window_start_utc',
  'window_end_utc',
  'channel',
  'hangup_risk',
  'hangup_risk_worst',
  'prenotify',
  'prenotify_channel',
  'prenotify_at_utc',
  'prenotify_reason',
  'priority',
  'reason_codes',
  'reasons',
  'moved',
  'delinquency_model',
  'hangup_model',
  'policy_version',
];

export async function writeRecommendations(
  w: Warehouse,
  runId: string,
  cfg: { asOf: string; shard?: string },
  policyVersion: string,
  delinquencyModel: string,
  hangupModel: string,
  recs: Recommendation[],
  clock: Clock,
): Promise<void> {
  // JSON Lines through DuckDB's reader: one typed bulk insert instead of a statement per row.
  await w.run('CREATE OR REPLACE TEMP TABLE rec_stage (j VARCHAR)');
  const app = await w.conn.createAppender('rec_stage', 'main', 'temp');
  try {
    for (const r of recs) {
      app.appendVarchar(JSON.stringify(r));
      app.endRow();
    }
  } finally {
    app.closeSync();
  }
  const select = COLUMNS.map((c) => {
    const path = `'$.${c}'`;
    if (c === 'reason_codes' || c === 'reasons') return `json_extract_string(j, '$.${c}[*]') AS ${c}`;
    return `json_extract_string(j, ${path}) AS ${c}`;
  }).join(', ');
  await w.tx(async (t) => {
    await t.run('DELETE FROM recommendations WHERE run_id = $1', [runId]);
    await t.run('DELETE FROM recommendation_runs WHERE run_id = $1', [runId]);
    await t.run(
      `INSERT INTO recommendation_runs VALUES ($1, $2::DATE, $3::TIMESTAMPTZ, $4, $5, $6, $7, $8)`,
      [
        runId,
        cfg.asOf,
        clock.now().toISOString(),
        policyVersion,
        delinquencyModel,
        hangupModel,
        cfg.shard ?? null,
        recs.length,
      ],
    );
    await t.run(`INSERT INTO recommendations BY NAME SELECT ${select} FROM temp.rec_stage`);
  });
  await w.run('DROP TABLE temp.rec_stage');
}
