/**
 * The iCalendar writer renders its events in DuckDB (ics-event.ts) instead of one ical-generator event per row:
 * on the same plans its file must be the previous writer's byte for byte (ics-reference.ts), and node-ical must
 * read it back. The rows cover what the SQL spells by hand: new, changed, cancelled and carried states, a
 * cancellation whose run was deleted (no window, zone or priority: UTC at the export time), UTC and zoned rows,
 * loan ids encodeURIComponent escapes, texts with `\ ; ,` and line breaks, priorities JS prints in odd ways,
 * next actions with and without an assignee, talking points and notices, the phone masked or not.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { escape as icalEscape } from 'ical-generator';
import ical, { type VEvent } from 'node-ical';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Recommendation } from '../../src/contract/recommendation.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { memoryLogger } from '../../src/core/log.ts';
import { FoldedIcs } from '../../src/export/ics-bytes.ts';
import { followupUid, runExport } from '../../src/export/index.ts';
import { buildPlan } from '../../src/export/plan.ts';
import { ICS_KEEP_CANCELLED_DAYS } from '../../src/export/run.ts';
import { foldIcs, writeIcs } from '../../src/export/to-ics.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { insertLoans, insertRun, makeLoans, makeRec } from './fixture.ts';
import { writeIcsReference } from './ics-reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'export-ics-writer-'));
const db = join(dir, 'w.duckdb');
const odd = ["L/07 é!*'()~", 'L 08;x,y\\z', '贷款-09'];
const loans = makeLoans(40).map((l, i) => (i >= 7 && i < 10 ? { ...l, loan_id: odd[i - 7] as string } : l));
/** Priorities JS spells differently from DuckDB's CAST: integers, exponents, long fractions. */
const PRIORITIES = [0, 100, 36, 1.5e-5, 2.5e-7, 1e-6, 0.0001, 33.333333333333336, 0.30000000000000004, 99.95];
const withOdd = (r: Recommendation, i: number): Recommendation => ({
  ...r,
  priority: i < PRIORITIES.length ? (PRIORITIES[i] as number) : r.priority,
  reasons:
    i % 4 === 1
      ? ['a; b, c \\ d', 'line\r\nbreak\rcr\nlf']
      : i % 4 === 2
        ? ['\nstarts with LF', 'ends with CR\r']
        : r.reasons,
  channel: i === 11 ? ('phone, then sms; maybe' as Recommendation['channel']) : r.channel,
});
const rec = (i: number, runId: string, shift = 0) => withOdd(makeRec(loans[i] as never, i, runId, shift), i);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
// run-0: 0–35 and 37. run-1: 0–36 and 39 (37 cancelled; 39's row deleted after the export: a cancellation without
// window). run-2: 0–35 without 4 and 8, 3 moved two days, 38 new (4, 8, 36, 39 cancelled; 37 carried as cancelled).
const run0 = [...range(0, 36), 37].map((i) => rec(i, 'run-0'));
const run1 = [...range(0, 37), 39].map((i) => rec(i, 'run-1'));
const run2 = [...range(0, 36).filter((i) => i !== 4 && i !== 8), 38].map((i) =>
  rec(i, 'run-2', i === 3 ? 2 : 0),
);
const uidOf = (r: Recommendation) => followupUid(r.loan_id, r.purpose, r.cycle);
const deps = (t: string) => ({ log: memoryLogger(), clock: fixedClock(t) });

