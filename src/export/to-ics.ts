/**
 * iCalendar (RFC 5545): one VEVENT per follow-up in the borrower's time zone, one VTIMEZONE per zone used
 * (timezones-ical-library, computed once per zone), a stable UID per (loan, purpose, cycle) so re-imports update the event,
 * SEQUENCE from the export ledger (raised when the follow-up moves), and STATUS:CANCELLED events for follow-ups
 * that disappeared since the last export. METHOD:PUBLISH, because one file mixes updates and cancellations
 * (METHOD:CANCEL would cancel every component of the file).
 *
 * A million events do not fit one JS string, so the file is streamed: the calendar header (ical-generator), the
 * VTIMEZONEs, then the VEVENTs of each result chunk — rendered by DuckDB (ics-event.ts: the text ical-generator
 * wrote, without a JS object per row), their texts escaped and their lines folded to 75 octets with CRLF on the
 * bytes (ics-bytes.ts; ical-generator's own foldLines allocates a TextEncoder per character: ~30 s per 20k events).
 * Reads: temp table export_plan. Writes: the .ics file.
 */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { DuckDBBlobVector } from '@duckdb/node-api';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { BadInputError } from '../core/errors.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { FoldedIcs } from './ics-bytes.ts';
import { icsEventsSql } from './ics-event.ts';

const PROD_ID = { company: 'followup', product: 'follow-up schedule', language: 'EN' };

/**
 * RFC 5545 §3.1 line folding: lines longer than 75 octets are split with CRLF + one space, never inside a UTF-8
 * sequence or a surrogate pair. Input lines are separated by CRLF; the output too.
 */
export function foldIcs(text: string): string {
  // Scans line by line without splitting: most lines are short and are copied as one slice with their neighbours.
  let out = '';
  let copied = 0;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\r\n', pos);
    if (end < 0) end = text.length;
    if (end - pos > 25 && octetsOver75(text, pos, end)) {
      out += text.slice(copied, pos) + foldLine(text, pos, end);
      copied = end;
    }
    pos = end + 2;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** True when text[from, to) is longer than 75 octets in UTF-8. */
function octetsOver75(text: string, from: number, to: number): boolean {
  if (to - from > 75) return true;
  let octets = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) octets += 1;
    else if (c < 0x800) octets += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      octets += 4;
      i++; // the low surrogate belongs to the same character
    } else octets += 3;
  }
  return octets > 75;
}

function foldLine(text: string, from: number, to: number): string {
  let out = '';
  let start = from;
  let octets = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (octets + size > 75) {
      out += `${text.slice(start, i)}\r\n `;
      start = i;
      octets = 1; // the leading space of the continuation line
    }
    octets += size;
    if (pair) i++;
  }
  return out + text.slice(start, to);
}

const DESCRIPTION = Buffer.from('\r\nDESCRIPTION:');

/** Stable UID of a follow-up: the same (loan, purpose, cycle) always maps to the same event. */
export function followupUid(loanId: string, purpose: string, cycle: number): string {
  return `${encodeURIComponent(loanId)}.${purpose}.${cycle}@followup`;
}

/** VTIMEZONE block and its canonical TZID for an IANA zone; throws on a zone the library does not know. */
export function vtimezone(zone: string): { tzid: string; block: string } {
  const r = tzlib_get_ical_block(zone);
  const block = Array.isArray(r) ? (r[0] ?? '') : '';
  const tzid = /TZID:([^\r\n]+)/.exec(block)?.[1];
  if (!tzid || !DateTime.now().setZone(zone).isValid) {
    throw new BadInputError(`unknown IANA time zone ${JSON.stringify(zone)} in recommendations`, {
      place: { column: 'recommendations.time_zone', value: zone },
      hint: 'time zones must be IANA names such as Asia/Shanghai',
    });
  }
  return { tzid, block };
}

/** Zone → VTIMEZONE of every zone in the plan; throws on a zone the library does not know. */
async function planZones(w: Warehouse): Promise<Map<string, { tzid: string; block: string }>> {
  const rows = await w.all<{ z: string }>(
    'SELECT DISTINCT time_zone AS z FROM export_plan WHERE time_zone IS NOT NULL ORDER BY 1',
  );
  return new Map(rows.map(({ z }) => [z, vtimezone(z)]));
}

