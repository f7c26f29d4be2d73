/**
 * `followup backtest` end to end on a small generated world, through the real CLI: ingest, train before the
 * period, replay two months. Checks the results file against the report's reader, zero rule violations, the
 * contact match, and the fixed practice's call count re-derived here from the loans and repayments tables.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/backtest/run.ts';
import { packOf } from '../../src/backtest/schedule.ts';
import { dayOf } from '../../src/core/days.ts';
import { closedLoansSql } from '../../src/features/spine.ts';
import { calendarFor, loadPolicy } from '../../src/recommend/index.ts';
import { loadBacktest } from '../../src/report/collect/backtest.ts';
import { openWarehouse } from '../../src/warehouse/db.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../src/cli/followup.mjs');
let dir: string;
let result: BacktestResult & { results_file: string };

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run('node', [CLI, ...args], {
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 26,
  });
  return stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'followup-backtest-'));
  await cli('generate', '--borrowers', '300', '--months', '24', '--seed', '3', '--out', join(dir, 'world'));
  const out = await cli(
    'backtest',
    ...['--world', join(dir, 'world'), '--warehouse', join(dir, 'w.duckdb'), '--models', join(dir, 'models')],
    ...[
      '--from',
      '2024-08',
      '--to',
      '2024-09',
      '--epochs',
      '4',
      '--searches',
      '12',
      '--replicates',
      '50',
      '--json',
    ],
  );
  result = JSON.parse(out);
}, 600_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('followup backtest', () => {
  it('writes backtest_results.json beside the warehouse, in the shape the report reads', async () => {
    expect(result.results_file).toBe(join(dir, 'backtest_results.json'));
    const onDisk = JSON.parse(await readFile(result.results_file, 'utf8')) as BacktestResult;
    expect(onDisk.main.policies.fixed).toEqual(result.main.policies.fixed);
    const read = loadBacktest(result.results_file);
    expect(read.ok).toBe(true);
    if (read.ok) {
      expect(read.value.map((m) => m.name)).toContain('pre_delinquency_reach');
      const reach = read.value.find((m) => m.name === 'pre_delinquency_reach')!;
      expect(reach.fixed).toBeCloseTo(100 * result.main.policies.fixed.reach.value, 3);
      expect(reach.recommended).toBeCloseTo(100 * result.main.policies.risk.reach.value, 3);
    }
    expect(result.period).toMatchObject({ from: '2024-08-01', to: '2024-09-01', months: 2 });
  });

  it("undoes the personal hour and channel on the risk plan's own calls as an ablation", () => {
    const c = result.main;
    const off = c.timing_off;
    for (const iv of [off.reach, off.hangup_rate, off.hangup_ratio]) {
      expect(Number.isFinite(iv.value)).toBe(true);
      expect(iv.lo).toBeLessThanOrEqual(iv.value);
      expect(iv.value).toBeLessThanOrEqual(iv.hi);
    }
    expect(off.hangup_ratio.value).toBeCloseTo(off.hangup_rate.value / c.policies.fixed.hangup_rate.value, 6);
    // Same loans and days at the fixed practice's hour and notice: its hang-up rate is the fixed practice's own
    // kind of call, so it differs from the plan's (whose hours and channels are personal).
    expect(off.hangup_rate.value).not.toBeCloseTo(c.policies.risk.hangup_rate.value, 6);
  });

  it('replays all five policies at the fixed practice’s volume, and the planned ones break no contact rule', () => {
    const c = result.main;
    expect(Object.keys(c.policies).sort()).toEqual(['fixed', 'oracle', 'random', 'risk', 'tiered']);
    expect(c.policies.fixed.attempts).toBe(c.volume);
    expect(c.volume).toBeGreaterThan(0);
    for (const p of ['tiered', 'random', 'risk', 'oracle'] as const) {
      const m = c.policies[p];
      // A 300-borrower world over two months moves in steps of several calls, and the planner's 30-day minimum
      // after the world's own recent follow-ups bounds how many calls it can make: within 5 % for the cycles and
      // 15 % for the planner here (0.5 % on the acceptance worlds), and `matched` says which.
      expect(Math.abs(m.volume_gap), p).toBeLessThanOrEqual(p === 'risk' || p === 'oracle' ? 0.15 : 0.05);
      expect(m.matched).toBe(Math.abs(m.volume_gap) <= 0.005);
      expect(m.volume_gap).toBeCloseTo(m.attempts / c.volume - 1, 9);
      expect(m.reach.lo).toBeLessThanOrEqual(m.reach.value + 1e-12);
      expect(m.reach.hi).toBeGreaterThanOrEqual(m.reach.value - 1e-12);
      expect(m.hangup_rate.value).toBeGreaterThan(0);
      expect(m.hangup_rate.value).toBeLessThan(1);
    }
    expect(c.policies.risk.violations).toBe(0);
    expect(c.policies.oracle.violations).toBe(0);
    expect(c.policies.risk.attempts).toBeGreaterThan(0);
    // The ablation removes every collection call from every policy.
    const nc = result.no_collection!;
    for (const p of ['fixed', 'tiered', 'random', 'risk', 'oracle'] as const)
      expect(nc.policies[p].by_purpose.collection ?? 0).toBe(0);
  });

  it('the fixed practice makes exactly the calls its definition gives', async () => {
    const w = await openWarehouse(join(dir, 'w.duckdb'), { readOnly: true });
    try {
      const end = '2024-12-31'; // 24 months from 2023-01-01
      const rows = await w.all<{
        dis: string;
        mat: string;
        zone: string;
        onset: string | null;
        closed: string | null;
      }>(
        `WITH c AS (${closedLoansSql(`(SELECT loan_id, DATE '${end}' AS known_at FROM loans)`)}),
         o AS (SELECT loan_id, min(due_on + 30) AS onset FROM repayments
               WHERE due_on + 30 <= DATE '${end}' AND (paid_on IS NULL OR paid_on > due_on + 30) GROUP BY loan_id)
         SELECT l.disbursed_on::VARCHAR AS dis, l.maturity_on::VARCHAR AS mat, l.time_zone AS zone,
           o.onset::VARCHAR AS onset, CASE WHEN o.onset IS NULL AND c.closed_on < l.maturity_on THEN c.closed_on::VARCHAR END AS closed
         FROM loans l LEFT JOIN o USING (loan_id) LEFT JOIN c USING (loan_id)`,
      );
      const policy = loadPolicy();
      const from = dayOf('2024-08-01');
      const to = dayOf('2024-10-01');
      let n = 0;
      for (const r of rows) {
        const pack = packOf(policy, r.zone);
        const cal = calendarFor(pack.calendar);
        const ok = (d: number) => !pack.working_days_only || cal.isWorkingDay(d);
        const dis = dayOf(r.dis);
        const mat = dayOf(r.mat);
        const stop = Math.min(
          mat,
          r.onset ? dayOf(r.onset) : Infinity,
          r.closed ? dayOf(r.closed) : Infinity,
        );
        const days: number[] = [];
        let d = dis + 30;
        if (d < mat) {
          let x = d;
          while (!ok(x)) x--;
          days.push(x);
        }
        for (d = dis + 120; d < mat - 60; d += 90) {
          let x = d;
          while (!ok(x)) x++;
          days.push(x);
        }
        if (mat - 60 > dis + 30) {
          let x = mat - 60;
          while (!ok(x)) x--;
          days.push(x);
        }
        n += days.filter((x) => x >= from && x < to && x > dis && x < stop).length;
      }
      // The reactive rule replaces a lifecycle call in a month the loan starts late (one collection call each).
      const f = result.main.policies.fixed.by_purpose;
      const lifecycle = (f.first ?? 0) + (f.mid_term ?? 0) + (f.final ?? 0);
      expect(lifecycle).toBeLessThanOrEqual(n);
      expect(lifecycle).toBeGreaterThanOrEqual(n - (f.collection ?? 0));
      expect(n).toBeGreaterThan(0);
    } finally {
      w.close();
    }
  });
});
