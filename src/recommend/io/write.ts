/**
 * Stores a recommendations run: the follow-ups are staged as the planner emits them, then the run row and one row
 * per follow-up replace an earlier run of the same id in one transaction.
 */
import type { Clock } from '../../core/clock.ts';
import { literal, type Warehouse } from '../../warehouse/db.ts';
import type { Recommendation } from '../index.ts';

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
  'next_action',
  'assignee',
  'script_id',
  'script_lang',
  'talking_points',
  'notice_text',
  'notice_segments',
  'followup_id',
];

/** Recommendations streamed into a staging table as the planner emits them (no array of all of them in memory). */
export interface RecommendationSink {
  add(r: Recommendation): void;
  /** Rows added so far. */
  readonly count: number;
  /** Closes the staging appender; then `commitRecommendations` moves the rows into place. */
  close(): void;
}

/** Opens the staging table `temp.rec_stage` (one JSON document per follow-up) and its appender. */
export async function stageRecommendations(w: Warehouse): Promise<RecommendationSink> {
  // JSON through DuckDB's JSON functions: one typed bulk insert at commit instead of a statement per row.
  await w.run('CREATE OR REPLACE TEMP TABLE rec_stage (j VARCHAR)');
  const app = await w.conn.createAppender('rec_stage', 'main', 'temp');
  let count = 0;
  let open = true;
  return {
    add(r) {
      app.appendVarchar(JSON.stringify(r));
      app.endRow();
      count++;
    },
    get count() {
      return count;
    },
    close() {
      if (open) app.closeSync();
      open = false;
    },
  };
}

/** Replaces run `runId` with the staged rows, in one transaction, and drops the staging table. */
export async function commitRecommendations(
  w: Warehouse,
  runId: string,
  cfg: { asOf: string; shard?: string; capacityPerDay?: number | null },
  policyVersion: string,
  delinquencyModel: string,
  hangupModel: string,
  count: number,
  clock: Clock,
): Promise<void> {
  // One parse per document into a struct (33 json_extract calls would parse each document 33 times); values
  // stay text and are cast by the INSERT to the table's types, arrays become VARCHAR[].
  const shape = JSON.stringify(
    Object.fromEntries(
      COLUMNS.map((c) => [
        c,
        c === 'reason_codes' || c === 'reasons' || c === 'talking_points' ? ['VARCHAR'] : 'VARCHAR',
      ]),
    ),
  );
  await w.tx(async (t) => {
    await t.run('DELETE FROM recommendations WHERE run_id = $1', [runId]);
    await t.run('DELETE FROM recommendation_runs WHERE run_id = $1', [runId]);
    await t.run(
      `INSERT INTO recommendation_runs (run_id, as_of, created_at, policy_version, delinquency_model, hangup_model,
         shard, n_recommendations, capacity_per_day)
       VALUES ($1, $2::DATE, $3::TIMESTAMPTZ, $4, $5, $6, $7, $8, $9)`,
      [
        runId,
        cfg.asOf,
        clock.now().toISOString(),
        policyVersion,
        delinquencyModel,
        hangupModel,
        cfg.shard ?? null,
        count,
        cfg.capacityPerDay ?? null,
      ],
    );
    await t.run(
      `INSERT INTO recommendations BY NAME
       SELECT unnest(json_transform(j, ${literal(shape)})) FROM temp.rec_stage`,
    );
  });
  await w.run('DROP TABLE temp.rec_stage');
}
