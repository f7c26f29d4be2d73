/**
 * Market family: the borrower's regional indicators. Figures for a month are published after it ends, so a
 * snapshot at as_of sees only months strictly before the as-of month; the latest such month is the reference,
 * and changes compare it with the month exactly k months earlier (NaN when that month is missing); the
 * unemployment gap compares it with the region's mean over the 36 months up to it.
 */
import { ident } from '../../warehouse/db.ts';
import { type FeatureFamily, num } from './family.ts';

const F = 'market';
const CHANGES = [3, 6, 12] as const;

export const marketFamily: FeatureFamily = {
  name: F,
  features: [
    num(F, 'hpi', 'house-price index {v}'),
    ...CHANGES.map((k) => num(F, `hpi_chg_${k}m`, `house prices moved {v} over ${k} months`, '%')),
    num(F, 'unemployment', 'unemployment {v}', '%'),
    num(F, 'unemployment_chg_12m', 'unemployment moved {v} over 12 months', 'pp'),
    num(F, 'unemployment_gap', 'unemployment {v} above its 3-year regional average', 'pp'),
    num(F, 'market_lag_months', 'latest market figures are {v} {month|months} old', 'months'),
  ],
  sql(spine) {
    return `
WITH ref AS (
  SELECT s.rid, l.region, date_trunc('month', s.as_of)::DATE AS as_of_month
  FROM ${ident(spine)} s JOIN loans l ON l.loan_id = s.loan_id
), m0 AS (
  SELECT r.rid, r.region, r.as_of_month, m.month, m.hpi, m.unemployment
  FROM ref r ASOF LEFT JOIN market m ON m.region = r.region AND r.as_of_month > m.month
), norm AS (
  -- list_avg over the frame in month order: a plain windowed avg may add in another order when later months
  -- are appended, and the last bits of a point-in-time feature must not depend on later data.
  SELECT region, month, list_avg(list(unemployment) OVER (PARTITION BY region ORDER BY month
    RANGE BETWEEN INTERVAL 35 MONTH PRECEDING AND CURRENT ROW)) AS unemployment_norm
  FROM market
)
SELECT m0.rid,
  m0.hpi::DOUBLE AS hpi,
  ${CHANGES.map((k) => `(m0.hpi / nullif(m${k}.hpi, 0) - 1)::DOUBLE AS hpi_chg_${k}m`).join(',\n  ')},
  m0.unemployment::DOUBLE AS unemployment,
  (m0.unemployment - m12.unemployment)::DOUBLE AS unemployment_chg_12m,
  -- Regions differ in their normal level; the gap to the region's own norm is what signals stress.
  (m0.unemployment - norm.unemployment_norm)::DOUBLE AS unemployment_gap,
  datesub('month', m0.month, m0.as_of_month)::DOUBLE AS market_lag_months
FROM m0
LEFT JOIN norm ON norm.region = m0.region AND norm.month = m0.month
${CHANGES.map(
  (k) =>
    `LEFT JOIN market m${k} ON m${k}.region = m0.region AND m${k}.month = (m0.month - INTERVAL ${k} MONTH)::DATE`,
).join('\n')}`;
  },
};
