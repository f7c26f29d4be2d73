/**
 * The export plan: which follow-ups this export sends and in what state, relative to what the same
 * format/target was last told (the export ledger).
 *
 *   recommendations (run) ⋈ loans (phone)  ─┐
 *                                            ├─► temp table export_keys: every current follow-up as new / changed /
 *   export_ledger (latest per follow-up) ───┘    unchanged, by its position in the run; temp table export_gone: the
 *                                                cancelled ones (in the ledger as active, gone from the run) with
 *                                                their last exported row, plus — for a snapshot target (iCalendar) —
 *                                                the ones cancelled by an earlier export, still due within
 *                                                `keepCancelledDays` (`carried`)
 *   ─► export_plan: the run's rows beside their keys, then export_gone; writers scan it in that order.
 *
 * Reads: recommendation_runs, recommendations, loans, export_ledger. Writes: temp tables export_prev, export_keys,
 * export_gone and export_plan (a view, or a table for a run not stored in the plan's order).
 * Identity of a follow-up = (loan_id, purpose, cycle). Its version hash covers what a scheduler acts on: dates,
 * window, zone, channel and pre-notification; not the risk figures, which move every run without moving the call.
 */
import { BadInputError } from '../core/errors.ts';
import { type Shard, shardPredicateSql } from '../shard/index.ts';
import { ident, literal, type Warehouse } from '../warehouse/db.ts';
import type { PlanRead, StateCounts } from './types.ts';

/** Fields whose change makes a follow-up "changed" (and raises its iCalendar SEQUENCE). */
export const VERSION_FIELDS = [
  'due_on',
  'earliest_on',
  'latest_on',
  'hard_deadline',
  'time_zone',
  'hour_start',
  'hour_end',
  'window_start_utc',
  'window_end_utc',
  'channel',
  'prenotify',
  'prenotify_channel',
  'prenotify_at_utc',
] as const;

const IDENTITY = ['loan_id', 'purpose', 'cycle'];

/** Resolves the run to export: the given id (must exist) or the latest by created_at. */
export async function resolveRun(w: Warehouse, runId: string | undefined): Promise<string> {
  if (runId !== undefined) {
    const row = await w.one('SELECT run_id FROM recommendation_runs WHERE run_id = $1', [runId]);
    if (!row)
      throw new BadInputError(`recommendation run ${JSON.stringify(runId)} not found`, {
        place: { file: w.path, column: 'recommendation_runs.run_id', value: runId },
        hint: 'omit --run to export the latest run',
      });
    return runId;
  }
  const row = await w.one<{ run_id: string }>(
    'SELECT run_id FROM recommendation_runs ORDER BY created_at DESC, run_id DESC LIMIT 1',
  );
  if (!row)
    throw new BadInputError('the warehouse holds no recommendation run', {
      place: { file: w.path, column: 'recommendation_runs' },
      hint: 'run `followup recommend` first',
    });
  return row.run_id;
}

