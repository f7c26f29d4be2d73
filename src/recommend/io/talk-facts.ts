/**
 * The borrower facts the scripts and the next-action table need, per planned loan, as known at the as-of date:
 * the next installment not yet due (delivered, or else the next step of the delivered schedule), the unpaid amount already due, whether any conversation is on record, and the
 * last contact attempt within the lookback (outcome, local day, promised date). Notices the lender sent itself
 * (outbound SMS, email, app) are not contact outcomes and are left out.
 *
 * Reads: loans, repayments, contacts. Writes: temp table talk_ids.
 */

import { interner } from '../../core/intern.ts';
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
): Promise<TalkFactsRow[]> {
  await tempLoanIds(w, 'talk_ids', loanIds);
  // facts[i] are loanIds[i]'s: the caller knows each loan's position, so no map of a million loan ids.
  const out: TalkFactsRow[] = new Array(loanIds.length);
  // Dates and outcomes repeat across the book: one copy of each (src/core/intern.ts).
  const one = interner();
  await w.chunks(
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
     -- One pass over the loans' contacts, grouped: any conversation on record, and the last contact attempt in the
     -- lookback (latest instant, then highest contact id). A window ranking every contact of the book raised the
     -- process's peak by 0.6–0.8 GB more at a million loans, for the same rows.
     cf AS (
       SELECT loan_id,
         bool_or(outcome IN ('answered', 'promise_to_pay', 'hardship')) AS ever_conversation,
         arg_max({'outcome': outcome, 'promised_on': promised_on, 'started_at': started_at},
                 {'at': started_at, 'id': contact_id})
           FILTER (WHERE started_at >= $1::DATE + INTERVAL 1 DAY - $2 * INTERVAL 1 DAY
             AND NOT (direction = 'outbound' AND channel IN ('sms', 'email', 'app'))
             AND outcome NOT IN ('delivered', 'failed')) AS last
       FROM contacts SEMI JOIN temp.talk_ids USING (loan_id)
       WHERE started_at < $1::DATE + INTERVAL 1 DAY
       GROUP BY loan_id
     )
     SELECT t.i, nxt.next_due_on, nxt.next_amount, od.overdue AS overdue_amount,
       coalesce(cf.ever_conversation, false) AS ever_conversation, cf.last.outcome AS outcome,
       strftime(timezone(l.time_zone, cf.last.started_at), '%Y-%m-%d') AS last_on,
       cf.last.promised_on::VARCHAR AS promised_on
     FROM temp.talk_ids t LEFT JOIN loans l USING (loan_id)
     LEFT JOIN nxt USING (loan_id) LEFT JOIN od USING (loan_id) LEFT JOIN cf USING (loan_id)`,
    [asOf, lookbackDays],
    (c, rows) => {
      const at = c.i!;
      const due = c.next_due_on!;
      const amount = c.next_amount!;
      const overdue = c.overdue_amount!;
      const ever = c.ever_conversation!;
      const outcome = c.outcome!;
      const lastOn = c.last_on!;
      const promised = c.promised_on!;
      for (let r = 0; r < rows; r++) {
        const a = amount[r];
        const o = one(outcome[r] as string | null);
        const on = one(lastOn[r] as string | null);
        out[at[r] as number] = {
          next_due_on: one(due[r] as string | null),
          next_amount: a === null ? null : Number(a),
          overdue_amount: Math.round(Number(overdue[r] ?? 0) * 100) / 100,
          ever_conversation: ever[r] as boolean,
          last:
            o === null || on === null
              ? null
              : { outcome: o, on, promised_on: one(promised[r] as string | null) },
        };
      }
    },
  );
  await w.run('DROP TABLE temp.talk_ids');
  return out;
}
