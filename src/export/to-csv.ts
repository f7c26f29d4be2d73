/**
 * Dialer CSV: one row per follow-up, columns chosen, named and ordered by the dialer template, written by
 * DuckDB COPY (RFC 4180 quoting, CRLF line ends). Text cells are neutralized against spreadsheet formula
 * injection; the phone keeps its '+' only when the template declares `phone_format: e164` and the number is
 * strict E.164 (digits only after '+', so a spreadsheet can at worst read it as a number, never run it).
 * Reads: temp table export_plan. Writes: the CSV file.
 */
import { ident, literal, type Warehouse } from '../warehouse/db.ts';
import { E164_REGEX, isoUtc, localTime, neutralized } from './fields.ts';
import type { DialerField, DialerTemplate } from './template.ts';

const PRENOTIFY = `CASE WHEN prenotify THEN 'Send ' || upper(coalesce(prenotify_channel, 'sms')) || ' at '
  || coalesce(${localTime('local_pa')} || ' ' || time_zone, 'the agreed time') || ' announcing the call'
  || coalesce(': ' || prenotify_reason, '') ELSE 'none' END`;

/** SQL of each dialer field; `text` fields are neutralized. */
const DIALER_FIELD_SQL: Record<DialerField, { sql: string; text: boolean }> = {
  loan_id: { sql: 'loan_id', text: true },
  borrower_id: { sql: 'borrower_id', text: true },
  phone: { sql: 'phone', text: true },
  time_zone: { sql: 'time_zone', text: true },
  due_on: { sql: 'CAST(due_on AS VARCHAR)', text: false },
  local_window_start: { sql: localTime('local_ws'), text: false },
  local_window_end: { sql: localTime('local_we'), text: false },
  window_start_utc: { sql: isoUtc('window_start_utc'), text: false },
  window_end_utc: { sql: isoUtc('window_end_utc'), text: false },
  hour_start: { sql: 'hour_start', text: false },
  hour_end: { sql: 'hour_end', text: false },
  priority: { sql: 'priority', text: false },
  purpose: { sql: 'purpose', text: true },
  cycle: { sql: 'cycle', text: false },
  channel: { sql: 'channel', text: true },
  prenotify: { sql: 'prenotify', text: false },
  prenotify_instruction: { sql: PRENOTIFY, text: true },
  reason_text: { sql: "array_to_string(reasons, ' | ')", text: true },
  reason_codes: { sql: "array_to_string(reason_codes, ';')", text: true },
  earliest_on: { sql: 'CAST(earliest_on AS VARCHAR)', text: false },
  latest_on: { sql: 'CAST(latest_on AS VARCHAR)', text: false },
  hard_deadline: { sql: 'hard_deadline', text: false },
  sequence: { sql: 'sequence', text: false },
  export_state: { sql: 'export_state', text: true },
  run_id: { sql: 'run_id', text: true },
  next_action: { sql: 'next_action', text: true },
  assignee: { sql: 'assignee', text: true },
  script_id: { sql: 'script_id', text: true },
  talking_points: { sql: "array_to_string(talking_points, ' | ')", text: true },
  notice_text: { sql: 'notice_text', text: true },
  notice_segments: { sql: 'notice_segments', text: false },
  followup_id: { sql: 'followup_id', text: true },
};

function phoneSql(t: DialerTemplate): string {
  const digits = `CASE WHEN regexp_matches(phone, '${E164_REGEX}') THEN substr(phone, 2) ELSE ${neutralized('phone')} END`;
  if (t.phone_format === 'digits') return digits;
  return `CASE WHEN regexp_matches(phone, '${E164_REGEX}') THEN phone ELSE ${neutralized('phone')} END`;
}

/** The SELECT the dialer CSV is written from (exported for tests and the bench). */
export function dialerSelect(t: DialerTemplate): string {
  const cols = t.columns.map(({ field, header }) => {
    const f = DIALER_FIELD_SQL[field];
    const sql = field === 'phone' ? phoneSql(t) : f.text ? neutralized(f.sql) : f.sql;
    return `${sql} AS ${ident(header ?? field)}`;
  });
  return `SELECT ${cols.join(', ')} FROM export_plan`;
}

/** Writes the dialer CSV to `path` (a temp path the caller renames into place). */
export async function writeDialerCsv(w: Warehouse, t: DialerTemplate, path: string): Promise<void> {
  await w.run(
    `COPY (${dialerSelect(t)}) TO ${literal(path)}
     (FORMAT csv, HEADER true, DELIMITER ${literal(t.delimiter)}, QUOTE '"', ESCAPE '"', NEW_LINE '\\r\\n')`,
  );
}
