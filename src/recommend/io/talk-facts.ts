/**
 * The borrower facts the scripts and the next-action table need, per planned loan, as known at the as-of date:
 * the next installment not yet due (delivered, or else the next step of the delivered schedule), the unpaid amount already due, whether any conversation is on record, and the
 * last contact attempt within the lookback (outcome, local day, promised date). Notices the lender sent itself
 * (outbound SMS, email, app) are not contact outcomes and are left out.
 *
 * Reads: loans, repayments, contacts. Writes: temp table talk_ids.
 */

import { tempLoanIds, type Warehouse } from '../../warehouse/db.ts';
import type { LastContact } from '../next-action.ts';

/** Facts of one loan; see LoanTalkFacts (src/scripts/compose.ts) for meanings. */
export interface TalkFactsRow {
  next_due_on: string | null;
  next_amount: number | null;
  overdue_amount: number;
  ever_conversation: boolean;
  last: LastContact | null;
}

export async function talkFacts(
  w: Warehouse,
  loanIds: readonly string[],
  asOf: string,
  lookbackDays: number,
): Promise<Map<string, TalkFactsRow>> {
  await tempLoanIds(w, 'talk_ids', loanIds);
  const rows = await w.all<{
    loan_id: string;
    next_due_on: string | null;
    next_amount: number | null;
    overdue_amount: number | null;
    ever_conversation: boolean;
    outcome: string | null;
    last_on: string | null;
    promised_on: string | null;
  }>(
    `WITH delivered AS (
       SELECT loan_id, min(due_on) AS next_due_on, arg_min(amount_due, due_on) AS next_amount
       FROM repayments SEMI JOIN temp.talk_ids USING (loan_id) WHERE due_on > $1::DATE GROUP BY loan_id
     ),
     -- A lender that delivers only installments already due: the next one follows the schedule's own step (months
     -- between the last two) and amount, unless that passes maturity.
     stepped AS (
       SELECT r.loan_id, max(r.due_on) AS last_due, arg_max(r.amount_due, r.due_on) AS last_amount,
         -- max(x, 2): the two latest due dates without collecting every installment of the loan.
         datediff('month', max(r.due_on, 2)[2], max(r.due_on)) AS step, any_value(l.maturity_on) AS maturity_on
       FROM repayments r JOIN loans l USING (loan_id) SEMI JOIN temp.talk_ids USING (loan_id)
       WHERE r.due_on <= $1::DATE GROUP BY r.loan_id HAVING count(*) >= 2
     ),
     nxt AS (
       SELECT t.loan_id,
         coalesce(d.next_due_on, CASE WHEN s.step >= 1 AND s.last_due + to_months(s.step) <= s.maturity_on
           THEN CAST(s.last_due + to_months(s.step) AS DATE) END)::VARCHAR AS next_due_on,
         CASE WHEN d.loan_id IS NOT NULL THEN d.next_amount
           WHEN s.step >= 1 AND s.last_due + to_months(s.step) <= s.maturity_on THEN s.last_amount END AS next_amount
       FROM temp.talk_ids t LEFT JOIN delivered d USING (loan_id) LEFT JOIN stepped s USING (loan_id)
     ),
     od AS (
       -- A payment dated after the as-of date was not known then.
       SELECT loan_id, sum(greatest(amount_due - CASE WHEN paid_on <= $1::DATE THEN coalesce(amount_paid, 0) ELSE 0 END, 0)) AS overdue
       FROM repayments SEMI JOIN temp.talk_ids USING (loan_id) WHERE due_on <= $1::DATE GROUP BY loan_id
     ),
     seen AS (
       SELECT c.*, l.time_zone FROM contacts c JOIN loans l USING (loan_id) SEMI JOIN temp.talk_ids USING (loan_id)
       WHERE c.started_at < $1::DATE + INTERVAL 1 DAY
     ),
     cv AS (SELECT DISTINCT loan_id FROM seen WHERE outcome IN ('answered', 'promise_to_pay', 'hardship')),
     lastc AS (
       SELECT loan_id, outcome, promised_on::VARCHAR AS promised_on,
         strftime(timezone(time_zone, started_at), '%Y-%m-%d') AS last_on
       FROM (
         SELECT *, row_number() OVER (PARTITION BY loan_id ORDER BY started_at DESC, contact_id DESC) AS rk
         FROM seen
         WHERE started_at >= $1::DATE + INTERVAL 1 DAY - $2 * INTERVAL 1 DAY
           AND NOT (direction = 'outbound' AND channel IN ('sms', 'email', 'app'))
           AND outcome NOT IN ('delivered', 'failed')
       ) WHERE rk = 1
     )
     SELECT t.loan_id, nxt.next_due_on, nxt.next_amount, od.overdue AS overdue_amount,
       cv.loan_id IS NOT NULL AS ever_conversation, lastc.outcome, lastc.last_on, lastc.promised_on
     FROM temp.talk_ids t
     LEFT JOIN nxt USING (loan_id) LEFT JOIN od USING (loan_id) LEFT JOIN cv USING (loan_id)
     LEFT JOIN lastc USING (loan_id)`,
    [asOf, lookbackDays],
  );
  const out = new Map<string, TalkFactsRow>();
  for (const r of rows) {
    out.set(r.loan_id, {
      next_due_on: r.next_due_on,
      next_amount: r.next_amount === null ? null : Number(r.next_amount),
      overdue_amount: Math.round(Number(r.overdue_amount ?? 0) * 100) / 100,
      ever_conversation: r.ever_conversation,
      last:
        r.outcome === null || r.last_on === null
          ? null
          : { outcome: r.outcome, on: r.last_on, promised_on: r.promised_on },
    });
  }
  await w.run('DROP TABLE temp.talk_ids');
  return out;
}
