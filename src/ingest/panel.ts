/**
 * Status panels → repayments. A panel row says how far behind a loan was at the end of a month; the features and
 * labels of followup are defined on installments (due_on, paid_on), so ingest translates the panel of every loan
 * it touches into installments, dated so that nothing is known before the panel row that reveals it:
 *
 *   R(m) = last day of month m (the report date; its row is known from then on)
 *   bucket none          → an installment due R(m), paid R(m)            (nothing overdue at the report)
 *   bucket 1-29          → an installment due R(m) + 2, paid at R of the next row whose bucket is none or 1-29
 *                          (cured, or a new amount under 30 days), unpaid while the panel says 30+ or has no row
 *   bucket 30+ after a 1-29 month or a 30+ month → nothing new: the amount of the earlier row is still unpaid
 *   bucket 30+ otherwise (first row, or right after none) → like 1-29: the spell starts at this report
 *
 * So the 30+ DPD onset (due + 30) falls 1–4 days after the report that first shows 30+ (32 days after the first
 * 30+ report that no 1-29 month announced), never before it, and a payment is dated at the report that shows it.
 * Every date of an installment is on or after the report of the row it comes from, so the features at any
 * as-of date are those of the panel truncated to the reports up to that date (test/ingest/panel.test.ts).
 * installment_no is the month as yyyymm; amounts are principal / term_months of the loan.
 *
 * Reads: status_panel (all rows of the loans in temp `typ`), loans. Writes: temp `typ` and `file_rejects`
 * (replaced: the derived installments), then repayments through the ordinary merge.
 */
import type { Warehouse } from '../warehouse/db.ts';
import { FILE_REJECTS_DDL } from './stage.ts';

const NUM = `CASE dpd_bucket WHEN 'none' THEN -1 WHEN '1-29' THEN 0 ELSE 1 END`;

/** Replaces temp `typ` with the installments derived from the full stored panel of the loans `typ` held. */
export async function panelToInstallments(w: Warehouse): Promise<void> {
  await w.run(`CREATE OR REPLACE TEMP TABLE panel_loans AS SELECT DISTINCT loan_id FROM typ`);
  await w.run(`CREATE OR REPLACE TEMP TABLE typ AS
    WITH p AS (
      SELECT p.loan_id, p.month, ${NUM} AS num,
        CAST(p.month + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS r
      FROM status_panel p SEMI JOIN panel_loans k ON k.loan_id = p.loan_id
    ), w AS (
      SELECT *,
        CASE WHEN lag(month) OVER (PARTITION BY loan_id ORDER BY month) = month - INTERVAL 1 MONTH
          THEN lag(num) OVER (PARTITION BY loan_id ORDER BY month) END AS prev,
        min(CASE WHEN num < 1 THEN r END) OVER (PARTITION BY loan_id ORDER BY month
          ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS cured_on
      FROM p
    )
    SELECT w.loan_id,
      CAST(year(w.month) * 100 + month(w.month) AS BIGINT) AS installment_no,
      CASE WHEN w.num < 0 THEN w.r ELSE w.r + 2 END AS due_on,
      l.principal / l.term_months AS amount_due,
      CASE WHEN w.num < 0 THEN w.r ELSE w.cured_on END AS paid_on,
      CASE WHEN w.num < 0 OR w.cured_on IS NOT NULL THEN l.principal / l.term_months END AS amount_paid
    FROM w JOIN loans l ON l.loan_id = w.loan_id
    WHERE w.num < 1 OR w.prev IS NULL OR w.prev < 0
    ORDER BY w.loan_id, w.month`);
  // The derived rows break no rule (they come from validated panel rows and loans): an empty reject list.
  await w.run(FILE_REJECTS_DDL);
  await w.run('DROP TABLE panel_loans');
}
