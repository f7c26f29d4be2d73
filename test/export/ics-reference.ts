/**
 * The iCalendar writer as it was before ics-event.ts (one ical-generator event per row, from JS row objects),
 * kept as the reference the SQL-rendered events are compared with (ics-writer.test.ts). Not used by the export.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { isoUtcSql, localTime } from '../../src/export/fields.ts';
import { foldIcs, followupUid, vtimezone } from '../../src/export/to-ics.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { maskedPhone } from '../../src/warehouse/mask.ts';
import { WallTime } from './wall-time.ts';

/** Rows rendered per ical-generator calendar; bounds memory. */
const CHUNK = 5_000;
const PROD_ID = { company: 'followup', product: 'follow-up schedule', language: 'EN' };

interface IcsRow {
  loan_id: string;
  purpose: string;
  cycle: number;
  sequence: number;
  export_state: string;
  time_zone: string | null;
  ws: string | null;
  we: string | null;
  /** Local wall times of the window, `YYYY-MM-DDTHH:MM:SS`, computed by DuckDB/ICU from the UTC instants. */
  lws: string | null;
  lwe: string | null;
  priority: number | null;
  channel: string | null;
  phone: string | null;
  prenotify: string | null;
  reasons: string | null;
  reason_codes: string | null;
  /** What to do and say (NULL in runs made before scripts and next actions). */
  next_action: string | null;
  assignee: string | null;
  talking_points: string | null;
  notice_text: string | null;
}

/** ICS PRIORITY: 1 (highest) … 9 (lowest) from the 0–100 follow-up priority. */
function icsPriority(p: number | null): number {
  if (p === null) return 0;
  return Math.min(9, Math.max(1, 10 - Math.ceil(p / 10)));
}

export async function writeIcsReference(
  w: Warehouse,
  opts: { maskPhone: boolean; exportedAt: string; name: string },
  path: string,
): Promise<number> {
  const zoneRows = await w.all<{ z: string }>(
    'SELECT DISTINCT time_zone AS z FROM export_plan WHERE time_zone IS NOT NULL ORDER BY 1',
  );
  const zones = new Map(zoneRows.map(({ z }) => [z, vtimezone(z)]));
  const stamp = DateTime.fromISO(opts.exportedAt, { zone: 'utc' });
  const out = createWriteStream(path);
  // A stream 'error' with no listener crashes the process (a read-only place, a full disk): keep it, rethrow it.
  let failed: Error | undefined;
  out.on('error', (e) => {
    failed = e;
  });
  await once(out, 'open');
  const write = async (s: string) => {
    if (failed) throw failed;
    if (!out.write(s)) await once(out, 'drain');
  };

  const head = ical({ prodId: PROD_ID, method: ICalCalendarMethod.PUBLISH, name: opts.name }).toString();
  await write(head.slice(0, head.lastIndexOf('END:VCALENDAR')));
  const seen = new Set<string>();
  for (const { tzid, block } of zones.values()) {
    if (seen.has(tzid) || tzid === 'Etc/UTC') continue;
    seen.add(tzid);
    await write(`${foldIcs(block.replace(/\r?\n/g, '\r\n').trim())}\r\n`);
  }

  let n = 0;
  const result = await w.conn.stream(
    `SELECT loan_id, purpose, cycle, sequence, export_state, time_zone,
       ${isoUtcSql('window_start_utc')} AS ws, ${isoUtcSql('window_end_utc')} AS we,
       strftime(local_ws, '%Y-%m-%dT%H:%M:%S') AS lws,
       strftime(local_we, '%Y-%m-%dT%H:%M:%S') AS lwe,
       priority, channel,
       ${opts.maskPhone ? maskedPhone() : 'phone'} AS phone,
       CASE WHEN prenotify THEN upper(coalesce(prenotify_channel, 'sms')) || ' at '
         || coalesce(${localTime('local_pa')}, '?') || coalesce(' — ' || prenotify_reason, '') END AS prenotify,
       array_to_string(reasons, '\n') AS reasons, array_to_string(reason_codes, ', ') AS reason_codes,
       next_action, assignee, '- ' || array_to_string(talking_points, '\n- ') AS talking_points, notice_text
     FROM export_plan`,
  );
  let cal = ical({ prodId: PROD_ID });
  const flush = async () => {
    if (cal.length() === 0) return;
    await write(
      foldIcs(
        cal
          .events()
          .map((e) => e.toString())
          .join(''),
      ),
    );
    cal = ical({ prodId: PROD_ID });
  };
  for await (const chunk of result.yieldRowObjectJs()) {
    for (const raw of chunk) {
      addEvent(cal, raw as unknown as IcsRow, zones, stamp);
      n++;
      if (cal.length() >= CHUNK) await flush();
    }
  }
  await flush();
  await write('END:VCALENDAR\r\n');
  out.end();
  if (!failed) await once(out, 'finish');
  if (failed) throw failed;
  return n;
}

function addEvent(
  cal: ReturnType<typeof ical>,
  r: IcsRow,
  zones: Map<string, { tzid: string }>,
  stamp: DateTime,
): void {
  const tzid = r.time_zone ? (zones.get(r.time_zone)?.tzid ?? 'UTC') : 'UTC';
  // A cancelled follow-up whose old run was deleted has no window left; anchor it at the export time in UTC.
  // UTC rows are written as UTC instants (…Z), which need no VTIMEZONE.
  const zoned = tzid !== 'UTC' && tzid !== 'Etc/UTC' && r.lws !== null && r.lwe !== null;
  const start = zoned ? new WallTime(r.lws as string) : r.ws ? new Date(r.ws) : stamp.toJSDate();
  const end = zoned
    ? new WallTime(r.lwe as string)
    : r.we
      ? new Date(r.we)
      : new Date(start.getTime() + 3_600_000);
  const cancelled = r.export_state === 'cancelled';
  const lines = [
    `Priority: ${r.priority ?? '?'} / 100. Channel: ${r.channel ?? '?'}.`,
    r.phone ? `Phone: ${r.phone}` : null,
    `Local start: ${r.lws ? r.lws.slice(0, 16).replace('T', ' ') : '?'} (${r.time_zone ?? 'UTC'})`,
    r.prenotify ? `Pre-notify: ${r.prenotify}` : 'Pre-notify: none',
    r.reasons ? `Why:\n${r.reasons}` : null,
    r.reason_codes ? `Codes: ${r.reason_codes}` : null,
    r.next_action
      ? `Next action: ${r.next_action}${r.assignee && r.assignee !== 'agent' ? ` (${r.assignee})` : ''}`
      : null,
    r.talking_points ? `Say:\n${r.talking_points}` : null,
    r.notice_text ? `Notice text: ${r.notice_text}` : null,
  ].filter((l): l is string => l !== null);
  cal.createEvent({
    id: followupUid(r.loan_id, r.purpose, Number(r.cycle)),
    sequence: Number(r.sequence),
    stamp: stamp.toJSDate(),
    start,
    end,
    timezone: zoned ? tzid : null,
    summary: `${cancelled ? 'CANCELLED: ' : ''}Follow-up ${r.purpose} #${r.cycle}, loan ${r.loan_id}`,
    description: lines.join('\n'),
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    priority: icsPriority(r.priority === null ? null : Number(r.priority)),
    x: [{ key: 'X-FOLLOWUP-STATE', value: r.export_state }],
  });
}
