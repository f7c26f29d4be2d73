/**
 * Collects the schedule section for one recommendation run (the given one, else the latest by created_at):
 * cadence by segment, risk at the next follow-up, daily load against capacity, overflow days and top reasons.
 * Reads: recommendation_runs, recommendations, loans (segments). Writes: nothing.
 */
import { UsageError } from '../../core/errors.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import { columnExists, tableExists } from '../../warehouse/introspect.ts';
import { round6 } from '../metrics/util.ts';
import type { Part, RunInfo, ScheduleData } from '../types.ts';

/** Bins of the risk histogram (equal in log(risk)). */
export const RISK_BINS = 20;

/** Risks below 0.01 % count in the first bin (log scales need a floor). */
const RISK_FLOOR = 1e-4;

async function findRun(w: Warehouse, runId: string | undefined): Promise<RunInfo | undefined> {
  const sql = `SELECT run_id, strftime(as_of, '%Y-%m-%d') AS as_of, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at,
      policy_version, delinquency_model, hangup_model, n_recommendations::INTEGER AS n_recommendations
    FROM recommendation_runs`;
  if (runId !== undefined) {
    const run = await w.one<RunInfo>(`${sql} WHERE run_id = ?`, [runId]);
    if (!run) {
      const ids = await w.all<{ run_id: string }>(
        'SELECT run_id FROM recommendation_runs ORDER BY created_at DESC LIMIT 5',
      );
      throw new UsageError(`--run ${runId}: no such recommendation run`, {
        hint: `latest runs: ${ids.map((r) => r.run_id).join(', ') || 'none'}`,
      });
    }
    return run;
  }
  return w.one<RunInfo>(`${sql} ORDER BY created_at DESC, run_id DESC LIMIT 1`);
}

export async function collectSchedule(
  w: Warehouse,
  opts: { runId?: string; capacity?: number } = {},
): Promise<Part<ScheduleData>> {
  for (const t of ['recommendation_runs', 'recommendations'])
    if (!(await tableExists(w, t)))
      return { ok: false, reason: `table ${t} does not exist (run recommend first)` };
  const run = await findRun(w, opts.runId);
  if (!run) return { ok: false, reason: 'recommendation_runs is empty (run recommend first)' };
  const p = [run.run_id];
  const hasLoans = await tableExists(w, 'loans');
  const seg = hasLoans
    ? `LEFT JOIN loans l ON l.loan_id = r.loan_id`
    : `LEFT JOIN (SELECT NULL::VARCHAR AS loan_id, NULL::VARCHAR AS loan_type, NULL::VARCHAR AS credit_grade) l ON false`;
  // days from the run's as-of date to the follow-up's date: what the planner decided for each loan now
  // (cadence_days is the policy's cycle length, which sits at its bound for most loans and says little)
  const intervals = await w.all<ScheduleData['interval_by_segment'][number]>(
    `WITH d AS (
       SELECT coalesce(l.loan_type, 'unknown') AS loan_type, coalesce(l.credit_grade, '?') AS credit_grade,
              date_diff('day', r.as_of::DATE, r.due_on::DATE)::DOUBLE AS days
       FROM recommendations r ${seg} WHERE r.run_id = ?)
     SELECT loan_type || ' ' || credit_grade AS segment, loan_type, credit_grade,
        count(*)::INTEGER AS n, min(days) AS min,
        quantile_cont(days, 0.25) AS q1, quantile_cont(days, 0.5) AS median,
        quantile_cont(days, 0.75) AS q3, max(days) AS max
     FROM d GROUP BY ALL ORDER BY loan_type, credit_grade`,
    p,
  );
  // Bins equal in log(risk) from the 0.5th percentile (at least 0.01 %) to the largest risk: most loans sit far
  // under 1 % and collection loans near 100 %, which equal-width bins draw as one tall bar and a flat tail.
  const stats = await w.one<{ lo: number | null; hi: number | null; budget: number | null }>(
    `SELECT greatest(quantile_cont(risk_at_due, 0.005), ${RISK_FLOOR}) AS lo,
            greatest(max(risk_at_due), median(risk_budget), ${RISK_FLOOR * 10}) AS hi, median(risk_budget) AS budget
     FROM recommendations WHERE run_id = ?`,
    p,
  );
  const lo = Math.log10(stats?.lo ?? RISK_FLOOR);
  const hi = Math.max(lo + 1e-6, Math.log10(stats?.hi ?? RISK_FLOOR * 10));
  const hist = await w.all<{ bin: number; n: number }>(
    `SELECT least(greatest(floor((log10(greatest(risk_at_due, ${RISK_FLOOR})) - ?) / ? * ${RISK_BINS}), 0), ${RISK_BINS - 1})::INTEGER AS bin,
            count(*)::INTEGER AS n
     FROM recommendations WHERE run_id = ? GROUP BY ALL ORDER BY bin`,
    [lo, hi - lo, run.run_id],
  );
  const counts = new Map(hist.map((h) => [h.bin, h.n]));
  const edge = (b: number) => round6(10 ** (lo + ((hi - lo) * b) / RISK_BINS));
  const risk_hist = Array.from({ length: RISK_BINS }, (_, b) => ({
    bin_start: edge(b),
    bin_end: edge(b + 1),
    n: counts.get(b) ?? 0,
  }));
  const capacity = opts.capacity ?? (await runCapacity(w, run.run_id));
  const load = await w.all<{ day: string; n: number; moved: number }>(
    `SELECT strftime(due_on, '%Y-%m-%d') AS day, count(*)::INTEGER AS n, count(*) FILTER (moved)::INTEGER AS moved
     FROM recommendations WHERE run_id = ? GROUP BY ALL ORDER BY day`,
    p,
  );
  const daily_load = load.map((d) => ({ ...d, over: capacity !== null && d.n > capacity }));
  const reasons = await w.all<{ code: string; n: number; example: string }>(
    `SELECT code, count(*)::INTEGER AS n, min(reason) AS example
     FROM (SELECT unnest(reason_codes) AS code, unnest(reasons) AS reason FROM recommendations WHERE run_id = ?)
     WHERE code IS NOT NULL GROUP BY code ORDER BY n DESC, code LIMIT 10`,
    p,
  );
  return {
    ok: true,
    value: {
      run,
      interval_by_segment: intervals,
      risk_hist,
      risk_budget: round6(stats?.budget ?? 0),
      daily_load,
      capacity,
      overflow_days:
        capacity === null
          ? []
          : daily_load.filter((d) => d.over).map((d) => ({ day: d.day, n: d.n, excess: d.n - capacity })),
      top_reasons: reasons.map((r) => ({
        code: r.code,
        n: r.n,
        share: round6(r.n / Math.max(1, run.n_recommendations)),
        example: r.example ?? '',
      })),
    },
  };
}

/** Capacity per day recorded with the run, when the recommend stage writes a `capacity_per_day` column. */
async function runCapacity(w: Warehouse, runId: string): Promise<number | null> {
  if (!(await columnExists(w, 'recommendation_runs', 'capacity_per_day'))) return null;
  const row = await w.one<{ c: number | null }>(
    'SELECT capacity_per_day::DOUBLE AS c FROM recommendation_runs WHERE run_id = ?',
    [runId],
  );
  return row?.c ?? null;
}
