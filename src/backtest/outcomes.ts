/**
 * What the backtest scores schedules against, all observable in the warehouse: each loan's first 30+ DPD onset
 * (due_on + 30 days of the first installment not paid by then, as in src/features/labels.ts), the day it closed
 * early, whether it is the borrower's first loan, and its dates.
 */

import { dayOf } from '../core/days.ts';
import { closedLoansSql } from '../features/spine.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ScheduleLoan } from './schedule.ts';

/** One loan's facts for the backtest. Day numbers are days since 1970-01-01 (borrower-local calendar dates). */
export interface LoanOutcome extends ScheduleLoan {
  borrower_id: string;
  loan_type: string;
  credit_grade: string;
  /** First 30+ DPD onset day known by the data end, or Infinity. */
  onset: number;
  /** Day the loan was repaid early (last payment), or Infinity. */
  closed: number;
  /** Disbursement and maturity day numbers. */
  dis: number;
  mat: number;
  /** The borrower's earliest loan. */
  firstLoan: boolean;
}

/** Every loan with its onset and closure as known at `dataEnd` (YYYY-MM-DD). */
export async function loanOutcomes(w: Warehouse, dataEnd: string): Promise<LoanOutcome[]> {
  const rows = await w.all<{
    loan_id: string;
    borrower_id: string;
    loan_type: string;
    credit_grade: string;
    time_zone: string;
    disbursed_on: string;
    maturity_on: string;
    onset: string | null;
    closed: string | null;
    first_loan: boolean;
  }>(
    `WITH closed AS (${closedLoansSql('(SELECT loan_id, $1::DATE AS known_at FROM loans)')}),
     onset AS (
       SELECT loan_id, min(due_on + 30) AS onset FROM repayments
       WHERE due_on + 30 <= $1::DATE AND NOT coalesce(paid_on <= due_on + 30, false)
       GROUP BY loan_id
     )
     SELECT l.loan_id, l.borrower_id, l.loan_type, l.credit_grade, l.time_zone,
       l.disbursed_on::VARCHAR AS disbursed_on, l.maturity_on::VARCHAR AS maturity_on,
       o.onset::VARCHAR AS onset,
       -- a loan that reached 30+ DPD and later paid everything is cured, not repaid early
       CASE WHEN o.onset IS NULL AND c.closed_on < l.maturity_on THEN c.closed_on::VARCHAR END AS closed,
       row_number() OVER (PARTITION BY l.borrower_id ORDER BY l.disbursed_on, l.loan_id) = 1 AS first_loan
     FROM loans l LEFT JOIN onset o USING (loan_id) LEFT JOIN closed c USING (loan_id)
     ORDER BY l.loan_id`,
    [dataEnd],
  );
  return rows.map((r) => ({
    loan_id: r.loan_id,
    borrower_id: r.borrower_id,
    loan_type: r.loan_type,
    credit_grade: r.credit_grade,
    time_zone: r.time_zone,
    disbursed_on: r.disbursed_on,
    maturity_on: r.maturity_on,
    dis: dayOf(r.disbursed_on),
    mat: dayOf(r.maturity_on),
    onset: r.onset ? dayOf(r.onset) : Number.POSITIVE_INFINITY,
    closed: r.closed ? dayOf(r.closed) : Number.POSITIVE_INFINITY,
    firstLoan: r.first_loan,
  }));
}

/** True when a follow-up on `day` is part of the comparison: the loan is open and has not yet reached 30+ DPD. */
export function inScope(o: LoanOutcome, day: number): boolean {
  return day > o.dis && day < o.mat && day < o.closed && day < o.onset;
}
