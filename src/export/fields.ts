/**
 * SQL expressions shared by the exporters, evaluated by DuckDB over temp table export_plan so a million rows
 * never pass through JS for formatting. All take trusted column expressions, never user text.
 */

import { ident } from '../warehouse/db.ts';
import { maskedPhone } from '../warehouse/mask.ts';

/** ISO 8601 UTC with milliseconds, as JS `Date.toISOString()` prints it. The session zone is UTC (db.ts). */
export function isoUtcSql(col: string): string {
  return `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
}

/** Local wall time `YYYY-MM-DD HH:MM` from a wall-time column of export_plan (local_ws, local_we, local_pa). */
export function localTime(localCol: string): string {
  return `strftime(${localCol}, '%Y-%m-%d %H:%M')`;
}

/** A strict E.164 number: '+', a non-zero digit, 6–14 more digits. Nothing a spreadsheet could execute. */
export const E164_REGEX = '^\\+[1-9][0-9]{6,14}$';

/**
 * OWASP CSV-injection guidance: a cell starting with = + - @ TAB or CR is prefixed with a single quote so a
 * spreadsheet shows it as text instead of evaluating it.
 */
export function neutralized(expr: string): string {
  return `CASE WHEN left(${expr}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${expr} ELSE ${expr} END`;
}

/**
 * The full record (JSON Lines, Parquet, webhook data): every recommendation column, plus the phone (masked on
 * request) and the export bookkeeping. With `iso`, dates become YYYY-MM-DD and instants ISO 8601 UTC strings.
 * Returns [name, SQL] pairs so callers can build a SELECT list or a STRUCT.
 */
export function recordFields(cols: string[], opts: { maskPhone: boolean; iso: boolean }): [string, string][] {
  const timestamps = new Set(['window_start_utc', 'window_end_utc', 'prenotify_at_utc']);
  const dates = new Set(['as_of', 'due_on', 'earliest_on', 'latest_on']);
  const out: [string, string][] = cols.map((c) => {
    const q = ident(c);
    if (opts.iso && timestamps.has(c)) return [c, isoUtcSql(q)];
    if (opts.iso && dates.has(c)) return [c, `CAST(${q} AS VARCHAR)`];
    return [c, q];
  });
  out.push(['phone', opts.maskPhone ? maskedPhone() : 'phone']);
  out.push(['export_state', 'export_state'], ['sequence', 'sequence'], ['version_hash', 'version_hash']);
  return out;
}

/** `expr AS "name", …` of the full record. */
export function recordSelect(cols: string[], opts: { maskPhone: boolean; iso: boolean }): string {
  return recordFields(cols, opts)
    .map(([n, e]) => `${e} AS ${ident(n)}`)
    .join(', ');
}

/** `{'name': expr, …}` of the full record, for to_json. */
export function recordStruct(cols: string[], opts: { maskPhone: boolean; iso: boolean }): string {
  return `{${recordFields(cols, opts)
    .map(([n, e]) => `'${n.replaceAll("'", "''")}': ${e}`)
    .join(', ')}}`;
}
