/**
 * `followup backtest` end to end on a small generated world, through the real CLI: ingest, train before the
 * period, replay two months. Checks the results file against the report's reader, zero rule violations, the
 * contact match, and the fixed practice's call count re-derived here from the loans and repayments tables.
 * Then `followup evaluate --truth` on the same warehouse and models: its 6-month risk figures re-derived here from
 * the world's CSV files and the hazards `followup score` stores.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruthEvalSummary } from '../../src/backtest/evaluate-truth.ts';
import type { BacktestResult } from '../../src/backtest/run.ts';
import { packOf } from '../../src/backtest/schedule.ts';
import { agreement } from '../../src/backtest/stats.ts';
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

/** Rows of a CSV the generator wrote (it quotes no field of the columns read here). */
async function csv(file: string): Promise<Record<string, string>[]> {
  const [head, ...lines] = (await readFile(file, 'utf8')).trimEnd().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

const DAY_MS = 86_400_000;
const dayNo = (ymd: string) => Date.parse(`${ymd}T00:00:00Z`) / DAY_MS;
const monthsLater = (ymd: string, k: number) => {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + k);
  return d.toISOString().slice(0, 10);
};

/**
 * One loan's 6-month risks at as-of `a`, written out from the rules of src/backtest/risk-6m.ts over the raw
 * installments: window k holds the installments with a < due + 30 − (k−1) months ≤ a + k months; windows past
 * maturity count on neither side; after the loan leaves the truth before maturity the true side holds its last
 * truth; the oracle has the truths up to the next installment not yet due and holds that one's.
 */
function sixMonths(
  a: string,
  h: number[],
  dues: number[],
  truthOf: (due: number) => number | undefined,
  maturity: number,
) {
  const edge = Array.from({ length: 7 }, (_, k) => dayNo(monthsLater(a, k)));
  const inst = edge.slice(1).map((e, k) => dues.filter((d) => edge[k]! < d + 30 && d + 30 <= e));
  const t = inst.map((ds) =>
    ds.length && ds.every((d) => truthOf(d) !== undefined)
      ? 1 - ds.reduce((s, d) => s * (1 - truthOf(d)!), 1)
      : null,
  );
  const known = t.flatMap((x, k) => (x === null ? [] : [k]));
  if (!known.length) return undefined;
  const last = known.at(-1)!;
  const head = known.find((k) => Math.min(...inst[k]!) > edge[0]!) ?? -1;
  const h0 = t[head >= 0 ? head : last]!;
  const upTo = head >= 0 ? head : last;
  let sp = 1;
  let st = 1;
  let so = 1;
  let held = t[known[0]!]!;
  let censored = false;
  let matured = false;
  for (let k = 0; k < 6; k++) {
    if (edge[k]! >= maturity + 30) {
      matured = true;
      continue;
    }
    sp *= 1 - h[k]!;
    const tk = t[k];
    if (tk !== null && tk !== undefined) {
      held = tk;
      st *= 1 - tk;
      so *= k <= upTo ? 1 - tk : (1 - h0) ** inst[k]!.length;
    } else if (k > last || inst[k]!.length > 0) {
      censored = true;
      st *= 1 - held;
      so *= 1 - h0;
    }
  }
  return { p: 1 - sp, t: 1 - st, o: 1 - so, censored, matured };
}