/** The next actions and scripts of later runs (insertRun writes the first version's columns only). */
async function addScripts(w: Warehouse, runId: string): Promise<void> {
  await w.run(
    `UPDATE recommendations SET
       next_action = CASE WHEN hour_start % 3 = 0 THEN NULL WHEN hour_start % 3 = 1 THEN 'call' ELSE 'visit' END,
       assignee = CASE WHEN hour_start % 2 = 0 THEN 'agent' WHEN hour_start = 11 THEN '' ELSE 'senior, team; B' END,
       talking_points = CASE WHEN hour_start = 12 THEN [] WHEN hour_start = 13 THEN NULL
         WHEN hour_start = 14 THEN ['ends with CR' || chr(13), chr(13) || chr(10) || 'starts with CRLF']
         ELSE ['开场：示例银行贷后回访', 'due 2026-12-20, 3,210.55'] END,
       notice_text = CASE WHEN prenotify AND hour_start % 2 = 1 THEN chr(10) || '【示例银行】致电您进行贷后回访。' || chr(13)
         WHEN prenotify THEN '【示例银行】致电您进行贷后回访。' END
     WHERE run_id = $1`,
    [runId],
  );
}

/** Both writers on the plan of `runId` as the next ics export would see it; nothing is committed. */
async function bothWriters(runId: string, maskPhone: boolean): Promise<{ now: string; before: string }> {
  const w = await openWarehouse(db);
  try {
    await w.run('BEGIN TRANSACTION');
    await buildPlan(w, {
      runId,
      format: 'ics',
      target: join(dir, 'feed.ics'),
      sinceLast: false,
      keepCancelledDays: ICS_KEEP_CANCELLED_DAYS,
    });
    const opts = { maskPhone, exportedAt: '2026-11-28T06:00:00.000Z', name: 'Follow-ups' };
    await writeIcs(w, opts, join(dir, 'now.ics'));
    await writeIcsReference(w, opts, join(dir, 'before.ics'));
    await w.run('ROLLBACK');
  } finally {
    w.close();
  }
  return {
    now: readFileSync(join(dir, 'now.ics'), 'utf8'),
    before: readFileSync(join(dir, 'before.ics'), 'utf8'),
  };
}

beforeAll(async () => {
  const w = await openWarehouse(db);
  await insertLoans(w, loans);
  await insertRun(w, 'run-0', '2026-11-13T00:00:00Z', run0);
  await insertRun(w, 'run-1', '2026-11-20T00:00:00Z', run1);
  await insertRun(w, 'run-2', '2026-11-27T00:00:00Z', run2);
  await addScripts(w, 'run-0');
  await addScripts(w, 'run-1');
  await addScripts(w, 'run-2');
  w.close();
  const feed = { warehouse: db, format: 'ics' as const, out: join(dir, 'feed.ics') };
  await runExport(deps('2026-11-14T06:00:00Z'), { ...feed, runId: 'run-0' });
  await runExport(deps('2026-11-21T06:00:00Z'), { ...feed, runId: 'run-1' });
  const w2 = await openWarehouse(db);
  await w2.run(`DELETE FROM recommendations WHERE run_id = 'run-1' AND loan_id = $1`, [
    loans[39]?.loan_id ?? '',
  ]);
  w2.close();
});

/** What FoldedIcs makes, as a string. */
function folded(parts: readonly (readonly ['raw' | 'text', string])[], size?: number): string {
  const f = new FoldedIcs(size);
  for (const [kind, s] of parts) f[kind](Buffer.from(s));
  return Buffer.from(f.bytes).toString('utf8');
}

