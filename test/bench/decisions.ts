/**
 * How much the schedule uses the predictions, on a recommendations run (default: the demo's, after `npm start`):
 *   - the share of mid-term dates that are risk-driven (RISK_BUDGET or RISK_FORCED_MIN: not at the segment bound),
 *   - per grade, the median interval of the top and bottom quartile of the loan's next-installment risk rate, and
 *     how much shorter the top quartile's is — the interval being the policy's cadence (`cadence_days`: days from
 *     one follow-up to the next at the loan's current risk) and, beside it, the due date − the previous follow-up
 *     (which also carries when the world's own practice last called),
 *   - the mid-term cadence by loan term,
 *   - the call hours and channels used.
 * Prints figures; asserts nothing. Usage: npm run bench:decisions -- [--warehouse .work/demo/warehouse.duckdb]
 */
import { parseArgs } from 'node:util';
import { openWarehouse } from '../../src/warehouse/db.ts';

const { values } = parseArgs({
  options: { warehouse: { type: 'string', default: '.work/demo/warehouse.duckdb' } },
});
const w = await openWarehouse(values.warehouse, { readOnly: true });
try {
  const run = await w.one<{ run_id: string }>(
    'SELECT run_id FROM recommendation_runs ORDER BY created_at DESC, run_id DESC LIMIT 1',
  );
  const id = run!.run_id;
  // The previous follow-up is the earliest date the reason words name: read it from the last completed one.
  const mid = await w.one<{ n: bigint; risk: bigint; bound: bigint }>(
    `SELECT count(*) AS n,
       count_if(list_contains(reason_codes, 'RISK_BUDGET') OR list_contains(reason_codes, 'RISK_FORCED_MIN')) AS risk,
       count_if(list_contains(reason_codes, 'RISK_WITHIN_BOUND')) AS bound
     FROM recommendations WHERE run_id = $1 AND purpose = 'mid_term'`,
    [id],
  );
  const n = Number(mid!.n);
  console.log(
    `run ${id}: ${n} mid-term follow-ups, ${Number(mid!.risk)} risk-driven (${((100 * Number(mid!.risk)) / n).toFixed(1)} %), ${Number(mid!.bound)} at the segment bound`,
  );
  const rows = await w.all<{
    loan_type: string;
    grade: string;
    q: number;
    n: bigint;
    med: number;
    cad: number;
    rate: number;
  }>(
    `WITH r AS (
       SELECT r.loan_id, l.loan_type, l.credit_grade AS grade, r.cadence_days, r.due_on,
         (SELECT max(timezone(l.time_zone, c.started_at)::DATE) FROM contacts c
          WHERE c.loan_id = r.loan_id AND c.purpose IN ('first', 'mid_term', 'final')
            AND c.outcome IN ('answered', 'promise_to_pay') AND c.started_at < r.as_of::DATE + 1) AS last_on,
         s.hazard[2] AS rate
       FROM recommendations r JOIN loans l USING (loan_id)
       JOIN scores s ON s.loan_id = r.loan_id AND s.as_of = r.as_of
       WHERE r.run_id = $1 AND r.purpose = 'mid_term'),
     q AS (SELECT *, ntile(4) OVER (PARTITION BY grade ORDER BY rate) AS q FROM r WHERE last_on IS NOT NULL)
     SELECT 'all' AS loan_type, grade, q, count(*) AS n, median(due_on - last_on) AS med, median(cadence_days) AS cad,
       avg(rate) AS rate
     FROM q WHERE q IN (1, 4) GROUP BY grade, q ORDER BY list_position(['AAA','AA','A','BBB','BB','B','CCC'], grade), q`,
    [id],
  );
  const seg = new Map<string, { lo?: (typeof rows)[number]; hi?: (typeof rows)[number] }>();
  for (const r of rows) {
    const k = `${r.loan_type} ${r.grade}`;
    const e = seg.get(k) ?? {};
    if (Number(r.q) === 1) e.lo = r;
    else e.hi = r;
    seg.set(k, e);
  }
  console.log(
    'grade   bottom quartile: risk/month, cadence (due − last)   top quartile: risk/month, cadence (due − last)   top cadence shorter by',
  );
  for (const [k, { lo, hi }] of seg) {
    if (!lo || !hi) continue;
    const short = 1 - hi.cad / lo.cad;
    const f = (x: typeof lo) =>
      `${(100 * x.rate).toFixed(2).padStart(5)} %, ${String(x.cad).padStart(5)} d (${String(x.med).padStart(5)} d), n ${x.n}`;
    console.log(
      `${k.replace('all ', '').padEnd(7)} ${f(lo)}        ${f(hi)}        ${(100 * short).toFixed(0)} %`,
    );
  }
  const terms = await w.all<{ term: string; n: bigint; med: number }>(
    `SELECT CASE WHEN l.term_months <= 12 THEN '≤ 12 months' WHEN l.term_months <= 24 THEN '13–24 months'
       ELSE '> 24 months' END AS term, count(*) AS n, median(r.cadence_days) AS med
     FROM recommendations r JOIN loans l USING (loan_id) WHERE r.run_id = $1 AND r.purpose = 'mid_term'
     GROUP BY 1 ORDER BY min(l.term_months)`,
    [id],
  );
  for (const t of terms)
    console.log(`term ${t.term}: ${t.n} mid-term follow-ups, median cadence ${t.med} days`);
  const hours = await w.all<{ h: number; n: bigint }>(
    'SELECT hour_start AS h, count(*) AS n FROM recommendations WHERE run_id = $1 GROUP BY 1 ORDER BY 1',
    [id],
  );
  console.log(`call hours: ${hours.map((h) => `${h.h}:00 ${h.n}`).join(', ')}`);
  const ch = await w.all<{ c: string; p: string | null; n: bigint }>(
    'SELECT channel AS c, prenotify_channel AS p, count(*) AS n FROM recommendations WHERE run_id = $1 GROUP BY ALL ORDER BY 3 DESC',
    [id],
  );
  console.log(`channels: ${ch.map((c) => `${c.c}${c.p ? ` after ${c.p}` : ''} ${c.n}`).join(', ')}`);
  const codes = await w.all<{ code: string; n: bigint }>(
    `SELECT code, count(*) AS n FROM (SELECT unnest(reason_codes) AS code FROM recommendations WHERE run_id = $1)
     WHERE code IN ('PERSONAL_WINDOW', 'AFTER_FAILED_CALL', 'WRITTEN_FOLLOW_UP', 'COORDINATED', 'TERM_CADENCE')
     GROUP BY 1 ORDER BY 1`,
    [id],
  );
  console.log(`reasons: ${codes.map((c) => `${c.code} ${c.n}`).join(', ')}`);
} finally {
  w.close();
}
