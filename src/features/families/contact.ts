/**
 * Contact family: what the lender's contact history says before the cutoff. Calls are outbound phone attempts;
 * answered means a conversation (answered, promise_to_pay, hardship); hang-ups are hung_up or refused (the
 * hang-up model's label); pre-notices are delivered outbound SMS or email. Rates are NaN when there were no calls
 * in the window.
 */
import { ident } from '../../warehouse/db.ts';
import { cat, type FeatureFamily, num } from './family.ts';

const F = 'contact';
const WINDOWS = [30, 90, 180] as const;
/** Longest look-back of the family in days; older contacts only matter for the "days since" features. */
const MAX_WINDOW = 180;

export const contactFamily: FeatureFamily = {
  name: F,
  features: [
    ...WINDOWS.flatMap((d) => [
      num(F, `calls_${d}d`, `{v} {call|calls} in the last ${d} days`),
      num(F, `answered_${d}d`, `{v} answered {call|calls} in the last ${d} days`),
      num(F, `hangups_${d}d`, `{v} {hang-up or refusal|hang-ups or refusals} in the last ${d} days`),
      num(F, `answer_rate_${d}d`, `answered {v} of calls in the last ${d} days`, '%'),
      num(F, `hangup_rate_${d}d`, `hung up on {v} of calls in the last ${d} days`, '%'),
    ]),
    num(F, 'inbound_180d', '{v} {contact|contacts} from the borrower in the last 180 days'),
    num(F, 'prenotices_90d', '{v} advance {notice|notices} (SMS/email) in the last 90 days'),
    num(F, 'days_since_answered', 'last answered contact {v} {day|days} ago', 'days'),
    num(F, 'days_since_contact', 'last contact of any kind {v} {day|days} ago', 'days'),
    cat(F, 'last_outcome', 'last contact ended as {v}'),
  ],
  sql(spine) {
    const s = ident(spine);
    return `
WITH c AS (
  SELECT s.rid, c.contact_id, c.started_at, c.outcome,
    c.direction = 'outbound' AND c.channel = 'phone' AS is_call,
    c.outcome IN ('answered', 'promise_to_pay', 'hardship') AS is_answered,
    c.outcome IN ('hung_up', 'refused') AS is_hangup,
    c.direction = 'outbound' AND c.channel IN ('sms', 'email') AND c.outcome = 'delivered' AS is_notice,
    c.direction = 'inbound' AS is_inbound,
    -- epoch_us arithmetic: subtracting timestamps yields INTERVALs, which are ~25x slower to turn into days.
    (epoch_us(s.cutoff) - epoch_us(c.started_at)) / 86400e6 AS age_d
  FROM ${s} s JOIN contacts c ON c.loan_id = s.loan_id AND c.started_at < s.cutoff
), agg AS (
  SELECT rid,
    ${WINDOWS.map(
      (d) => `count(*) FILTER (WHERE is_call AND age_d <= ${d}) AS calls_${d}d,
    count(*) FILTER (WHERE is_call AND is_answered AND age_d <= ${d}) AS answered_${d}d,
    count(*) FILTER (WHERE is_call AND is_hangup AND age_d <= ${d}) AS hangups_${d}d`,
    ).join(',\n    ')},
    count(*) FILTER (WHERE is_inbound AND age_d <= ${MAX_WINDOW}) AS inbound_180d,
    count(*) FILTER (WHERE is_notice AND age_d <= 90) AS prenotices_90d,
    min(age_d) FILTER (WHERE is_answered) AS days_since_answered,
    min(age_d) AS days_since_contact,
    arg_max(outcome, {t: started_at, id: contact_id}) AS last_outcome
  FROM c GROUP BY rid
)
SELECT s.rid,
  ${WINDOWS.map(
    (d) => `coalesce(a.calls_${d}d, 0)::DOUBLE AS calls_${d}d,
  coalesce(a.answered_${d}d, 0)::DOUBLE AS answered_${d}d,
  coalesce(a.hangups_${d}d, 0)::DOUBLE AS hangups_${d}d,
  (a.answered_${d}d / nullif(a.calls_${d}d, 0))::DOUBLE AS answer_rate_${d}d,
  (a.hangups_${d}d / nullif(a.calls_${d}d, 0))::DOUBLE AS hangup_rate_${d}d`,
  ).join(',\n  ')},
  coalesce(a.inbound_180d, 0)::DOUBLE AS inbound_180d,
  coalesce(a.prenotices_90d, 0)::DOUBLE AS prenotices_90d,
  a.days_since_answered::DOUBLE AS days_since_answered,
  a.days_since_contact::DOUBLE AS days_since_contact,
  a.last_outcome::VARCHAR AS last_outcome
FROM ${s} s LEFT JOIN agg a ON a.rid = s.rid`;
  },
};
