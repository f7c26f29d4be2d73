/**
 * Outcomes per script and next action: the contacts a dialer or CRM sent back with a recommendation's
 * `followup_id`, joined to that recommendation. Call attempts are phone and visit contacts; answered means a
 * conversation (answered, promise_to_pay, hardship), hang-up means hung_up or refused (the hang-up model's label).
 * Where the run's library configured challengers (`variant_of`), each challenger is compared with its champion:
 * the difference in answered and hang-up rates with a 95 % normal interval (two independent proportions).
 *
 * Reads: recommendations, contacts, script_runs. Writes nothing.
 */
import { BadInputError } from '../core/errors.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ScriptLibrary } from './schema.ts';

/** Outcomes of one script under one next action. */
export interface ScriptStatsRow {
  script_id: string;
  /** The champion the script was drawn against (itself when it is no challenger). */
  champion: string;
  next_action: string;
  /** Follow-ups that used the script, and how many of them have at least one outcome back. */
  follow_ups: number;
  with_outcome: number;
  /** Call attempts (phone, visit) returned, and the shares answered and hung up (null without attempts). */
  attempts: number;
  answered_rate: number | null;
  hangup_rate: number | null;
}

/** A challenger against its champion: rate differences (challenger − champion) with 95 % intervals. */
export interface ScriptComparison {
  champion: string;
  challenger: string;
  attempts: [number, number];
  answered_diff: [number, number, number] | null;
  hangup_diff: [number, number, number] | null;
}

export interface ScriptStats {
  run_id: string;
  scripts_version: string | null;
  seed: number | null;
  rows: ScriptStatsRow[];
  comparisons: ScriptComparison[];
}

const ANSWERED = `('answered', 'promise_to_pay', 'hardship')`;
const HUNG_UP = `('hung_up', 'refused')`;

/** Difference of two proportions with a 95 % normal interval; null when either side has no trials. */
function diff(x1: number, n1: number, x0: number, n0: number): [number, number, number] | null {
  if (n1 === 0 || n0 === 0) return null;
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const d = p1 - p0;
  return [d, d - 1.96 * se, d + 1.96 * se];
}

export async function scriptStats(w: Warehouse, runId?: string): Promise<ScriptStats> {
  const run =
    runId ??
    (
      await w.one<{ run_id: string }>(
        'SELECT run_id FROM recommendation_runs ORDER BY created_at DESC, run_id DESC LIMIT 1',
      )
    )?.run_id;
  if (!run)
    throw new BadInputError('the warehouse holds no recommendation run', {
      place: { file: w.path, column: 'recommendation_runs' },
      hint: 'run `followup recommend` first',
    });
  const hasRuns = await w.one<{ n: bigint }>(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'script_runs'",
  );
  const lib = Number(hasRuns?.n ?? 0)
    ? await w.one<{ scripts_version: string; seed: bigint; library: string }>(
        'SELECT scripts_version, seed, library FROM script_runs WHERE run_id = $1',
        [run],
      )
    : undefined;
  const scripts = lib ? (JSON.parse(lib.library) as ScriptLibrary).scripts : {};
  const rows = await w.all<{
    script_id: string;
    next_action: string;
    follow_ups: bigint;
    with_outcome: bigint;
    attempts: bigint;
    answered: bigint;
    hung_up: bigint;
  }>(
    `SELECT r.script_id, r.next_action, count(DISTINCT r.followup_id) AS follow_ups,
       count(DISTINCT c.followup_id) AS with_outcome,
       count(c.contact_id) FILTER (WHERE c.channel IN ('phone', 'visit')) AS attempts,
       count(c.contact_id) FILTER (WHERE c.channel IN ('phone', 'visit') AND c.outcome IN ${ANSWERED}) AS answered,
       count(c.contact_id) FILTER (WHERE c.channel IN ('phone', 'visit') AND c.outcome IN ${HUNG_UP}) AS hung_up
     FROM recommendations r LEFT JOIN contacts c ON c.followup_id = r.followup_id
     WHERE r.run_id = $1 AND r.script_id IS NOT NULL
     GROUP BY r.script_id, r.next_action ORDER BY r.script_id, r.next_action`,
    [run],
  );
  const out: ScriptStatsRow[] = rows.map((r) => {
    const n = Number(r.attempts);
    return {
      script_id: r.script_id,
      champion: scripts[r.script_id]?.variant_of ?? r.script_id,
      next_action: r.next_action,
      follow_ups: Number(r.follow_ups),
      with_outcome: Number(r.with_outcome),
      attempts: n,
      answered_rate: n ? Number(r.answered) / n : null,
      hangup_rate: n ? Number(r.hung_up) / n : null,
    };
  });
  // Arms are compared over every next action together: the split is per borrower, not per action.
  const arm = new Map<string, { n: number; a: number; h: number }>();
  for (const r of rows) {
    const s = arm.get(r.script_id) ?? { n: 0, a: 0, h: 0 };
    s.n += Number(r.attempts);
    s.a += Number(r.answered);
    s.h += Number(r.hung_up);
    arm.set(r.script_id, s);
  }
  const comparisons: ScriptComparison[] = [];
  for (const [id, s] of Object.entries(scripts).sort(([a], [b]) => a.localeCompare(b))) {
    if (!s.variant_of) continue;
    const c1 = arm.get(id) ?? { n: 0, a: 0, h: 0 };
    const c0 = arm.get(s.variant_of) ?? { n: 0, a: 0, h: 0 };
    comparisons.push({
      champion: s.variant_of,
      challenger: id,
      attempts: [c0.n, c1.n],
      answered_diff: diff(c1.a, c1.n, c0.a, c0.n),
      hangup_diff: diff(c1.h, c1.n, c0.h, c0.n),
    });
  }
  return {
    run_id: run,
    scripts_version: lib?.scripts_version ?? null,
    seed: lib ? Number(lib.seed) : null,
    rows: out,
    comparisons,
  };
}
