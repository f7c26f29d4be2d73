/**
 * Builds the planner's view of each scored loan from the warehouse: contract fields, current DPD and the
 * regional market change (from the same point-in-time state the model scored), completed follow-ups by purpose
 * and the recent contact attempts the contact rules need. Everything is as known at the as-of date.
 */
import type { PlannerLoan, RecentContact } from '../recommend/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { Scored } from './score.ts';

/** Days of contact history handed to the rules (the longest rule window, with room). */
export const RECENT_DAYS = 60;

/** Outcomes that mean the follow-up actually took place (constants, inlined into SQL). */
const COMPLETED = ['answered', 'promise_to_pay'];

export async function plannerLoans(
  w: Warehouse,
  asOf: string,
  scored: Scored,
): Promise<{ loans: PlannerLoan[]; stateRow: Int32Array }> {
  const ids = scored.state.keys.loan_id;
  await w.run('CREATE OR REPLACE TEMP TABLE plan_ids (loan_id VARCHAR, i INTEGER)');
  const app = await w.conn.createAppender('plan_ids', 'main', 'temp');
  try {
    ids.forEach((id, i) => {
      app.appendVarchar(id);
      app.appendInteger(i);
      app.endRow();
    });
  } finally {
    app.closeSync();
  }
  const base = await w.all<{
    i: number;
    loan_id: string;
    borrower_id: string;
    loan_type: string;
    credit_grade: string;
    disbursed_on: string;
    maturity_on: string;
    time_zone: string;
    region: string;
  }>(
    `SELECT p.i, l.loan_id, l.borrower_id, l.loan_type, l.credit_grade, l.disbursed_on::VARCHAR AS disbursed_on,
       l.maturity_on::VARCHAR AS maturity_on, l.time_zone, l.region
     FROM temp.plan_ids p JOIN loans l USING (loan_id) ORDER BY p.i`,
  );
  const history = await w.all<{ i: number; purpose: string; days: string[] }>(
    `SELECT p.i, c.purpose,
       list(strftime(timezone(l.time_zone, c.started_at), '%Y-%m-%d') ORDER BY c.started_at) AS days
     FROM temp.plan_ids p JOIN contacts c USING (loan_id) JOIN loans l USING (loan_id)
     WHERE c.purpose IN ('first', 'mid_term', 'final', 'collection') AND c.outcome IN (${COMPLETED.map((o) => `'${o}'`).join(', ')})
       AND c.started_at < $1::DATE + INTERVAL 1 DAY
     GROUP BY p.i, c.purpose`,
    [asOf],
  );
  const recent = await w.all<{ i: number; at: string; channel: string; outcome: string; direction: string }>(
    `SELECT p.i, strftime(c.started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS at, c.channel, c.outcome, c.direction
     FROM temp.plan_ids p JOIN contacts c USING (loan_id)
     WHERE c.started_at < $1::DATE + INTERVAL 1 DAY AND c.started_at >= $1::DATE - INTERVAL ${RECENT_DAYS} DAY
     ORDER BY p.i, c.started_at`,
    [asOf],
  );
  await w.run('DROP TABLE temp.plan_ids');

  const H = scored.horizon;
  const dpd = scored.state.numeric.dpd_now;
  const mkt = scored.state.numeric.hpi_chg_6m;
  const loans: PlannerLoan[] = base.map((b) => {
    const i = b.i;
    const m = mkt?.[i];
    return {
      loan_id: b.loan_id,
      borrower_id: b.borrower_id,
      loan_type: b.loan_type,
      credit_grade: b.credit_grade,
      disbursed_on: b.disbursed_on,
      maturity_on: b.maturity_on,
      time_zone: b.time_zone,
      region: b.region,
      current_dpd: Math.max(0, Number.isFinite(dpd?.[i]) ? dpd![i]! : 0),
      market_change: m !== undefined && Number.isFinite(m) ? m : null,
      history: {},
      recent_contacts: [],
      hazard: scored.hazard.subarray(i * H, (i + 1) * H),
    };
  });
  for (const h of history) {
    (loans[h.i]!.history as Record<string, string[]>)[h.purpose] = h.days;
  }
  for (const r of recent) {
    loans[r.i]!.recent_contacts.push({
      at_utc: r.at,
      channel: r.channel as RecentContact['channel'],
      outcome: r.outcome,
      direction: r.direction === 'inbound' ? 'inbound' : 'outbound',
    });
  }
  const stateRow = Int32Array.from(base, (b) => b.i);
  return { loans, stateRow };
}
