/**
 * One VEVENT as a DuckDB SQL expression over temp table export_plan: the text ical-generator wrote for the same
 * row (same properties in the same order, same escaping, same date forms), unfolded. DuckDB renders it on its
 * own threads, so a million events never become a million JS objects: building one ical-generator event, its
 * dates and the row object it came from cost ~100 µs a row and most of the garbage collector's time at 1 M.
 * to-ics.ts folds the lines and writes them; test/export/ics-writer.test.ts holds this text to the old writer's.
 */
import { literal } from '../warehouse/db.ts';
import { maskedPhone } from '../warehouse/mask.ts';
import { localTime } from './fields.ts';

const CRLF = `chr(13) || chr(10)`;
const LF = 'chr(10)';

/**
 * RFC 5545 TEXT as ical-generator escapes it: `\ ; ,` get a backslash, every CRLF, CR or LF becomes `\n`. Two
 * RE2 passes (leftmost-first, so CRLF is one break): cheaper than six replace() passes, each copying the text.
 */
export function icsTextSql(expr: string): string {
  return `regexp_replace(regexp_replace(${expr}, '([\\\\;,])', '\\\\\\1', 'g'), '\\r\\n|\\r|\\n', '\\\\n', 'g')`;
}

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
 * The description's lines, as the old writer joined them (absent parts dropped by concat_ws), escaped: the
 * values one by one (escaping text is per character) and the line breaks between them written as `\n`.
 */
function descriptionSql(maskPhone: boolean): string {
  const esc = icsTextSql;
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
  const assignee = `CASE WHEN ${present('assignee')} AND assignee <> 'agent' THEN ${cat(`' ('`, esc('assignee'), `')'`)} END`;
  const lines = [
    cat(
      `'Priority: '`,
      `coalesce(${jsNumberSql('priority')}, '?')`,
      `' / 100. Channel: '`,
      esc(`coalesce(channel, '?')`),
      `'.'`,
    ),
    `CASE WHEN ${present(phone)} THEN ${cat(`'Phone: '`, esc(phone))} END`,
    cat(
      `'Local start: '`,
      `coalesce(${localTime('local_ws')}, '?')`,
      `' ('`,
      esc(`coalesce(time_zone, 'UTC')`),
      `')'`,
    ),
    `CASE WHEN ${present(prenotify)} THEN ${cat(`'Pre-notify: '`, esc(prenotify))} ELSE 'Pre-notify: none' END`,
    `CASE WHEN ${present(reasons)} THEN ${cat(`'Why:\\n'`, esc(reasons))} END`,
    `CASE WHEN ${present(codes)} THEN ${cat(`'Codes: '`, esc(codes))} END`,
    `CASE WHEN ${present('next_action')} THEN ${cat(`'Next action: '`, esc('next_action'), assignee)} END`,
    `CASE WHEN ${present(points)} THEN ${cat(`'Say:\\n'`, esc(points))} END`,
    `CASE WHEN ${present('notice_text')} THEN ${cat(`'Notice text: '`, esc('notice_text'))} END`,
  ];
  return `concat_ws('\\n', ${lines.join(',\n')})`;
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
 * SELECT of one column `e`: each export_plan row's VEVENT as UTF-8 bytes (BLOB, so JS reads them without
 * decoding), unfolded, lines ending in CRLF, in the table's order. `stampIso`: the export instant (DTSTAMP); `tzids`: zone → TZID for every zone of the plan.
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
  const lines = [
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
    icsTextSql(summary),
    CRLF,
    `'DESCRIPTION:'`,
    descriptionSql(opts.maskPhone),
    CRLF,
    `'STATUS:'`,
    `CASE WHEN ${cancelled} THEN 'CANCELLED' ELSE 'CONFIRMED' END`,
    CRLF,
    `'PRIORITY:'`,
    `CAST(${priority} AS VARCHAR)`,
    CRLF,
    `'X-FOLLOWUP-STATE:'`,
    icsTextSql('export_state'),
    CRLF,
    `'END:VEVENT'`,
    CRLF,
  ];
  return `SELECT encode(${cat(...lines)}) AS e FROM export_plan`;
}
