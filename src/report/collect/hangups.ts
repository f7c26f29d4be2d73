/**
 * Collects hang-up rates from the contact history: by the borrower's local weekday × hour (phone attempts, local
 * time via `timezone(loans.time_zone, contacts.started_at)`), by channel (all outbound attempts) and by
 * pre-notification (phone attempts with an outbound SMS/email to the same loan in the preceding window).
 * Predicted rates come from the evaluation predictions of the hang-up model (horizon 0; eval_predictions or the
 * registry's saved ones, sources.ts) joined on entity_id = contact_id.
 * Reads: contacts, loans, evaluation predictions. Writes: a temporary table (the hang-up model's predictions by
 * contact), dropped before it returns.
 */
import type { Warehouse } from '../../warehouse/db.ts';
import { tableExists } from '../../warehouse/introspect.ts';
import { withLocalTime } from '../../warehouse/local-time.ts';
import { HANGUP_HORIZON } from '../../warehouse/report-inputs.ts';
import { round6 } from '../metrics/util.ts';
import type { HangupCell, HangupData, Part } from '../types.ts';

/** Outcomes that count as a hang-up (挂断) in rates: the borrower ended or refused the contact. */
export const HANGUP_OUTCOMES = ['hung_up', 'refused'] as const;

/** Default pre-notification window in hours (an SMS/email this long before a call counts as notice). */
export const DEFAULT_PRENOTIFY_HOURS = 48;

/** What a breakdown counts: a value (`hung` observed, or `p` predicted) of outbound attempts, from `join`. */
interface Attempts {
  /** SQL of the value, over contacts `c`, loans `l` and what `join` adds. */
  value: string;
  join: string;
}

/** Outbound attempts `c` of the loans `l` (and `join`), with the value as `v`; `where` narrows them further. */
function outboundSql(a: Attempts, columns: string, where = ''): string {
  return `SELECT ${columns}, ${a.value} AS v
    FROM contacts c JOIN loans l ON l.loan_id = c.loan_id ${a.join}
    WHERE c.direction = 'outbound' ${where}`;
}

/**
 * Outbound phone attempts with the borrower-local weekday and hour and whether an outbound SMS/email to the same
 * loan came within `hours` before.
 */
function phoneAttemptsSql(hours: number, a: Attempts): string {
  return `WITH att AS (
    SELECT * EXCLUDE (tz), t AS local_ts
    FROM ${withLocalTime(outboundSql(a, 'c.loan_id, c.started_at, l.time_zone AS tz', "AND c.channel = 'phone'"))} AS a
  ), notes AS (
    SELECT loan_id, started_at AS noted_at FROM contacts
    WHERE direction = 'outbound' AND channel IN ('sms', 'email')
  )
  SELECT att.*, isodow(local_ts) AS weekday, hour(local_ts) AS hour,
    coalesce(n.noted_at >= att.started_at - to_hours(CAST(${Math.trunc(hours)} AS BIGINT)), false) AS prenotified
  FROM att ASOF LEFT JOIN notes n ON n.loan_id = att.loan_id AND att.started_at > n.noted_at`;
}

type Row = {
  /** Which breakdown (GROUPING of weekday, hour, prenotified): 1 heatmap, 6 by pre-notification. */
  g: number;
  weekday: number | null;
  hour: number | null;
  prenotified: boolean | null;
  n: number;
  rate: number;
};

const HEATMAP = 1;
const BY_PRENOTIFY = 6;

/**
 * The three breakdowns of a value over attempts: by channel (all outbound attempts), and, for phone attempts, the
 * local weekday × hour heatmap and the pre-notification split in one pass. Only the phone attempts need their
 * local time and the notice before them (9.3 M of 11.2 M outbound attempts at a million borrowers), so the
 * channel split is counted apart, without either. (A temporary table of the attempts, read again by three scans,
 * took 15-17 s to build and raised the report's resident memory to 3.7 GB.)
 */
