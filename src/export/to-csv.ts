/**
 * Dialer CSV: one row per follow-up, columns chosen, named and ordered by the dialer template, written by
 * DuckDB COPY (RFC 4180 quoting, CRLF line ends). Text cells are neutralized against spreadsheet formula
 * injection; the phone keeps its '+' (`phone_format: e164`, the default) only when the number is strict E.164
 * (digits only after '+', so a spreadsheet can at worst read it as a number, never run it). Text cells longer
 * than `max_cell_chars` are cut, ending in '…'. With `excel`, a UTF-8 BOM leads the file and the phone is the
 * text formula ="+…" (strict E.164 only).
 * Reads: temp table export_plan. Writes: the CSV file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ident, literal, type Warehouse } from '../warehouse/db.ts';
import { E164_REGEX, isoUtcSql, localTime, neutralized } from './fields.ts';
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
  window_start_utc: { sql: isoUtcSql('window_start_utc'), text: false },
  window_end_utc: { sql: isoUtcSql('window_end_utc'), text: false },
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
  const strict = `regexp_matches(phone, '${E164_REGEX}')`;
  const value = t.phone_format === 'digits' ? 'substr(phone, 2)' : 'phone';
  const cell = t.excel ? `'="' || ${value} || '"'` : value;
  return `CASE WHEN ${strict} THEN ${cell} ELSE ${neutralized('phone')} END`;
}

/** A text cell cut to `max` characters, the last one '…' (0: no cap). */
function capped(expr: string, max: number): string {
  if (max === 0) return expr;
  return `CASE WHEN length(${expr}) > ${max} THEN left(${expr}, ${max - 1}) || '…' ELSE ${expr} END`;
}

/** The text cells of the template, as SQL before capping (the cap applies to them only). */
function textCells(t: DialerTemplate): string[] {
  return t.columns
    .filter(({ field }) => field !== 'phone' && DIALER_FIELD_SQL[field].text)
    .map(({ field }) => neutralized(DIALER_FIELD_SQL[field].sql));
}

/** Date and local-time columns in the template's formats (`date_format`, `datetime_format`), when it sets them. */
function formattedSql(t: DialerTemplate): Partial<Record<DialerField, string>> {
  const out: Partial<Record<DialerField, string>> = {};
  if (t.date_format)
    for (const f of ['due_on', 'earliest_on', 'latest_on'] as const)
      out[f] = `strftime(CAST(${f} AS DATE), ${literal(t.date_format)})`;
  if (t.datetime_format) {
    out.local_window_start = `strftime(local_ws, ${literal(t.datetime_format)})`;
    out.local_window_end = `strftime(local_we, ${literal(t.datetime_format)})`;
  }
  return out;
}

/** The SELECT the dialer CSV is written from (exported for tests and the bench). */
export function dialerSelect(t: DialerTemplate): string {
  const formatted = formattedSql(t);
  const cols = t.columns.map(({ field, header }) => {
    const f = { ...DIALER_FIELD_SQL[field], ...(formatted[field] ? { sql: formatted[field] } : {}) };
    const sql =
      field === 'phone' ? phoneSql(t) : f.text ? capped(neutralized(f.sql), t.max_cell_chars) : f.sql;
    return `${sql} AS ${ident(header ?? field)}`;
  });
  return `SELECT ${cols.join(', ')} FROM export_plan`;
}

/** Writes the dialer CSV to `path` (a temp path the caller renames into place); returns the cells cut. */
export async function writeDialerCsv(w: Warehouse, t: DialerTemplate, path: string): Promise<number> {
  const body = t.excel ? `${path}.body` : path;
  await w.run(
    `COPY (${dialerSelect(t)}) TO ${literal(body)}
     (FORMAT csv, HEADER true, DELIMITER ${literal(t.delimiter)}, QUOTE '"', ESCAPE '"', NEW_LINE '\\r\\n')`,
  );
  if (t.excel) {
    // DuckDB cannot write a byte-order mark: the file is the BOM followed by the body, streamed.
    try {
      await writeFile(path, '\uFEFF');
      await pipeline(createReadStream(body), createWriteStream(path, { flags: 'a' }));
    } finally {
      await rm(body, { force: true });
    }
  }
  const cells = textCells(t);
  if (t.max_cell_chars === 0 || cells.length === 0) return 0;
  const r = await w.one<{ n: bigint }>(
    // A NULL cell (e.g. no script text) counts as not cut; without the coalesce it would void its row's sum.
    `SELECT coalesce(sum(${cells.map((c) => `coalesce((length(${c}) > ${t.max_cell_chars})::INTEGER, 0)`).join(' + ')}), 0) AS n FROM export_plan`,
  );
  return Number(r?.n ?? 0);
}