describe('FoldedIcs', () => {
  it.each([
    ['ascii', `DESCRIPTION:${'x'.repeat(300)}`],
    ['CJK (3 octets)', `DESCRIPTION:${'首次回访确认资金到账'.repeat(20)}`],
    ['emoji (4 octets)', `SUMMARY:a${'😀'.repeat(60)}`],
    ['mixed at the boundary', `X:${'y'.repeat(72)}é${'z'.repeat(80)}`],
    ['exactly 75 octets, a lone CR', `X:${'y'.repeat(70)}\rab`],
  ])('%s: breaks where foldIcs breaks', (_name, line) => {
    const text = `BEGIN:VEVENT\r\n${line}\r\n${line}\r\nEND:VEVENT\r\n`;
    expect(folded([['raw', text]])).toBe(foldIcs(text));
  });

  const piece = fc.constantFrom(
    'a',
    ' ',
    'é',
    '首',
    '😀',
    '\r',
    '\n',
    '\r\n',
    'x'.repeat(70),
    '\\',
    ';',
    ',',
  );

  it('raw: breaks where foldIcs breaks on any text of 1–4-octet characters, lone CRs and LFs and CRLFs', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 200 }), (pieces) => {
        const text = pieces.join('');
        expect(folded([['raw', text]])).toBe(foldIcs(text));
      }),
      { numRuns: 500 },
    );
  });

  it('text: escapes as ical-generator escapes, then breaks where foldIcs breaks, in a buffer that grows', () => {
    const value = fc.array(piece, { maxLength: 120 }).map((p) => p.join(''));
    fc.assert(
      fc.property(value, value, (summary, description) => {
        const made = folded(
          [
            ['raw', 'BEGIN:VEVENT\r\nSUMMARY:'],
            ['text', summary],
            ['raw', '\r\nDESCRIPTION:'],
            ['text', description],
            ['raw', '\r\nEND:VEVENT\r\n'],
          ],
          16,
        );
        const reference = `BEGIN:VEVENT\r\nSUMMARY:${icalEscape(summary, false)}\r\nDESCRIPTION:${icalEscape(description, false)}\r\nEND:VEVENT\r\n`;
        expect(made).toBe(foldIcs(reference));
      }),
      { numRuns: 500 },
    );
  });
});

describe('iCalendar writer rendered in DuckDB', () => {
  it.each([
    ['phone in clear', false],
    ['phone masked', true],
  ])('writes the previous writer’s file byte for byte (%s)', async (_name, mask) => {
    const { now, before } = await bothWriters('run-2', mask);
    expect(now.length).toBeGreaterThan(10_000);
    expect(now).toBe(before);
  });

  it('is read back by node-ical: every follow-up once, the cancellations, UIDs, zones, windows, texts', async () => {
    const { now } = await bothWriters('run-2', false);
    const events = Object.values(ical.sync.parseICS(now)).filter((c): c is VEvent => c?.type === 'VEVENT');
    // run-2's rows, four cancelled by this plan and one cancelled by the last export, carried.
    expect(events).toHaveLength(run2.length + 5);
    const byUid = new Map(events.map((e) => [e.uid, e]));
    for (const r of run2) {
      const e = byUid.get(uidOf(r)) as VEvent;
      expect(e, r.loan_id).toBeDefined();
      expect(e.start.toISOString()).toBe(new Date(r.window_start_utc).toISOString());
      expect(e.end?.toISOString()).toBe(new Date(r.window_end_utc).toISOString());
      expect(e.status).toBe('CONFIRMED');
      expect(e.summary).toBe(`Follow-up ${r.purpose} #${r.cycle}, loan ${r.loan_id}`);
      expect(e.description).toContain(`Priority: ${r.priority} / 100.`);
      expect(e.description).toContain(r.reasons[1]?.replace(/\r\n|\r/g, '\n'));
    }
    const cancelled = events.filter((e) => e.status === 'CANCELLED').map((e) => e.uid);
    const gone = [4, 8, 36, 39].map((i) =>
      uidOf(run1.find((r) => r.loan_id === loans[i]?.loan_id) as Recommendation),
    );
    const carried = uidOf(run0.at(-1) as Recommendation);
    expect(cancelled.sort()).toEqual([...gone, carried].sort());
    // The row of 39's last export is gone: anchored at the export time, in UTC, for an hour.
    const orphan = byUid.get(gone[3] as string) as VEvent;
    expect([orphan.start.toISOString(), orphan.end?.toISOString()]).toEqual([
      '2026-11-28T06:00:00.000Z',
      '2026-11-28T07:00:00.000Z',
    ]);
  });
});
