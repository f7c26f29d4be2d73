/**
 * iCalendar export parsed by an independent parser (node-ical): same events, zones and UIDs; CRLF and folding
 * to 75 octets; and the incremental story — a schedule change (move one, drop one, add one) gives an update with
 * SEQUENCE+1, a cancellation and a new event, never duplicates; with --since-last the feed file is still whole
 * (a subscribed calendar drops what the feed leaves out), the same when run again; deltas are for CSV/JSONL.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ical, { type VEvent } from 'node-ical';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Recommendation } from '../../src/contract/recommendation.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { memoryLogger } from '../../src/core/log.ts';
import { followupUid, runExport } from '../../src/export/index.ts';
import { foldIcs } from '../../src/export/to-ics.ts';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { followup } from '../lifecycle/cli.ts';
import { insertLoans, insertRun, makeLoans, makeRec } from './fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'export-ics-'));
const db = join(dir, 'w.duckdb');
const loans = makeLoans(31);
const base = loans.slice(0, 30);
const extra = loans[30] as (typeof loans)[number];
const run1: Recommendation[] = base.map((l, i) => makeRec(l, i, 'run-1'));
// run-2: loan 5 moves two days, loan 7 disappears, loan 30 is new.
const run2: Recommendation[] = [
  ...base.flatMap((l, i) => (i === 7 ? [] : [makeRec(l, i, 'run-2', i === 5 ? 2 : 0)])),
  makeRec(extra, 30, 'run-2'),
];
const uid = (r: Recommendation) => followupUid(r.loan_id, r.purpose, r.cycle);
const deps = (t: string) => ({ log: memoryLogger(), clock: fixedClock(t) });

function parse(path: string): { text: string; events: VEvent[]; zones: string[] } {
  const text = readFileSync(path, 'utf8');
  const data = ical.sync.parseICS(text);
  const events = Object.values(data).filter((c): c is VEvent => c?.type === 'VEVENT');
  const zones = Object.values(data)
    .filter((c) => c?.type === 'VTIMEZONE')
    .map((z) => (z as unknown as { tzid: string }).tzid);
  return { text, events, zones };
}

beforeAll(async () => {
  const w = await openWarehouse(db);
  await insertLoans(w, loans);
  await insertRun(w, 'run-1', '2026-11-20T00:00:00Z', run1);
  await insertRun(w, 'run-2', '2026-11-27T00:00:00Z', run2);
  w.close();
});

describe('foldIcs', () => {
  it.each([
    ['ascii', `DESCRIPTION:${'x'.repeat(300)}`],
    ['CJK (3 octets)', `DESCRIPTION:${'首次回访确认资金到账'.repeat(20)}`],
    ['emoji pairs (4 octets)', `SUMMARY:a${'😀'.repeat(60)}`],
    ['mixed at the boundary', `X:${'y'.repeat(72)}é${'z'.repeat(80)}`],
  ])('%s: no line over 75 octets, no split character, unfolds to the original', (_name, line) => {
    const folded = foldIcs(`BEGIN:VEVENT\r\n${line}\r\nEND:VEVENT\r\n`);
    const lines = folded.split('\r\n');
    expect(lines.every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(lines.length).toBeGreaterThan(4);
    expect(folded.includes('\uFFFD')).toBe(false);
    expect(folded.replaceAll('\r\n ', '')).toBe(`BEGIN:VEVENT\r\n${line}\r\nEND:VEVENT\r\n`);
  });
});

describe('iCalendar export', () => {
  const full = join(dir, 'full.ics');

  it('has one VEVENT per follow-up with its UID, borrower zone (TZID) and window; CRLF; lines ≤ 75 octets', async () => {
    const s = await runExport(deps('2026-11-21T06:00:00Z'), {
      warehouse: db,
      format: 'ics',
      out: full,
      runId: 'run-1',
    });
    expect(s.written).toBe(run1.length);
    const { text, events, zones } = parse(full);
    const lines = text.split('\r\n');
    expect(lines.pop()).toBe(''); // the file ends with CRLF
    expect(lines.filter((l) => l.includes('\n') || l.includes('\r'))).toEqual([]);
    expect(lines.filter((l) => Buffer.byteLength(l, 'utf8') > 75)).toEqual([]);
    expect(lines.some((l) => l.startsWith(' '))).toBe(true); // long descriptions were folded, not cut
    expect(text).toContain('METHOD:PUBLISH');
    // UTC follow-ups are written as UTC instants (…Z) and need no VTIMEZONE.
    expect(new Set(zones)).toEqual(new Set(run1.map((r) => r.time_zone).filter((z) => z !== 'UTC')));
    expect(run1.some((r) => r.time_zone === 'UTC')).toBe(true);
    expect(events).toHaveLength(run1.length);
    for (const r of run1) {
      const e = events.find((x) => x.uid === uid(r)) as VEvent;
      expect(e, uid(r)).toBeDefined();
      const tz = (e.start as Date & { tz?: string }).tz;
      if (r.time_zone === 'UTC')
        expect(text).toMatch(new RegExp(`UID:${uid(r)}\\r\\n(?:.*\\r\\n)*?DTSTART:\\d{8}T\\d{6}Z`));
      else expect(tz).toBe(r.time_zone);
      expect(e.start.toISOString()).toBe(new Date(r.window_start_utc).toISOString());
      expect(e.end?.toISOString()).toBe(new Date(r.window_end_utc).toISOString());
      expect(Number(e.sequence)).toBe(0);
      expect(e.status).toBe('CONFIRMED');
      expect(e.description).toContain(r.reasons[1]);
    }
  });

  it('after a schedule change: SEQUENCE+1 for the moved one, a cancellation, a new event, no duplicates', async () => {
    await runExport(deps('2026-11-28T06:00:00Z'), {
      warehouse: db,
      format: 'ics',
      out: full,
      runId: 'run-2',
    });
    const { text, events } = parse(full);
    const uids = [...text.matchAll(/^UID:(.*)$/gm)].map((m) => m[1]);
    expect(new Set(uids).size).toBe(uids.length);
    expect(events).toHaveLength(run2.length + 1);
    const get = (r: Recommendation) => events.find((e) => e.uid === uid(r)) as VEvent;
    const moved = run2.find((r) => r.loan_id === 'L00005') as Recommendation;
    expect(Number(get(moved).sequence)).toBe(1);
    expect(get(moved).start.toISOString()).toBe(new Date(moved.window_start_utc).toISOString());
    const dropped = get(run1[7] as Recommendation);
    expect([dropped.status, Number(dropped.sequence)]).toEqual(['CANCELLED', 1]);
    expect(dropped.start.toISOString()).toBe(
      new Date((run1[7] as Recommendation).window_start_utc).toISOString(),
    );
    const added = get(run2[run2.length - 1] as Recommendation);
    expect([added.status, Number(added.sequence)]).toEqual(['CONFIRMED', 0]);
    const unchanged = events.filter((e) => Number(e.sequence) === 0 && e.status === 'CONFIRMED');
    expect(unchanged).toHaveLength(run2.length - 1);
  });

  it('--since-last writes the whole feed: every follow-up, the moved one with SEQUENCE+1, the cancellation; again the same', async () => {
    const inc = join(dir, 'inc.ics');
    const first = await runExport(deps('2026-11-21T07:00:00Z'), {
      warehouse: db,
      format: 'ics',
      out: inc,
      runId: 'run-1',
      sinceLast: true,
    });
    expect(first.counts).toEqual({ new: 30, changed: 0, unchanged: 0, cancelled: 0 });
    expect(parse(inc).events).toHaveLength(30);
    const second = await runExport(deps('2026-11-28T07:00:00Z'), {
      warehouse: db,
      format: 'ics',
      out: inc,
      runId: 'run-2',
      sinceLast: true,
    });
    expect(second.counts).toEqual({ new: 1, changed: 1, unchanged: 28, cancelled: 1 });
    expect(second.written).toBe(run2.length + 1);
    const feed = (path: string) =>
      parse(path)
        .events.map((e) => [e.uid, e.status, Number(e.sequence), e.start.toISOString()])
        .sort();
    const expected = [
      ...run2.map((r) => [
        uid(r),
        'CONFIRMED',
        r.loan_id === 'L00005' ? 1 : 0,
        new Date(r.window_start_utc).toISOString(),
      ]),
      [uid(run1[7] as Recommendation), 'CANCELLED', 1, new Date(run1[7]!.window_start_utc).toISOString()],
    ].sort();
    expect(feed(inc)).toEqual(expected);
    // Run again with nothing changed: the same feed, not an empty calendar; nothing new in the ledger.
    const third = await runExport(deps('2026-11-28T08:00:00Z'), {
      warehouse: db,
      format: 'ics',
      out: inc,
      runId: 'run-2',
      sinceLast: true,
    });
    expect(third.counts).toEqual({ new: 0, changed: 0, unchanged: 30, cancelled: 0 });
    expect(third.written).toBe(run2.length + 1);
    expect(feed(inc)).toEqual(expected);
    const ledger = await withWarehouse(db, (w) =>
      w.all<{ export_id: string; n: bigint }>(
        `SELECT export_id, count(*) AS n FROM export_ledger WHERE target = $1 GROUP BY 1 ORDER BY 1`,
        [inc],
      ),
    );
    expect(ledger.map((r) => Number(r.n))).toEqual([30, 3]);
  });

  it('followup export --format ics --since-last, run twice through the CLI, writes the same whole feed both times', () => {
    const out = join(dir, 'cli.ics');
    const args = ['export', '--warehouse', db, '--format', 'ics', '--out', out, '--since-last', '--json'];
    const feeds = ['2026-11-28T09:00:00Z', '2026-11-28T10:00:00Z'].map((now) => {
      const r = followup([...args, '--run', 'run-2'], { FOLLOWUP_NOW: now });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).written).toBe(run2.length);
      return parse(out)
        .events.map((e) => [e.uid, e.status, Number(e.sequence)])
        .sort();
    });
    expect(feeds[0]).toHaveLength(run2.length);
    expect(feeds[1]).toEqual(feeds[0]);
    expect(feeds[0]).toEqual(run2.map((r) => [uid(r), 'CONFIRMED', 0]).sort());
  });

  it('--since-last on the dialer CSV carries the same three changes, and the ledger records them', async () => {
    const out = join(dir, 'inc.csv');
    await runExport(deps('2026-11-21T07:00:00Z'), {
      warehouse: db,
      format: 'csv',
      out,
      runId: 'run-1',
      sinceLast: true,
    });
    const s = await runExport(deps('2026-11-28T07:00:00Z'), {
      warehouse: db,
      format: 'csv',
      out,
      runId: 'run-2',
      sinceLast: true,
    });
    expect(s.written).toBe(3);
    const rows = await withWarehouse(':memory:', (m) =>
      m.all<{ loan_id: string; export_state: string; sequence: string }>(
        `SELECT loan_id, export_state, sequence FROM read_csv('${out}', all_varchar = true) ORDER BY loan_id`,
      ),
    );
    expect(rows).toEqual([
      { loan_id: 'L00005', export_state: 'changed', sequence: '1' },
      { loan_id: 'L00007', export_state: 'cancelled', sequence: '1' },
      { loan_id: 'L00030', export_state: 'new', sequence: '0' },
    ]);
    const ledger = await withWarehouse(db, (w) =>
      w.all<{ state: string; n: bigint }>(
        `SELECT state, count(*) AS n FROM export_ledger WHERE target = $1 GROUP BY 1 ORDER BY 1`,
        [out],
      ),
    );
    expect(ledger.map((r) => [r.state, Number(r.n)])).toEqual([
      ['active', 32],
      ['cancelled', 1],
    ]);
  });
});
