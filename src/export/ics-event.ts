/**
 * One VEVENT as a DuckDB SQL expression over temp table export_plan: the text ical-generator wrote for the same
 * row (same properties in the same order, same date forms), unfolded, its two free texts (SUMMARY, DESCRIPTION)
 * not yet escaped. DuckDB renders it, so a million events never become a million JS objects: building one
 * ical-generator event, its dates and the row object it came from cost ~100 µs a row and most of the garbage
 * collector's time at 1 M. to-ics.ts escapes the texts on their bytes, folds the lines and writes them;
 * test/export/ics-writer.test.ts holds the result to the old writer's.
 */
import { literal } from '../warehouse/db.ts';
import { maskedPhone } from '../warehouse/mask.ts';
import { localTime } from './fields.ts';

const CRLF = `chr(13) || chr(10)`;
const LF = 'chr(10)';

/** One string of many parts in one allocation: a chain of `||` copies the growing string at every step. */
function cat(...parts: string[]): string {
  return `concat(${parts.join(', ')})`;
}

/**
 * A DOUBLE spelled as JS `String(number)` spells it, so the description reads as before. DuckDB agrees with JS
 * (shortest round-trip digits) except for integers (`36.0`), exponents below 1e-4 (`1.5e-05` vs `0.000015`,
 * `1e-07` vs `1e-7`) and the non-finite values.
 */
export function jsNumberSql(x: string): string {
  const s = `CAST(${x} AS VARCHAR)`;
  // Parts of DuckDB's exponent form `-d.ddde-0k`: sign, digits without the point, the exponent k.
  const sign = `CASE WHEN ${x} < 0 THEN '-' ELSE '' END`;
  const digits = `replace(regexp_extract(${s}, '^-?([0-9.]+)e', 1), '.', '')`;
  const mantissa = `regexp_extract(${s}, '^-?([0-9.]+)e', 1)`;
  const k = `CAST(regexp_extract(${s}, 'e-([0-9]+)$', 1) AS INTEGER)`;
  return `CASE WHEN ${x} IS NULL THEN NULL
    WHEN isnan(${x}) THEN 'NaN'
    WHEN isinf(${x}) THEN CASE WHEN ${x} > 0 THEN 'Infinity' ELSE '-Infinity' END
    WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e21 THEN CAST(CAST(${x} AS HUGEINT) AS VARCHAR)
    WHEN abs(${x}) >= 1e-4 THEN ${s}
    WHEN abs(${x}) >= 1e-6 THEN ${sign} || '0.' || repeat('0', ${k} - 1) || ${digits}
    ELSE ${sign} || ${mantissa} || 'e-' || CAST(${k} AS VARCHAR) END`;
}

/** `encodeURIComponent`: DuckDB's url_encode escapes `! * ' ( )` too, which JS leaves as they are. */
function uriComponentSql(expr: string): string {
  let out = `url_encode(${expr})`;
  for (const [code, ch] of [
    ['%21', '!'],
    ['%2A', '*'],
    ['%27', "''"],
    ['%28', '('],
    ['%29', ')'],
  ])
    out = `replace(${out}, '${code}', '${ch}')`;
  return out;
}

/** The followupUid of the row. */
function uidSql(): string {
  return `${uriComponentSql('loan_id')} || '.' || purpose || '.' || CAST(cycle AS VARCHAR) || '@followup'`;
}

/** A text that is present: JS truthiness of a string (NULL and '' are absent). */
function present(expr: string): string {
  return `coalesce(${expr}, '') <> ''`;
}

/**
 * The description's lines as the old writer made them: absent parts dropped (concat_ws), joined with LF, not yet
 * escaped. to-ics.ts escapes the whole text at once, as ical-generator escaped the joined lines, so a value that
 * ends in a lone CR makes one break with the LF after it there too. The literals here have no `\ ; ,`.
 * Escaping in DuckDB (two RE2 passes over every text, on one thread) was most of its render time at 1 M.
 */
function descriptionSql(maskPhone: boolean): string {
  const phone = maskPhone ? maskedPhone() : 'phone';
  const prenotify = `CASE WHEN prenotify THEN ${cat(
    `upper(coalesce(prenotify_channel, 'sms'))`,
    `' at '`,
    `coalesce(${localTime('local_pa')}, '?')`,
    `' — ' || prenotify_reason`,
  )} END`;
  const reasons = `array_to_string(reasons, ${LF})`;
  const codes = `array_to_string(reason_codes, ', ')`;
  const points = `'- ' || array_to_string(talking_points, ${LF} || '- ')`;
  const assignee = `CASE WHEN ${present('assignee')} AND assignee <> 'agent' THEN ${cat(`' ('`, 'assignee', `')'`)} END`;
  const lines = [
    cat(
      `'Priority: '`,
      `coalesce(${jsNumberSql('priority')}, '?')`,
      `' / 100. Channel: '`,
      `coalesce(channel, '?')`,
      `'.'`,
    ),
    `CASE WHEN ${present(phone)} THEN ${cat(`'Phone: '`, phone)} END`,
    cat(
      `'Local start: '`,
      `coalesce(${localTime('local_ws')}, '?')`,
      `' ('`,
      `coalesce(time_zone, 'UTC')`,
      `')'`,
    ),
    `CASE WHEN ${present(prenotify)} THEN ${cat(`'Pre-notify: '`, prenotify)} ELSE 'Pre-notify: none' END`,
    `CASE WHEN ${present(reasons)} THEN ${cat(`'Why:'`, LF, reasons)} END`,
    `CASE WHEN ${present(codes)} THEN ${cat(`'Codes: '`, codes)} END`,
    `CASE WHEN ${present('next_action')} THEN ${cat(`'Next action: '`, 'next_action', assignee)} END`,
    `CASE WHEN ${present(points)} THEN ${cat(`'Say:'`, LF, points)} END`,
    `CASE WHEN ${present('notice_text')} THEN ${cat(`'Notice text: '`, 'notice_text')} END`,
  ];
  return `concat_ws(${LF}, ${lines.join(',\n')})`;
}

