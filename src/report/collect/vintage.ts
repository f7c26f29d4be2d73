/**
 * Vintage curves and roll rates from the repayment history.
 *
 *   days past due of a loan at date D = D − the due date of its earliest installment unpaid at D (0 when none)
 *   30+ DPD onset = the first due date + 30 days at which that installment was still unpaid (as the labels define it)
 *   vintage curve: per half-year of disbursement, the share of its loans that reached 30+ DPD by each month on
 *                  book, up to the month on book its youngest loan has reached by the data end
 *   roll rates: per month end of the last 12 months, each active loan's bucket (current, 1–29, 30–59, 60–89, 90+)
 *               and the next month end's; shares per starting bucket, pooled over the months
 *
 * Reads: loans, repayments, contacts (for the data end). Writes: nothing.
 */
import { defaultDataEnd } from '../../features/index.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import { tableExists } from '../../warehouse/introspect.ts';
import { round6 } from '../metrics/util.ts';
import type { Part, VintageData } from '../types.ts';

/** DPD buckets in order (domain.md). */
export const BUCKETS = ['current', '1-29', '30-59', '60-89', '90+'] as const;

const BUCKET_SQL = (dpd: string) =>
  `CASE WHEN ${dpd} <= 0 THEN 'current' WHEN ${dpd} < 30 THEN '1-29' WHEN ${dpd} < 60 THEN '30-59'
        WHEN ${dpd} < 90 THEN '60-89' ELSE '90+' END`;

export async function collectVintage(w: Warehouse): Promise<Part<VintageData>> {
  for (const t of ['loans', 'repayments'])
    if (!(await tableExists(w, t)))
      return { ok: false, reason: `table ${t} does not exist (run ingest first)` };
  const dataEnd = await defaultDataEnd(w);
  if (!dataEnd) return { ok: false, reason: 'repayments and contacts are empty: no data end' };
  const curves = await w.all<VintageData['curves'][number]>(
    `WITH onset AS (
       SELECT loan_id, min(due_on + INTERVAL 30 DAY)::DATE AS onset FROM repayments
       WHERE (paid_on IS NULL OR paid_on > due_on + INTERVAL 30 DAY) AND due_on + INTERVAL 30 DAY <= $1::DATE
       GROUP BY loan_id),
     l AS (
       SELECT l.loan_id, l.disbursed_on,
              year(l.disbursed_on) || '-H' || (CASE WHEN month(l.disbursed_on) <= 6 THEN 1 ELSE 2 END) AS vintage,
              date_diff('month', l.disbursed_on, o.onset) + 1 AS onset_mob,
              date_diff('month', l.disbursed_on, $1::DATE) AS seen
       FROM loans l LEFT JOIN onset o USING (loan_id) WHERE l.disbursed_on <= $1::DATE),
     -- a vintage's curve runs only as far as every one of its loans was observed: past that, the share would be
     -- over its oldest loans only and could fall, which a cumulative curve cannot
     v AS (SELECT vintage, count(*) AS n, min(seen) AS all_seen FROM l GROUP BY vintage HAVING count(*) >= 20),
     -- loans by the month on book they reached 30+ DPD, summed up to each month on book (rather than every loan
     -- joined to every month on book: 120 rows a loan)
     h AS (SELECT vintage, onset_mob, count(*) AS bads FROM l WHERE onset_mob IS NOT NULL GROUP BY ALL),
     grid AS (SELECT v.vintage, m.mob, v.n FROM v JOIN range(1, 121) m(mob) ON v.all_seen >= m.mob)
     SELECT g.vintage, g.mob::INTEGER AS mob, g.n::INTEGER AS n, coalesce(sum(h.bads), 0)::INTEGER AS bads
     FROM grid g LEFT JOIN h ON h.vintage = g.vintage AND h.onset_mob <= g.mob
     GROUP BY g.vintage, g.mob, g.n ORDER BY g.vintage, g.mob`,
    [dataEnd],
  );
  // A loan's DPD at a month end is the days since the earliest installment then due and unpaid. Joining every
  // month end to every installment due by it (131 M pairs at a million borrowers) cost 9-10 s; an installment can
  // only be unpaid at a month end when it is still unpaid at the end of its own due month, so only those are
  // joined (550 k of 15.6 M there), and the loans then active come from their first due date alone.
  const rolls = await w.all<{ from: string; to: string; n: number }>(
    `WITH me AS (
       SELECT last_day(d::DATE) AS d FROM range(
         date_trunc('month', $1::DATE) - INTERVAL 12 MONTH, date_trunc('month', $1::DATE), INTERVAL 1 MONTH) t(d)),
     first_due AS (
       SELECT r.loan_id, min(r.due_on) AS first_due, any_value(l.maturity_on) AS maturity_on
       FROM repayments r JOIN loans l ON l.loan_id = r.loan_id GROUP BY r.loan_id),
     late AS (
       SELECT loan_id, due_on, paid_on FROM repayments
       WHERE due_on <= (SELECT max(d) FROM me) AND (paid_on IS NULL OR paid_on > last_day(due_on))
         AND (paid_on IS NULL OR paid_on > (SELECT min(d) FROM me))),
     overdue AS (
       SELECT me.d, late.loan_id, min(late.due_on) AS oldest
       FROM me JOIN late ON late.due_on <= me.d AND (late.paid_on IS NULL OR late.paid_on > me.d)
       GROUP BY ALL),
     dpd AS (
       SELECT me.d, f.loan_id, coalesce(date_diff('day', o.oldest, me.d), 0) AS dpd
       FROM me JOIN first_due f ON f.first_due <= me.d AND f.maturity_on > me.d
         LEFT JOIN overdue o ON o.loan_id = f.loan_id AND o.d = me.d)
     SELECT ${BUCKET_SQL('a.dpd')} AS "from", ${BUCKET_SQL('b.dpd')} AS "to", count(*)::INTEGER AS n
     FROM dpd a JOIN dpd b ON b.loan_id = a.loan_id AND b.d = last_day(a.d + INTERVAL 1 MONTH)
     GROUP BY ALL`,
    [dataEnd],
  );
  const totals = new Map<string, number>();
  for (const r of rolls) totals.set(r.from, (totals.get(r.from) ?? 0) + r.n);
  const roll_rates = BUCKETS.flatMap((from) =>
    BUCKETS.map((to) => {
      const n = rolls.find((r) => r.from === from && r.to === to)?.n ?? 0;
      const total = totals.get(from) ?? 0;
      return { from, to, n, share: total ? round6(n / total) : 0 };
    }),
  ).filter((r) => (totals.get(r.from) ?? 0) > 0);
  if (!curves.length && !roll_rates.length)
    return { ok: false, reason: 'no loan has a month on book before the data end' };
  return {
    ok: true,
    value: {
      data_end: dataEnd,
      curves: curves.map((c) => ({ ...c, rate: round6(c.bads / c.n) })),
      roll_rates,
    },
  };
}