async function breakdowns(w: Warehouse, hours: number, a: Attempts) {
  const channels = await w.all<{ channel: string | null; n: number; rate: number }>(
    `SELECT channel, count(*)::INTEGER AS n, avg(v::DOUBLE) AS rate
     FROM (${outboundSql(a, 'c.channel')}) GROUP BY channel ORDER BY channel`,
  );
  const rows = await w.all<Row>(
    `SELECT grouping(weekday, hour, prenotified)::INTEGER AS g, weekday::INTEGER AS weekday, hour::INTEGER AS hour,
       prenotified, count(*)::INTEGER AS n, avg(v::DOUBLE) AS rate
     FROM (${phoneAttemptsSql(hours, a)})
     GROUP BY GROUPING SETS ((weekday, hour), (prenotified))
     ORDER BY g, weekday, hour, prenotified`,
  );
  const cell = (r: { n: number; rate: number }) => ({ n: Number(r.n), rate: round6(Number(r.rate)) });
  return {
    heatmap: rows
      .filter((r) => r.g === HEATMAP)
      .map((r) => ({ weekday: r.weekday, hour: r.hour, ...cell(r) })) as HangupCell[],
    by_channel: channels.map((r) => ({ channel: r.channel, ...cell(r) })) as HangupCell[],
    by_prenotify: rows
      .filter((r) => r.g === BY_PRENOTIFY)
      .map((r) => ({
        prenotified: r.prenotified,
        ...cell(r),
      })) as HangupCell[],
  };
}

export async function collectHangups(
  w: Warehouse,
  opts: { prenotifyHours?: number; hangupModel?: string; predictions?: string | null } = {},
): Promise<Part<HangupData>> {
  for (const t of ['contacts', 'loans'])
    if (!(await tableExists(w, t)))
      return { ok: false, reason: `table ${t} does not exist (ingest it first)` };
  const hours = opts.prenotifyHours ?? DEFAULT_PRENOTIFY_HOURS;
  const observed = await breakdowns(w, hours, {
    value: `c.outcome IN (${HANGUP_OUTCOMES.map((o) => `'${o}'`).join(', ')})`,
    join: '',
  });
  if (observed.by_channel.length === 0)
    return { ok: false, reason: 'no outbound contact attempts in contacts' };
  return {
    ok: true,
    value: {
      prenotify_window_hours: hours,
      observed_heatmap: observed.heatmap,
      observed_by_channel: observed.by_channel,
      observed_by_prenotify: observed.by_prenotify,
      predicted: await predicted(w, hours, opts.hangupModel, opts.predictions ?? null),
    },
  };
}

async function predicted(
  w: Warehouse,
  hours: number,
  model: string | undefined,
  from: string | null,
): Promise<HangupData['predicted']> {
  if (from === null)
    return { ok: false, reason: 'table eval_predictions does not exist (run the evaluate stage first)' };
  // An older warehouse's table may lack entity_id (the registry's files always carry it).
  const cols = await w.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${from}`);
  if (!cols.some((c) => c.column_name === 'entity_id'))
    return { ok: false, reason: 'eval_predictions has no entity_id column to join predictions to contacts' };
  const chosen =
    model ??
    (
      await w.one<{ model: string }>(
        `SELECT min(model) AS model FROM ${from} WHERE horizon = ? AND variant = 'network' AND entity_id IS NOT NULL`,
        [HANGUP_HORIZON],
      )
    )?.model;
  if (!chosen)
    return {
      ok: false,
      reason: 'eval_predictions has no hang-up model rows (horizon 0, network) with contact ids',
    };
  // Only the attempts with a prediction: the evaluation's contacts, a small part of the book. Materialized first:
  // joined as a subquery over the report's union of the warehouse's table and the registry's files, DuckDB
  // planned the 11 M attempts around it (the section took 93-118 s instead of 10-13 s at a million borrowers).
  await w.run(
    `CREATE OR REPLACE TEMP TABLE report_hangup_p AS
     SELECT entity_id, avg(p) AS p FROM ${from}
     WHERE horizon = $h AND variant = 'network' AND model = $m GROUP BY entity_id`,
    { h: HANGUP_HORIZON, m: chosen },
  );
  const value = await breakdowns(w, hours, {
    value: 'e.p',
    join: 'JOIN temp.report_hangup_p e ON e.entity_id = c.contact_id',
  });
  await w.run('DROP TABLE temp.report_hangup_p');
  if (value.by_channel.length === 0)
    return {
      ok: false,
      reason: `no eval_predictions row of model "${chosen}" matches a contact_id in contacts`,
    };
  return { ok: true, value };
}