function pearsonOf(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * (y[i]! - my);
    sxx += (v - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
const logitOf = (p: number) => Math.log(p / (1 - p));

describe('followup evaluate --truth', () => {
  const AS_OF = '2024-03-01';
  let all: TruthEvalSummary;
  let one: TruthEvalSummary;

  beforeAll(async () => {
    const args = ['--warehouse', join(dir, 'w.duckdb'), '--models', join(dir, 'models')];
    all = JSON.parse(await cli('evaluate', ...args, '--truth', join(dir, 'world'), '--json'));
    one = JSON.parse(
      await cli(
        'evaluate',
        ...args,
        '--truth',
        join(dir, 'world'),
        '--from',
        '2024-03',
        '--to',
        '2024-03',
        '--json',
      ),
    );
    await cli('score', ...args, '--as-of', AS_OF, '--no-reasons', '--json');
  }, 600_000);

  it('reports the 6-month risk beside the oracle, on as-of dates with 6 months of truth after them', () => {
    const r = all.risk_6m!;
    // The world's truth ends in 2024-12: the last as-of date whose six windows it covers is 2024-07-01.
    expect(r.as_of).toEqual({ from: all.as_of.from, to: '2024-07-01', months: 16 });
    expect(all.as_of.to).toBe('2024-12-01');
    expect(Object.keys(r.definition).sort()).toEqual(['censoring', 'oracle', 'predicted', 'truth']);
    for (const g of [r.model, r.oracle, r.months_2_6.model, r.months_2_6.oracle]) {
      expect(g.n).toBe(r.n);
      expect(g.deciles).toHaveLength(10);
      expect(g.pearson_logit).toBeGreaterThan(-1);
      expect(g.pearson_logit).toBeLessThanOrEqual(1);
    }
    expect(r.censored).toBeGreaterThan(0);
    expect(r.matured).toBeGreaterThan(0);
    // The truths already known at the as-of date put the oracle above any model here.
    expect(r.oracle.pearson_logit).toBeGreaterThan(r.model.pearson_logit);
    // The monthly figures stay.
    expect(all.by_k.map((b) => b.k)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.next.n).toBeGreaterThan(0);
  });

  it("re-derives one as-of date's figures from the world's files and the scored hazards", async () => {
    const world = join(dir, 'world');
    const truth = new Map(
      (await csv(join(world, 'truth', 'hazard.csv'))).map((r) => [
        `${r.loan_id}|${r.month}`,
        Number(r.hazard),
      ]),
    );
    const dues = new Map<string, string[]>();
    for (const r of await csv(join(world, 'repayments.csv')))
      dues.set(r.loan_id!, [...(dues.get(r.loan_id!) ?? []), r.due_on!]);
    const maturity = new Map((await csv(join(world, 'loans.csv'))).map((r) => [r.loan_id!, r.maturity_on!]));
    const w = await openWarehouse(join(dir, 'w.duckdb'), { readOnly: true });
    let scored: { loan_id: string; hazard: number[] }[];
    try {
      scored = await w.all(
        `SELECT loan_id, hazard FROM scores WHERE as_of = DATE '${AS_OF}' ORDER BY loan_id`,
      );
    } finally {
      w.close();
    }
    const got = scored.flatMap((s) => {
      const ds = dues.get(s.loan_id) ?? [];
      const byDay = new Map(ds.map((d) => [dayNo(d), d]));
      const x = sixMonths(
        AS_OF,
        s.hazard,
        [...byDay.keys()],
        (d) => truth.get(`${s.loan_id}|${byDay.get(d)!.slice(0, 8)}01`),
        dayNo(maturity.get(s.loan_id)!),
      );
      return x ? [x] : [];
    });
    const r = one.risk_6m!;
    expect(r.as_of).toEqual({ from: AS_OF, to: AS_OF, months: 1 });
    expect(got.length).toBeGreaterThan(50);
    expect(r.n).toBe(got.length);
    expect(r.censored).toBe(got.filter((x) => x.censored).length);
    expect(r.matured).toBe(got.filter((x) => x.matured).length);
    expect(r.censored).toBeGreaterThan(0);
    const p = got.map((x) => x.p);
    const t = got.map((x) => x.t);
    const o = got.map((x) => x.o);
    expect(r.model.mean_predicted).toBeCloseTo(p.reduce((s, v) => s + v, 0) / p.length, 9);
    expect(r.model.mean_truth).toBeCloseTo(t.reduce((s, v) => s + v, 0) / t.length, 9);
    expect(r.model.pearson).toBeCloseTo(pearsonOf(p, t), 6);
    expect(r.model.pearson_logit).toBeCloseTo(pearsonOf(p.map(logitOf), t.map(logitOf)), 6);
    expect(r.oracle.pearson_logit).toBeCloseTo(pearsonOf(o.map(logitOf), t.map(logitOf)), 6);
    expect(r.oracle.mean_predicted).toBeCloseTo(o.reduce((s, v) => s + v, 0) / o.length, 9);
    // Deciles of the prediction: the same bins (ties aside, the scored hazards order the loans alike).
    const bins = agreement(p, t).deciles;
    r.model.deciles.forEach((d, i) => {
      expect(d.n).toBe(bins[i]!.n);
      expect(d.predicted).toBeCloseTo(bins[i]!.predicted, 9);
      expect(d.truth).toBeCloseTo(bins[i]!.truth, 9);
    });
  });
});
