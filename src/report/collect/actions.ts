/**
 * The borrowers to act on: loans still CURRENT at the run's as-of date (no installment unpaid past its due date),
 * ranked by predicted 6-month 30+ DPD risk, with the model's reasons and the planned follow-up. Loans already past
 * due are collection's work and sit at the top of any risk ranking without telling anyone anything new; a current
 * loan at high risk is where a conversation can still help. Reads: recommendations, scores, repayments, loans.
 */
import type { Warehouse } from '../../warehouse/db.ts';
import { tableExists } from '../../warehouse/introspect.ts';
import { round6 } from '../metrics/util.ts';
import type { ActionRow, Part, RunInfo } from '../types.ts';

/** Rows in the list. */
export const ACTION_ROWS = 25;

export async function collectActions(w: Warehouse, run: RunInfo | undefined): Promise<Part<ActionRow[]>> {
  if (!run) return { ok: false, reason: 'no recommendation run (run recommend first)' };
  for (const t of ['scores', 'repayments', 'loans'])
    if (!(await tableExists(w, t)))
      return { ok: false, reason: `table ${t} does not exist (run score first)` };
  const rows = await w.all<ActionRow & { reasons: string[] | null }>(
    `WITH late AS (
       SELECT DISTINCT loan_id FROM repayments
       WHERE due_on < $2::DATE AND (paid_on IS NULL OR paid_on > $2::DATE))
     SELECT s.loan_id, l.borrower_id, l.loan_type, l.credit_grade, s.risk_3m, s.risk_6m,
            strftime(r.due_on, '%Y-%m-%d') AS due_on, r.purpose, r.channel,
            r.hour_start::INTEGER AS hour_start, r.hour_end::INTEGER AS hour_end, s.reasons
     FROM scores s JOIN loans l USING (loan_id)
     LEFT JOIN recommendations r ON r.run_id = $1 AND r.loan_id = s.loan_id
     WHERE s.as_of = $2::DATE AND s.loan_id NOT IN (SELECT loan_id FROM late)
     ORDER BY s.risk_6m DESC, s.loan_id LIMIT ${ACTION_ROWS}`,
    [run.run_id, run.as_of],
  );
  if (!rows.length) return { ok: false, reason: `no current loan was scored at ${run.as_of}` };
  return {
    ok: true,
    value: rows.map((r) => ({
      ...r,
      risk_3m: round6(r.risk_3m),
      risk_6m: round6(r.risk_6m),
      reasons: r.reasons ?? [],
    })),
  };
}
