/**
 * Acceptance run of `followup evaluate` and `followup backtest` on a generated world, all through the CLI, with
 * the figures printed (never asserted). Usage:
 *
 *   npm run bench:backtest -- [--borrowers 5000] [--seed 7] [--out DIR] [--searches 10]
 *
 *   generate ─► ingest ─► train (all data) ─► evaluate (vs truth) ─► score (last month)
 *   backtest (its own warehouse and models, trained on the data before the period; last 12 months replayed)
 * Acceptance: Pearson(predicted, true) ≥ 0.8 (printed for the next installment, for every installment not yet
 * due, and beside the persistence oracle's ceiling); coverage ≥ 1.3× fixed at no more calls, lower hang-up rate,
 * 0 violations. Output stays in --out (default .work/bench-backtest) for inspection.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';

const { values } = parseArgs({
  options: {
    borrowers: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '7' },
    out: { type: 'string', default: '.work/bench-backtest' },
    searches: { type: 'string', default: '10' },
  },
});
const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../src/cli/followup.mjs');
const out = values.out;
const world = join(out, 'world');
const wh = join(out, 'warehouse.duckdb');
const models = join(out, 'models');

async function cli(...args: string[]): Promise<unknown> {
  const t0 = performance.now();
  const { stdout } = await run('node', [CLI, ...args, '--json'], {
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 28,
  });
  console.log(`${args[0]}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return JSON.parse(stdout);
}

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await cli('generate', '--borrowers', values.borrowers, '--seed', values.seed, '--out', world);
await cli('ingest', '--warehouse', wh, world);
await cli('train', '--warehouse', wh, '--models', models);
type Ag = { n: number; pearson: number; pearson_logit: number; mean_predicted: number; mean_truth: number };
const ev = (await cli(
  'evaluate',
  '--warehouse',
  wh,
  '--models',
  models,
  '--truth',
  join(world, 'truth'),
)) as {
  overall: Ag;
  unseen: Ag;
  next: Ag;
  cumulative: Ag;
  unseen_ceiling: number;
  by_k: (Ag & { k: number; ceiling: number })[];
};
const f = (a: Ag) =>
  `Pearson ${a.pearson.toFixed(3)} (logit ${a.pearson_logit.toFixed(3)}), mean ${(100 * a.mean_predicted).toFixed(3)} % vs true ${(100 * a.mean_truth).toFixed(3)} %, n ${a.n}`;
console.log(`evaluate overall: ${f(ev.overall)}`);
console.log(`evaluate next installment (not yet due at as-of): ${f(ev.next)}`);
console.log(`evaluate risk over the unseen months per loan and as-of: ${f(ev.cumulative)}`);
console.log(
  `evaluate installments not yet due at as-of: ${f(ev.unseen)}; oracle ${ev.unseen_ceiling.toFixed(3)}`,
);
for (const b of ev.by_k) console.log(`  k=${b.k}: ${f(b)}; oracle ${b.ceiling.toFixed(3)}`);
const sc = (await cli(
  'score',
  '--warehouse',
  wh,
  '--models',
  models,
  '--as-of',
  '2025-12-01',
  '--no-reasons',
)) as {
  loans: number;
  mean_risk_6m: number;
};
console.log(`score 2025-12-01: ${sc.loans} loans, mean 6-month risk ${(100 * sc.mean_risk_6m).toFixed(2)} %`);

type M = {
  contacts: number;
  contacts_per_loan_year: number;
  onsets: number;
  coverage: number;
  coverage_lifecycle_only: number;
  median_lead_days: number;
  expected_hangup_rate: number;
  violations: number;
  capacity_overflow: number;
};
const bt = (await cli('backtest', '--world', world, '--searches', values.searches)) as {
  fixed: M;
  recommended: M;
  budget_scale: number;
  matched: boolean;
  coverage_ratio: number;
  period: { from: string; to: string };
};
const g = (m: M) =>
  `${m.contacts} calls (${m.contacts_per_loan_year.toFixed(2)}/loan-year), coverage ${(100 * m.coverage).toFixed(1)} % of ${m.onsets} onsets (lifecycle calls only ${(100 * m.coverage_lifecycle_only).toFixed(1)} %), median lead ${m.median_lead_days} d, expected hang-up ${(100 * m.expected_hangup_rate).toFixed(2)} %, violations ${m.violations}, overflow ${m.capacity_overflow}`;
console.log(
  `backtest ${bt.period.from} … ${bt.period.to}, budget × ${bt.budget_scale}, matched ${bt.matched}`,
);
console.log(`  fixed:       ${g(bt.fixed)}`);
console.log(`  recommended: ${g(bt.recommended)}`);
console.log(`  coverage ratio ${bt.coverage_ratio.toFixed(2)}×`);
