/**
 * The export plan reads a run stored in the plan's order in place (a view beside its keys) and any other run
 * through a sorted copy: both give the same files, byte for byte, in the same order — current follow-ups by due
 * date, window start and loan id, then the cancellations. Two warehouses hold the same runs, one stored in that
 * order (as `recommend` writes them), one in reverse.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Recommendation } from '../../src/contract/recommendation.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { memoryLogger } from '../../src/core/log.ts';
import { runExport } from '../../src/export/index.ts';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { insertLoans, insertRun, makeLoans, makeRec } from './fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'export-plan-read-'));
const loans = makeLoans(41);
const base = loans.slice(0, 40);
const run1: Recommendation[] = base.map((l, i) => makeRec(l, i, 'run-1'));
// run-2: loans 5 and 11 move, loans 7 and 20 disappear, loan 40 is new.
const run2: Recommendation[] = [
  ...base.flatMap((l, i) =>
    i === 7 || i === 20 ? [] : [makeRec(l, i, 'run-2', i === 5 ? 2 : i === 11 ? -3 : 0)],
  ),
  makeRec(loans[40]!, 40, 'run-2'),
];

/** The plan's order, worked out here without SQL: due date, window start (as an instant), loan id. */
function planOrder(recs: Recommendation[]): string[] {
  return [...recs]
    .sort(
      (a, b) =>
        a.due_on.localeCompare(b.due_on) ||
        Date.parse(a.window_start_utc) - Date.parse(b.window_start_utc) ||
        (a.loan_id < b.loan_id ? -1 : a.loan_id > b.loan_id ? 1 : 0),
    )
    .map((r) => r.loan_id);
}

const stored = { 'in place': join(dir, 'ordered.duckdb'), 'sorted copy': join(dir, 'reversed.duckdb') };

beforeAll(async () => {
  for (const [how, db] of Object.entries(stored)) {
    const w = await openWarehouse(db);
    await insertLoans(w, loans);
    for (const [id, at, recs] of [
      ['run-1', '2026-11-20T00:00:00Z', run1],
      ['run-2', '2026-11-27T00:00:00Z', run2],
    ] as const) {
      const order = planOrder(recs);
      if (how === 'sorted copy') order.reverse();
      const byLoan = new Map(recs.map((r) => [r.loan_id, r]));
      await insertRun(
        w,
        id,
        at,
        order.map((l) => byLoan.get(l)!),
      );
    }
    w.close();
  }
});

/** Exports run-1 and then run-2 (since the last export, as a daily job does) to one target; the second file. */
async function twoExports(
  db: string,
  format: 'csv' | 'jsonl' | 'parquet' | 'ics',
  out: string,
): Promise<string[]> {
  const reads: string[] = [];
  for (const [runId, now] of [
    ['run-1', '2026-11-21T06:00:00Z'],
    ['run-2', '2026-11-28T06:00:00Z'],
  ] as const) {
    const log = memoryLogger();
    const summary = await runExport(
      { log, clock: fixedClock(now) },
      { warehouse: db, format, out, runId, sinceLast: true },
    );
    // The summary says it as the log line does.
    expect(log.records.find((r) => r.msg === 'export planned')?.fields?.read).toBe(summary.read);
    reads.push(summary.read);
  }
  return reads;
}

describe('export plan: in place or a sorted copy, the same files', () => {
  it.each(['csv', 'jsonl', 'ics'] as const)('%s: byte for byte', async (format) => {
    const files: Record<string, string> = {};
    for (const [how, db] of Object.entries(stored)) {
      const out = join(dir, `${how.replace(' ', '-')}.${format}`);
      expect(await twoExports(db, format, out)).toEqual([how, how]);
      files[how] = readFileSync(out, 'utf8');
    }
    expect(files['in place']!.length).toBeGreaterThan(1000);
    expect(files['in place']).toBe(files['sorted copy']);
  });

  it('parquet: the same rows in the same order; changed and new by due date and window, then the cancelled', async () => {
    const rows: Record<string, unknown[]> = {};
    for (const [how, db] of Object.entries(stored)) {
      const out = join(dir, `${how.replace(' ', '-')}.parquet`);
      expect(await twoExports(db, 'parquet', out)).toEqual([how, how]);
      rows[how] = await withWarehouse(':memory:', (m) => m.all(`SELECT * FROM read_parquet('${out}')`));
    }
    expect(rows['in place']).toEqual(rows['sorted copy']);
    const changed = run2.filter((r) => ['L00005', 'L00011', 'L00040'].includes(r.loan_id));
    expect(
      (rows['in place'] as { loan_id: string; export_state: string }[]).map((r) => [
        r.loan_id,
        r.export_state,
      ]),
    ).toEqual([
      ...planOrder(changed).map((l) => [l, l === 'L00040' ? 'new' : 'changed']),
      ...planOrder(run1.filter((r) => r.loan_id === 'L00007' || r.loan_id === 'L00020')).map((l) => [
        l,
        'cancelled',
      ]),
    ]);
  });

  it('a whole export lists every current follow-up in the plan order, then the cancellations', async () => {
    const out = join(dir, 'whole.csv');
    const exported = (runId: string, now: string) =>
      runExport(
        { log: memoryLogger(), clock: fixedClock(now) },
        { warehouse: stored['in place'], format: 'csv', out, runId },
      );
    const ids = () =>
      withWarehouse(':memory:', (m) =>
        m.all<{ loan_id: string; export_state: string }>(
          `SELECT loan_id, export_state FROM read_csv('${out}', all_varchar = true)`,
        ),
      );
    await exported('run-1', '2026-11-28T07:00:00Z');
    expect((await ids()).map((r) => r.loan_id)).toEqual(planOrder(run1));
    await exported('run-2', '2026-11-28T08:00:00Z');
    const gone = run1.filter((r) => r.loan_id === 'L00007' || r.loan_id === 'L00020');
    expect((await ids()).map((r) => [r.loan_id, r.export_state === 'cancelled'])).toEqual([
      ...planOrder(run2).map((l) => [l, false]),
      ...planOrder(gone).map((l) => [l, true]),
    ]);
  });
});
