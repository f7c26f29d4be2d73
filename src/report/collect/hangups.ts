/**
 * Collects hang-up rates from the contact history: by the borrower's local weekday × hour (phone attempts, local
 * time via `timezone(loans.time_zone, contacts.started_at)`), by channel (all outbound attempts) and by
 * pre-notification (phone attempts with an outbound SMS/email to the same loan in the preceding window).
 * Predicted rates come from the evaluation predictions of the hang-up model (horizon 0; eval_predictions or the
 * registry's saved ones, sources.ts) joined on entity_id = contact_id.
 * Reads: contacts, loans, evaluation predictions. Writes: a temporary table (the attempts, computed once).
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

const ATTEMPTS_VIEW = `
CREATE OR REPLACE TEMP TABLE report_attempts AS
WITH att AS (
  SELECT contact_id, loan_id, started_at, channel, t AS local_ts, hung
  FROM ${withLocalTime(`SELECT c.contact_id, c.loan_id, c.started_at, c.channel, l.time_zone AS tz,
      c.outcome IN ('hung_up', 'refused') AS hung
    FROM contacts c JOIN loans l ON l.loan_id = c.loan_id
    WHERE c.direction = 'outbound'`)} AS a
), notes AS (
  SELECT loan_id, started_at AS noted_at FROM contacts
  WHERE direction = 'outbound' AND channel IN ('sms', 'email')
)
SELECT att.*, isodow(local_ts) AS weekday, hour(local_ts) AS hour,
       coalesce(n.noted_at >= att.started_at - to_hours(CAST($hours AS BIGINT)), false) AS prenotified
FROM att ASOF LEFT JOIN notes n ON n.loan_id = att.loan_id AND att.started_at > n.noted_at`;

type Row = {
  weekday?: number;
  hour?: number;
  channel?: string;
  prenotified?: boolean;
  n: number;
  rate: number;
};

function cells(rows: Row[]): HangupCell[] {
  return rows.map((r) => ({ ...r, n: Number(r.n), rate: round6(Number(r.rate)) }));
}

/** The three breakdowns of a value column (`hung` observed, or `p` predicted) over an attempts table (both internal names, never user text). */
async function breakdowns(w: Warehouse, value: string, from: string) {
  const heatmap = await w.all<Row>(
    `SELECT weekday::INTEGER AS weekday, hour::INTEGER AS hour, count(*)::INTEGER AS n, avg(${value}::DOUBLE) AS rate
     FROM ${from} WHERE channel = 'phone' GROUP BY ALL ORDER BY weekday, hour`,
  );
  const byChannel = await w.all<Row>(
    `SELECT channel, count(*)::INTEGER AS n, avg(${value}::DOUBLE) AS rate FROM ${from} GROUP BY ALL ORDER BY channel`,
  );
  const byPrenotify = await w.all<Row>(
    `SELECT prenotified, count(*)::INTEGER AS n, avg(${value}::DOUBLE) AS rate FROM ${from}
     WHERE channel = 'phone' GROUP BY ALL ORDER BY prenotified`,
  );
  return { heatmap: cells(heatmap), by_channel: cells(byChannel), by_prenotify: cells(byPrenotify) };
}

export async function collectHangups(
  w: Warehouse,
  opts: { prenotifyHours?: number; hangupModel?: string; predictions?: string | null } = {},
): Promise<Part<HangupData>> {
  for (const t of ['contacts', 'loans'])
    if (!(await tableExists(w, t)))
      return { ok: false, reason: `table ${t} does not exist (ingest it first)` };
  const hours = opts.prenotifyHours ?? DEFAULT_PRENOTIFY_HOURS;
  await w.run(ATTEMPTS_VIEW.replace('$hours', String(Math.trunc(hours)))); // a number, never user text
  const total = await w.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM report_attempts');
  if (!total || total.n === 0) return { ok: false, reason: 'no outbound contact attempts in contacts' };
  const observed = await breakdowns(w, 'hung', 'report_attempts');
  return {
    ok: true,
    value: {
      prenotify_window_hours: hours,
      observed_heatmap: observed.heatmap,
      observed_by_channel: observed.by_channel,
      observed_by_prenotify: observed.by_prenotify,
      predicted: await predicted(w, opts.hangupModel, opts.predictions ?? null),
    },
  };
}

async function predicted(
  w: Warehouse,
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
  await w.run(
    `CREATE OR REPLACE TEMP TABLE report_predicted AS
     SELECT a.*, e.p FROM report_attempts a
     JOIN (SELECT entity_id, avg(p) AS p FROM ${from}
           WHERE horizon = $h AND variant = 'network' AND model = $m GROUP BY entity_id) e
       ON e.entity_id = a.contact_id`,
    { h: HANGUP_HORIZON, m: chosen },
  );
  const n = await w.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM report_predicted');
  if (!n || n.n === 0)
    return {
      ok: false,
      reason: `no eval_predictions row of model "${chosen}" matches a contact_id in contacts`,
    };
  return { ok: true, value: await breakdowns(w, 'p', 'report_predicted') };
}
