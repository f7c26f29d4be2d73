/**
 * Hazard labels for the delinquency model: per snapshot row, the month (1…H) of FIRST 30+ DPD onset after as_of
 * and how many months were observed. Month k covers (as_of + (k−1) months, as_of + k months].
 *
 *   onset of an installment = due_on + 30 days, when it was not paid by then
 *   censor date C = least(maturity_on + 30 days, closed_on, dataEnd)
 *     (the last installment, due at maturity, can still reach 30 DPD up to 30 days later; a loan repaid early
 *      has no risk left; nothing after dataEnd is known)
 *   event = k of the first onset in (as_of, least(C, as_of + H months)], else 0
 *   observed = event when event > 0, else the number of months k with as_of + k months <= C
 * Rows already 30+ DPD at as_of are not in the onset population: flagged `delinquent`, event = observed = 0, so
 * they add nothing to a hazard likelihood.
 * Reads: the spine, loans, repayments. Writes: temp table `fx_labels(rid, event, observed, delinquent, horizon)`.
 */
import { ident, type Warehouse } from '../warehouse/db.ts';
import { closedLoansSql } from './spine.ts';

export interface LabelOptions {
  /** Spine temp table. Default `fx_spine`. */
  spine?: string;
  /** Horizon H in months. Default 6. */
  horizon?: number;
  /** Last date (YYYY-MM-DD) whose events are known. Default: `defaultDataEnd(w)`. */
  dataEnd?: string;
}

/** True when installment `r` was paid on or before `by` (as in the repayment family); unpaid is false, not NULL. */
const settledBy = (by: string) => `coalesce(r.paid_on <= ${by}, false)`;

/**
 * Latest date with an observed event: last payment or last contact (scheduled due dates may lie in the future). The
 * last contact's UTC date is taken after max(): ICU's timezone() on every row took 1.5 s over 13.7 M contacts.
 */
export async function defaultDataEnd(w: Warehouse): Promise<string | undefined> {
  const row = await w.one<{ d: string | null }>(`
    SELECT greatest((SELECT max(paid_on) FROM repayments),
                    (SELECT timezone('UTC', max(started_at))::DATE FROM contacts))::VARCHAR AS d`);
  return row?.d ?? undefined;
}

/** Computes labels for every spine row into temp table `fx_labels`; returns the dataEnd used. */
export async function buildHazardLabels(w: Warehouse, opts: LabelOptions = {}): Promise<string> {
  const spine = ident(opts.spine ?? 'fx_spine');
  const horizon = opts.horizon ?? 6;
  const dataEnd = opts.dataEnd ?? (await defaultDataEnd(w)) ?? '1970-01-01';
  await w.run(
    `CREATE OR REPLACE TEMP TABLE fx_labels AS
     WITH closed AS (${closedLoansSql(`(SELECT loan_id, $1::DATE AS known_at FROM ${spine})`)}),
     inst AS (
       -- One join and one pass over the installments per row, rather than a correlated subquery per label part.
       SELECT s.rid,
         bool_or(r.due_on + 30 <= s.as_of AND NOT ${settledBy('s.as_of')}) AS delinquent,
         min(r.due_on + 30) FILTER (WHERE r.due_on + 30 > s.as_of AND NOT ${settledBy('r.due_on + 30')}) AS onset
       FROM ${spine} s JOIN repayments r ON r.loan_id = s.loan_id
       GROUP BY s.rid
     ), base AS (
       SELECT s.rid, s.as_of, coalesce(i.delinquent, false) AS delinquent, i.onset,
         least(l.maturity_on + 30, c.closed_on, $1::DATE) AS censor_on
       FROM ${spine} s JOIN loans l ON l.loan_id = s.loan_id LEFT JOIN closed c ON c.loan_id = s.loan_id
       LEFT JOIN inst i ON i.rid = s.rid
     ), months AS (
       SELECT b.rid,
         min(k) FILTER (WHERE b.onset <= b.censor_on AND b.onset <= (b.as_of + to_months(k::INTEGER))::DATE) AS event,
         count(*) FILTER (WHERE (b.as_of + to_months(k::INTEGER))::DATE <= b.censor_on) AS observed
       FROM base b, range(1, $2 + 1) AS t(k)
       GROUP BY b.rid
     )
     SELECT b.rid,
       CASE WHEN b.delinquent THEN 0 ELSE coalesce(m.event, 0) END::INTEGER AS event,
       CASE WHEN b.delinquent THEN 0 ELSE coalesce(m.event, m.observed) END::INTEGER AS observed,
       b.delinquent, $2::INTEGER AS horizon
     FROM base b JOIN months m ON m.rid = b.rid`,
    [dataEnd, horizon],
  );
  return dataEnd;
}