/**
 * A write stream whose failures (a read-only place, a full disk) surface on the next write, not as a crash.
 * `write` waits only when the stream's buffer is full; `written` resolves once the stream is done with the bytes,
 * so their buffer can be filled again.
 */
async function openOut(path: string): Promise<{
  write: (s: string | Uint8Array) => Promise<void>;
  written: (bytes: Uint8Array) => Promise<void>;
  close: () => Promise<void>;
}> {
  const out: WriteStream = createWriteStream(path);
  // A stream 'error' with no listener crashes the process: keep it, rethrow it.
  let failed: Error | undefined;
  out.on('error', (e) => {
    failed = e;
  });
  await once(out, 'open');
  return {
    async write(s: string | Uint8Array) {
      if (failed) throw failed;
      if (!out.write(s)) await once(out, 'drain');
    },
    written(bytes: Uint8Array) {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        out.write(bytes, (e) => (e ? reject(e) : resolve()));
      });
    },
    async close() {
      out.end();
      if (!failed) await once(out, 'finish');
      if (failed) throw failed;
    },
  };
}

export async function writeIcs(
  w: Warehouse,
  opts: { maskPhone: boolean; exportedAt: string; name: string },
  path: string,
): Promise<number> {
  const zones = await planZones(w);
  const out = await openOut(path);
  const head = ical({ prodId: PROD_ID, method: ICalCalendarMethod.PUBLISH, name: opts.name }).toString();
  await out.write(head.slice(0, head.lastIndexOf('END:VCALENDAR')));
  const seen = new Set<string>();
  for (const { tzid, block } of zones.values()) {
    if (seen.has(tzid) || tzid === 'Etc/UTC') continue;
    seen.add(tzid);
    await out.write(`${foldIcs(block.replace(/\r?\n/g, '\r\n').trim())}\r\n`);
  }
  const tzids = new Map([...zones].map(([zone, { tzid }]) => [zone, tzid]));
  const sql = icsEventsSql({ maskPhone: opts.maskPhone, stampIso: opts.exportedAt, tzids });
  let n = 0;
  // Each chunk's events are escaped and folded into one of two buffers (ics-bytes.ts) and written from it; a buffer
  // is filled again once its bytes are written, so the next chunk is made while the last one is being written.
  // The next chunk is asked for before this one is worked, so DuckDB renders it meanwhile.
  const buffers = [new FoldedIcs(1 << 23), new FoldedIcs(1 << 23)];
  const writes: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  const result = await w.conn.stream(sql);
  let next = result.fetchChunk();
  try {
    for (let chunk = await next, k = 0; chunk && chunk.rowCount > 0; chunk = await next, k ^= 1) {
      next = result.fetchChunk();
      const [events, heads, summaries, descriptions] = [0, 1, 2, 3].map((i) => chunk.getColumnVector(i));
      if (!(events instanceof DuckDBBlobVector)) throw new Error('writeIcs: events are not rendered as BLOB');
      await writes[k];
      const folded = buffers[k] as FoldedIcs;
      folded.clear();
      for (let i = 0; i < chunk.rowCount; i++) {
        const e = events.getItemBytes(i);
        if (!e) throw new Error('writeIcs: an event rendered as NULL');
        const h = heads?.getItem(i) as number;
        const s = h + (summaries?.getItem(i) as number);
        const d = s + (descriptions?.getItem(i) as number);
        folded.raw(e, 0, h);
        folded.text(e, h, s);
        folded.raw(DESCRIPTION);
        folded.text(e, s, d);
        folded.raw(e, d);
      }
      writes[k] = out.written(folded.bytes);
      // Handled here, reported where awaited: a failed write must not crash the process as an unhandled rejection.
      writes[k]?.catch(() => null);
      n += chunk.rowCount;
    }
    await Promise.all(writes);
  } finally {
    // A chunk still being fetched when a write failed: let it land, its error is not the one to report.
    await next.catch(() => null);
  }
  await out.write('END:VCALENDAR\r\n');
  await out.close();
  return n;
}