/**
 * DTSTART and DTEND. A zoned row (a VTIMEZONE is written for its zone) carries its local wall times with TZID;
 * any other row is in UTC (…Z), a cancellation without a window anchored at the export time for an hour.
 * Start and end are swapped when reversed, as ical-generator does.
 */
function datesSql(tzid: string, stamp: string): string {
  const zoned = `(${tzid} NOT IN ('UTC', 'Etc/UTC') AND local_ws IS NOT NULL AND local_we IS NOT NULL)`;
  const start = `coalesce(window_start_utc, ${stamp})`;
  const end = `coalesce(window_end_utc, ${start} + INTERVAL 1 HOUR)`;
  const wall = (t: string) => `strftime(${t}, '%Y%m%dT%H%M%S')`;
  const utc = (t: string) => `strftime(${t}, '%Y%m%dT%H%M%SZ')`;
  return `CASE WHEN ${zoned}
    THEN ${cat(`'DTSTART;TZID='`, tzid, `':'`, wall('least(local_ws, local_we)'), CRLF, `'DTEND;TZID='`, tzid, `':'`, wall('greatest(local_ws, local_we)'))}
    ELSE ${cat(`'DTSTART:'`, utc(`least(${start}, ${end})`), CRLF, `'DTEND:'`, utc(`greatest(${start}, ${end})`))} END`;
}

/** TZID per IANA zone of the plan (the VTIMEZONE's canonical name); 'UTC' for a row without a zone. */
function tzidSql(tzids: ReadonlyMap<string, string>): string {
  if (tzids.size === 0) return `'UTC'`;
  const arms = [...tzids].map(([zone, tzid]) => `WHEN ${literal(zone)} THEN ${literal(tzid)}`);
  return `CASE time_zone ${arms.join(' ')} ELSE 'UTC' END`;
}

/**
 * SELECT of each export_plan row's VEVENT, in the table's order, lines ending in CRLF, unfolded: `e` its bytes
 * (UTF-8 as BLOB, so JS reads them without decoding), in four parts whose octet lengths are `h`, `s` and `d`:
 * the head (BEGIN:VEVENT up to `SUMMARY:`), the summary and the description (`DESCRIPTION:` itself is not in
 * `e`: the writer puts it between them), both unescaped, then the tail (CRLF, STATUS … END:VEVENT, CRLF).
 * `stampIso`: the export instant (DTSTAMP); `tzids`: zone → TZID for every zone of the plan.
 */
export function icsEventsSql(opts: {
  maskPhone: boolean;
  stampIso: string;
  tzids: ReadonlyMap<string, string>;
}): string {
  const stamp = `CAST(${literal(opts.stampIso)} AS TIMESTAMPTZ)`;
  const tzid = tzidSql(opts.tzids);
  const cancelled = `export_state = 'cancelled'`;
  const summary = cat(
    `CASE WHEN ${cancelled} THEN 'CANCELLED: ' ELSE '' END`,
    `'Follow-up '`,
    'purpose',
    `' #'`,
    'CAST(cycle AS VARCHAR)',
    `', loan '`,
    'loan_id',
  );
  // ICS PRIORITY 1 (highest) … 9 (lowest) from the 0–100 follow-up priority; 0 (undefined) without one.
  const priority = `CASE WHEN priority IS NULL THEN 0
    ELSE CAST(least(9, greatest(1, 10 - ceil(priority / 10))) AS INTEGER) END`;
  // The event's lines, each followed by CRLF, as one concat (NULL parts would be empty: none can be NULL).
  const head = [
    `'BEGIN:VEVENT'`,
    CRLF,
    `'UID:'`,
    uidSql(),
    CRLF,
    `'SEQUENCE:'`,
    'CAST(sequence AS VARCHAR)',
    CRLF,
    `'DTSTAMP:'`,
    `strftime(${stamp}, '%Y%m%dT%H%M%SZ')`,
    CRLF,
    datesSql(tzid, stamp),
    CRLF,
    `'SUMMARY:'`,
  ];
  // export_state is one of new, changed, unchanged, cancelled: nothing in it to escape.
  const tail = [
    CRLF,
    `'STATUS:'`,
    `CASE WHEN ${cancelled} THEN 'CANCELLED' ELSE 'CONFIRMED' END`,
    CRLF,
    `'PRIORITY:'`,
    `CAST(${priority} AS VARCHAR)`,
    CRLF,
    `'X-FOLLOWUP-STATE:'`,
    'export_state',
    CRLF,
    `'END:VEVENT'`,
    CRLF,
  ];
  return `SELECT encode(concat(head, summary, description, tail)) AS e,
      CAST(strlen(head) AS INTEGER) AS h, CAST(strlen(summary) AS INTEGER) AS s,
      CAST(strlen(description) AS INTEGER) AS d
    FROM (SELECT ${cat(...head)} AS head, ${summary} AS summary, ${descriptionSql(opts.maskPhone)} AS description,
      ${cat(...tail)} AS tail FROM export_plan)`;
}