/** Column names of the recommendations table, in table order (so new columns flow through unchanged). */
export async function recommendationColumns(w: Warehouse): Promise<string[]> {
  const rows = await w.all<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_name = 'recommendations' AND table_schema = current_schema() ORDER BY ordinal_position`,
  );
  return rows.map((r) => r.column_name);
}

/** `md5` over the version fields, each spelled out so NULLs and neighbours cannot collide; stable across DuckDB versions. */
function versionHashSql(alias: string): string {
  const parts = VERSION_FIELDS.map((f) => `coalesce(CAST(${alias}.${ident(f)} AS VARCHAR), '~')`);
  return `md5(concat_ws('|', ${parts.join(', ')}))`;
}

/** Columns the plan adds after the recommendation's own, in this order. */
const PLAN_TAIL = [
  'version_hash',
  'export_state',
  'sequence',
  'carried',
  'phone',
  'local_ws',
  'local_we',
  'local_pa',
] as const;

/** The plan's order: current follow-ups by due date and window, then the cancellations, each the same way. */
const PLAN_ORDER = 'due_on NULLS LAST, window_start_utc NULLS LAST, loan_id, purpose, cycle';

/**
 * Builds `export_plan` (recommendation columns + version_hash, export_state, sequence, carried, phone and the local
 * wall times local_ws, local_we, local_pa): the run's current follow-ups by due date and window, then the
 * cancellations (in the ledger as active, gone from the run, with their last exported row) the same way. Every
 * writer scans it in that order. With `sinceLast`, unchanged follow-ups are left out. With `keepCancelledDays`,
 * follow-ups an earlier export cancelled stay in the plan as `cancelled` with their SEQUENCE (`carried`, not
 * counted and not recorded again) while their due date is at most that many days before the run's as-of date: a
 * snapshot target keeps showing the cancellation instead of dropping the event.
 *
 * What the plan adds per follow-up is worked out on narrow rows (temp table export_keys, by the row's position in
 * the run). `recommend` stores a run's rows in the plan's order, so `export_plan` is then a view that reads them in
 * place beside their keys (POSITIONAL JOIN): at a million follow-ups, copying and sorting the wide rows took 15 s
 * and 2 GB per export. A run stored in another order (written before recommend kept that order) gets a sorted
 * copy, the same rows in the same order. Returns the counts per state and which way the rows are read.
 */
export async function buildPlan(
  w: Warehouse,
  p: {
    runId: string;
    format: string;
    target: string;
    sinceLast: boolean;
    keepCancelledDays?: number;
    shard?: Shard;
  },
): Promise<StateCounts & { read: PlanRead }> {
  const keep = p.keepCancelledDays;
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 0))
    throw new Error(`buildPlan: keepCancelledDays must be an integer ≥ 0; got ${keep}`);
  const cols = await recommendationColumns(w);
  // A shard exports (and cancels) only its own loans, so N shard exports to N targets partition the run.
  const inShard = (col: string) => (p.shard ? `AND ${shardPredicateSql(col, p.shard)}` : '');
  const on = IDENTITY.map((c) => `x.${ident(c)} = y.${ident(c)}`).join(' AND ');
  await w.run(
    `CREATE OR REPLACE TEMP TABLE export_prev AS
     SELECT * EXCLUDE (rk) FROM (
       SELECT l.*, row_number() OVER (PARTITION BY loan_id, purpose, cycle ORDER BY export_no DESC) AS rk
       FROM export_ledger l WHERE format = $1 AND target = $2 ${p.shard ? `AND l.loan_id IN (SELECT loan_id FROM loans WHERE ${shardPredicateSql('borrower_id', p.shard)})` : ''}
     ) WHERE rk = 1`,
    [p.format, p.target],
  );
  // ICU zone conversion costs ~10 µs a row; a run has few distinct (zone, instant) pairs, so convert those once.
  await w.run(
    `CREATE OR REPLACE TEMP TABLE export_conv AS
     SELECT z, t, timezone(z, t) AS l FROM (
       SELECT DISTINCT time_zone AS z, t FROM (
         SELECT time_zone, window_start_utc AS t FROM recommendations WHERE run_id = $1 UNION ALL
         SELECT time_zone, window_end_utc FROM recommendations WHERE run_id = $1 UNION ALL
         SELECT time_zone, prenotify_at_utc FROM recommendations WHERE run_id = $1 UNION ALL
         SELECT o.time_zone, o.window_start_utc FROM export_prev y JOIN recommendations o USING (run_id, loan_id, purpose, cycle) UNION ALL
         SELECT o.time_zone, o.window_end_utc FROM export_prev y JOIN recommendations o USING (run_id, loan_id, purpose, cycle) UNION ALL
         SELECT o.time_zone, o.prenotify_at_utc FROM export_prev y JOIN recommendations o USING (run_id, loan_id, purpose, cycle)
       ) WHERE z IS NOT NULL AND t IS NOT NULL
     )`,
    [p.runId],
  );
  // Phone and local wall times of the rows of CTE `e`, with its FROM clause.
  const localOfE = `lo.phone, a.l AS local_ws, b.l AS local_we, c.l AS local_pa
     FROM e
     LEFT JOIN loans lo ON lo.loan_id = e.loan_id
     LEFT JOIN export_conv a ON a.z = e.time_zone AND a.t = e.window_start_utc
     LEFT JOIN export_conv b ON b.z = e.time_zone AND b.t = e.window_end_utc
     LEFT JOIN export_conv c ON c.z = e.time_zone AND c.t = e.prenotify_at_utc`;
  // The current rows' keys, by position in the run's scan (a scan of one table keeps the stored order).
  await w.run(
    `CREATE OR REPLACE TEMP TABLE export_keys AS
     WITH cur AS (
       SELECT row_number() OVER () AS pos, x.loan_id, x.purpose, x.cycle, x.due_on, x.time_zone,
         x.window_start_utc, x.window_end_utc, x.prenotify_at_utc, ${versionHashSql('x')} AS version_hash
       FROM recommendations x WHERE x.run_id = $1 ${inShard('x.borrower_id')}
     ),
     e AS (
       SELECT x.*,
         CASE WHEN y.loan_id IS NULL OR y.state = 'cancelled' THEN 'new'
              WHEN y.version_hash <> x.version_hash THEN 'changed' ELSE 'unchanged' END AS export_state,
         CASE WHEN y.loan_id IS NULL THEN 0
              WHEN y.state = 'cancelled' OR y.version_hash <> x.version_hash THEN y.sequence + 1
              ELSE y.sequence END AS sequence,
         false AS carried
       FROM cur x LEFT JOIN export_prev y ON ${on}
     )
     SELECT e.pos, e.due_on, e.window_start_utc, e.loan_id, e.purpose, e.cycle,
       e.version_hash, e.export_state, e.sequence, e.carried, ${localOfE}
     ORDER BY e.pos`,
    [p.runId],
  );
  const oldCols = cols.map((c) =>
    IDENTITY.includes(c) || c === 'run_id' ? `y.${ident(c)}` : `o.${ident(c)}`,
  );
  await w.run(
    `CREATE OR REPLACE TEMP TABLE export_gone AS
     WITH gone AS (
       SELECT ${oldCols.join(', ')}, y.version_hash, 'cancelled' AS export_state, y.sequence + 1 AS sequence,
         false AS carried
       FROM export_prev y
       LEFT JOIN recommendations o
         ON o.run_id = y.run_id AND o.loan_id = y.loan_id AND o.purpose = y.purpose AND o.cycle = y.cycle
       WHERE y.state = 'active'
         AND NOT EXISTS (SELECT 1 FROM recommendations x WHERE x.run_id = $1 AND ${on})
     ),
     kept AS (
       SELECT ${oldCols.join(', ')}, y.version_hash, 'cancelled' AS export_state, y.sequence, true AS carried
       FROM export_prev y
       JOIN recommendations o
         ON o.run_id = y.run_id AND o.loan_id = y.loan_id AND o.purpose = y.purpose AND o.cycle = y.cycle
       WHERE ${keep === undefined ? 'false' : 'true'} AND y.state = 'cancelled'
         AND o.due_on >= (SELECT as_of FROM recommendation_runs WHERE run_id = $1) - INTERVAL ${keep ?? 0} DAY
         AND NOT EXISTS (SELECT 1 FROM recommendations x WHERE x.run_id = $1 AND ${on})
     ),
     e AS (SELECT * FROM gone UNION ALL BY NAME SELECT * FROM kept)
     SELECT e.*, ${localOfE}
     ORDER BY ${PLAN_ORDER.replace(/(^|, )/g, '$1e.')}`,
    [p.runId],
  );
  await w.run('DROP TABLE export_conv');
  const read: PlanRead = (await storedInPlanOrder(w)) ? 'in place' : 'sorted copy';
  const select = [...cols.map((c) => `x.${ident(c)}`), ...PLAN_TAIL.map((c) => `k.${c}`)].join(', ');
  const all = [...cols.map(ident), ...PLAN_TAIL].join(', ');
  const changedOnly = p.sinceLast ? `WHERE k.export_state <> 'unchanged'` : '';
  const run = `SELECT * FROM recommendations x WHERE x.run_id = ${literal(p.runId)} ${inShard('x.borrower_id')}`;
  await dropPlan(w);
  if (read === 'in place') {
    await w.run(
      `CREATE TEMP VIEW export_plan AS
       SELECT ${select} FROM (${run}) x POSITIONAL JOIN export_keys k ${changedOnly}
       UNION ALL SELECT ${all} FROM export_gone`,
    );
  } else {
    await w.run(
      `CREATE TEMP TABLE export_plan AS
       SELECT ${all} FROM (
         SELECT ${select} FROM (SELECT row_number() OVER () AS pos, * FROM (${run})) x
         JOIN export_keys k USING (pos) ${changedOnly}
         UNION ALL SELECT ${all} FROM export_gone
       ) ORDER BY export_state = 'cancelled', ${PLAN_ORDER}`,
    );
  }
  return { ...(await countStates(w, p.sinceLast)), read };
}

/** True when the run's rows are stored in the plan's order (the positions of export_keys, sorted, are 1…n). */
async function storedInPlanOrder(w: Warehouse): Promise<boolean> {
  const r = await w.one<{ off: bigint }>(
    `SELECT count(*) AS off FROM (
       SELECT pos, row_number() OVER (ORDER BY ${PLAN_ORDER}) AS rk FROM export_keys
     ) WHERE pos <> rk`,
  );
  return r?.off === 0n;
}

/** The previous export's plan on this connection, a view or a table (temp only: never a warehouse table). */
async function dropPlan(w: Warehouse): Promise<void> {
  const view = await w.one(`SELECT 1 AS v FROM duckdb_views() WHERE view_name = 'export_plan' AND temporary`);
  await w.run(view ? 'DROP VIEW temp.export_plan' : 'DROP TABLE IF EXISTS temp.export_plan');
}

async function countStates(w: Warehouse, sinceLast: boolean): Promise<StateCounts> {
  const rows = await w.all<{ s: string; n: bigint }>(
    'SELECT export_state AS s, count(*) AS n FROM export_plan WHERE NOT carried GROUP BY 1',
  );
  const c: StateCounts = { new: 0, changed: 0, unchanged: 0, cancelled: 0 };
  for (const r of rows) c[r.s as keyof StateCounts] = Number(r.n);
  if (sinceLast) {
    // Unchanged rows were filtered out of the plan; count them from the ledger diff for the summary.
    const u = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM export_prev WHERE state = 'active'`);
    c.unchanged = Math.max(0, Number(u?.n ?? 0n) - c.changed - c.cancelled);
  }
  return c;
}

/** Number of rows in the plan. */
export async function planSize(w: Warehouse): Promise<number> {
  const r = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM export_plan');
  return Number(r?.n ?? 0n);
}
