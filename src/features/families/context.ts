/**
 * Context family of hang-up rows: when and how the attempt is made. Hours and weekdays are the borrower's local
 * wall clock (DuckDB ICU `timezone(zone, instant)`), because a call at 09:00 UTC is breakfast in one zone and
 * midnight in another. Reads an attempt spine, which carries `contact_id` besides `(rid, loan_id, as_of, cutoff)`.
 */
import { ident } from '../../warehouse/db.ts';
import { cat, type FeatureFamily, num } from './family.ts';

const F = 'context';

/** Pre-notification counts when a delivered SMS/email came at most this many hours before the attempt. */
export const PRENOTIFY_HOURS = 48;

/** Categorical code of a local hour 0–23, e.g. "09"; shared with candidate slots so vocabularies match. */
export function hourCode(hour: number): string {
  return String(hour).padStart(2, '0');
}

/** Categorical code of an ISO weekday 1 (Monday) … 7 (Sunday). */
export function weekdayCode(weekday: number): string {
  return String(weekday);
}

export const contextFamily: FeatureFamily = {
  name: F,
  features: [
    cat(F, 'local_hour', 'at {v}h local time'),
    cat(F, 'weekday', 'on ISO weekday {v}'),
    cat(F, 'channel', 'by {v}'),
    cat(F, 'purpose', 'for a {v} follow-up'),
    num(F, 'prenotified_48h', 'announced in advance ({v})'),
    num(F, 'attempts_today', '{v} earlier {attempt|attempts} that day'),
  ],
  sql(spine) {
    return `
WITH a AS (
  SELECT s.rid, s.loan_id, s.cutoff, k.channel, k.purpose, timezone(l.time_zone, s.cutoff) AS local_ts
  FROM ${ident(spine)} s JOIN contacts k ON k.contact_id = s.contact_id JOIN loans l ON l.loan_id = s.loan_id
), prev AS (
  SELECT a.rid,
    count(*) FILTER (WHERE c.channel IN ('sms', 'email') AND c.outcome = 'delivered'
      AND c.started_at >= a.cutoff - INTERVAL ${PRENOTIFY_HOURS} HOUR) AS notices,
    count(*) FILTER (WHERE c.channel = 'phone' AND c.started_at >= timezone(l.time_zone, date_trunc('day', a.local_ts)))
      AS today
  FROM a JOIN loans l ON l.loan_id = a.loan_id
  JOIN contacts c ON c.loan_id = a.loan_id AND c.direction = 'outbound' AND c.started_at < a.cutoff
    AND c.started_at >= a.cutoff - INTERVAL 2 DAY
  GROUP BY a.rid
)
SELECT a.rid,
  lpad(hour(a.local_ts)::VARCHAR, 2, '0') AS local_hour,
  isodow(a.local_ts)::VARCHAR AS weekday,
  a.channel::VARCHAR AS channel,
  a.purpose::VARCHAR AS purpose,
  (CASE WHEN coalesce(p.notices, 0) > 0 THEN 1 ELSE 0 END)::DOUBLE AS prenotified_48h,
  coalesce(p.today, 0)::DOUBLE AS attempts_today
FROM a LEFT JOIN prev p ON p.rid = a.rid`;
  },
};
