/**
 * recommend's staging file: one JSON line per follow-up as the planner emits them (buffered writes), read back by
 * DuckDB into the typed `recommendations` table at commit; removed afterwards; files left by killed runs removed
 * by the next run, a live run's file kept.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { BadInputError } from '../../src/core/errors.ts';
import { commitRecommendations, stageRecommendations } from '../../src/recommend/io/write.ts';
import { openWarehouse } from '../../src/warehouse/db.ts';
import { ensureRecommendationTables } from '../../src/warehouse/recommendations.ts';
import { makeLoans, makeRec } from '../export/fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'recommend-staging-'));
const savedTmp = process.env.TMPDIR;

afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

describe('the follow-ups staging file', () => {
  it('holds one JSON line per follow-up across buffer flushes, commits them typed, and is removed', async () => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    process.env.TMPDIR = tmp;
    // ~12,000 records of ~1 kB, some in Chinese (3 bytes a character in UTF-8): more than one 8 MB buffer, so a
    // write happens mid-way; and one record whose reason alone is larger than the buffer.
    const recs = makeLoans(12_000).map((l, i) => {
      const r = { ...makeRec(l, i, 'run-s'), cycle: i };
      if (i % 3 === 0) r.reasons = [...r.reasons, `第${i}期还款提醒：请按时还款，谢谢`];
      if (i === 7000) r.reasons = [...r.reasons, '回'.repeat(3_000_000)];
      return r;
    });
    const sink = await stageRecommendations();
    expect(sink.path.startsWith(join(tmp, 'followup-recommend-'))).toBe(true);
    expect(sink.path.endsWith(`.ndjson.${process.pid}.tmp`)).toBe(true);
    for (const r of recs) sink.add(r);
    expect(sink.count).toBe(recs.length);
    sink.close();
    const lines = readFileSync(sink.path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual(recs);

    const w = await openWarehouse(join(dir, 'w.duckdb'));
    try {
      await ensureRecommendationTables(w);
      await w.tx(() =>
        commitRecommendations(
          w,
          'run-s',
          { asOf: '2026-11-20' },
          'policy-2026.11',
          'delinquency@3',
          'hangup@2',
          recs.length,
          fixedClock('2026-11-21T06:00:00Z'),
          sink.path,
        ),
      );
      const rows = await w.all<Record<string, unknown>>(
        `SELECT loan_id, cycle, due_on::VARCHAR AS due_on, hard_deadline, risk_at_due, hour_start, reasons,
           reason_codes, epoch_ms(window_start_utc)::DOUBLE AS ws, epoch_ms(prenotify_at_utc)::DOUBLE AS pn, prenotify_channel
         FROM recommendations WHERE run_id = 'run-s' ORDER BY cycle`,
      );
      expect(rows).toEqual(
        recs.map((r) => ({
          loan_id: r.loan_id,
          cycle: r.cycle,
          due_on: r.due_on,
          hard_deadline: r.hard_deadline,
          risk_at_due: r.risk_at_due,
          hour_start: r.hour_start,
          reasons: r.reasons,
          reason_codes: r.reason_codes,
          ws: Date.parse(r.window_start_utc),
          pn: r.prenotify_at_utc === null ? null : Date.parse(r.prenotify_at_utc),
          prenotify_channel: r.prenotify_channel,
        })),
      );
    } finally {
      w.close();
    }
    await sink.remove();
    expect(existsSync(sink.path)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses a temp folder it cannot write with a typed error naming the file', async () => {
    const missing = join(dir, 'no-such-folder');
    process.env.TMPDIR = missing;
    const e = await stageRecommendations().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadInputError);
    expect((e as BadInputError).exitCode).toBe(2);
    expect((e as Error).message).toMatch(
      new RegExp(`^cannot stage the follow-ups in ${missing}/followup-recommend-.*\\.tmp: .*ENOENT`),
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('removes the staging files of processes that no longer run and keeps a running one’s', async () => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    process.env.TMPDIR = tmp;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const deadFile = `followup-recommend-a.ndjson.${dead}.tmp`;
      const liveFile = `followup-recommend-b.ndjson.${live.pid}.tmp`;
      const other = `someone-else.${dead}.tmp`;
      for (const f of [deadFile, liveFile, other]) writeFileSync(join(tmp, f), '{}\n');
      const sink = await stageRecommendations();
      const mine = sink.path.slice(tmp.length + 1);
      expect(readdirSync(tmp).sort()).toEqual([liveFile, mine, other].sort());
      await sink.remove();
      expect(readdirSync(tmp).sort()).toEqual([liveFile, other].sort());
    } finally {
      live.kill();
    }
  });
});
