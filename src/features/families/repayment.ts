/**
 * Repayment family: delinquency state derived from due_on / paid_on as known at as_of. An installment counts as
 * settled at as_of when paid_on <= as_of; a payment dated after as_of is unknown at as_of, so the installment is
 * unpaid then. Days past due come from the dates alone, as the contract prescribes: a partial payment (amount_paid
 * below amount_due) settles the installment on its date, and its shortfall shows in paid_ratio_* and outstanding.
 * (Counting every shortfall as arrears would make a 2 % share of partial payments look like 30+ DPD onsets.)
 */
import { ident } from '../../warehouse/db.ts';
import { type FeatureFamily, num } from './family.ts';

const F = 'repayment';
const LATE_WINDOWS = [3, 6, 12] as const;
const RATIO_WINDOWS = [3, 6] as const;

export const repaymentFamily: FeatureFamily = {
  name: F,
  features: [
    num(F, 'dpd_now', '{v} {day|days} past due today', 'days'),
    num(F, 'dpd_max', 'up to {v} {day|days} past due so far', 'days'),
    ...LATE_WINDOWS.map((m) => num(F, `late_${m}m`, `{v} late {payment|payments} in the last ${m} months`)),
    num(F, 'dpd30_episodes', '{v} {episode|episodes} of 30+ days past due so far'),
    ...RATIO_WINDOWS.map((m) =>
      num(F, `paid_ratio_${m}m`, `paid {v} of the amount due in the last ${m} months`, '%'),
    ),
    num(F, 'months_on_book', '{v} {month|months} since disbursement', 'months'),
    num(F, 'months_to_maturity', '{v} {month|months} to maturity', 'months'),
    num(F, 'outstanding', 'outstanding balance about {v}'),
    num(F, 'burden', 'installment is {v} of monthly income', '%'),
  ],
  sql(spine) {
    const s = ident(spine);
    return `
WITH inst AS (
  SELECT s.rid, s.as_of, r.due_on, r.amount_due,
    CASE WHEN r.paid_on <= s.as_of THEN coalesce(r.amount_paid, r.amount_due) ELSE 0 END AS paid_known,
    CASE WHEN r.paid_on <= s.as_of THEN r.paid_on END AS settled_on
  FROM ${s} s JOIN repayments r ON r.loan_id = s.loan_id AND (r.due_on <= s.as_of OR r.paid_on <= s.as_of)
), st AS (
  SELECT *,
    CASE WHEN due_on <= as_of THEN greatest(0, date_diff('day', due_on, coalesce(settled_on, as_of))) END AS dpd_reached,
    due_on <= as_of AND (settled_on > due_on OR (settled_on IS NULL AND due_on < as_of)) AS is_late
  FROM inst
), ep AS (
  -- 30+ DPD episodes: an installment's spell runs from due_on + 30 to its settlement (or as_of); spells that
  -- overlap or touch form one episode (gaps and islands over the running end).
  SELECT rid, onset, max(spell_end) OVER (PARTITION BY rid ORDER BY onset, spell_end
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM (SELECT rid, due_on + 30 AS onset, coalesce(settled_on, as_of) AS spell_end FROM st WHERE dpd_reached >= 30)
), eps AS (
  SELECT rid, count(*) FILTER (WHERE prev_end IS NULL OR onset > prev_end) AS n FROM ep GROUP BY rid
), agg AS (
  SELECT rid,
    max(CASE WHEN settled_on IS NULL AND due_on < as_of THEN date_diff('day', due_on, as_of) ELSE 0 END) AS dpd_now,
    max(coalesce(dpd_reached, 0)) AS dpd_max,
    ${LATE_WINDOWS.map((m) => `count(*) FILTER (WHERE is_late AND due_on > as_of - INTERVAL ${m} MONTH) AS late_${m}m`).join(',\n    ')},
    ${RATIO_WINDOWS.map(
      (m) => `sum(paid_known) FILTER (WHERE due_on <= as_of AND due_on > as_of - INTERVAL ${m} MONTH)
      / nullif(sum(amount_due) FILTER (WHERE due_on <= as_of AND due_on > as_of - INTERVAL ${m} MONTH), 0)
      AS paid_ratio_${m}m`,
    ).join(',\n    ')},
    sum(paid_known) AS paid_total
  FROM st GROUP BY rid
)
SELECT s.rid,
  coalesce(a.dpd_now, 0)::DOUBLE AS dpd_now,
  coalesce(a.dpd_max, 0)::DOUBLE AS dpd_max,
  ${LATE_WINDOWS.map((m) => `coalesce(a.late_${m}m, 0)::DOUBLE AS late_${m}m`).join(', ')},
  coalesce(e.n, 0)::DOUBLE AS dpd30_episodes,
  ${RATIO_WINDOWS.map((m) => `a.paid_ratio_${m}m::DOUBLE AS paid_ratio_${m}m`).join(', ')},
  datesub('month', l.disbursed_on, s.as_of)::DOUBLE AS months_on_book,
  datesub('month', s.as_of, l.maturity_on)::DOUBLE AS months_to_maturity,
  greatest(0, l.principal - coalesce(a.paid_total, 0))::DOUBLE AS outstanding,
  -- The contractual annuity installment is known at disbursement, unlike future rows of the schedule.
  (CASE WHEN l.annual_rate > 0
     THEN l.principal * (l.annual_rate / 12) / (1 - pow(1 + l.annual_rate / 12, -l.term_months))
     ELSE l.principal / l.term_months END) / nullif(l.income, 0) AS burden
FROM ${s} s JOIN loans l ON l.loan_id = s.loan_id
LEFT JOIN agg a ON a.rid = s.rid
LEFT JOIN eps e ON e.rid = s.rid`;
  },
};
