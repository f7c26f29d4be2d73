/**
 * Acceptance run of `followup evaluate` and `followup backtest` on a generated world, all through the CLI, with
 * the figures printed (never asserted). Usage:
 *
 *   npm run bench:backtest -- [--borrowers 5000] [--seed 11] [--out DIR] [--searches 14]
 *   npm run bench:backtest -- --borrowers 20000 --seed 23
 *
 *   generate ─► ingest ─► train (all data) ─► evaluate (vs truth) ─► score (last month)
 *   backtest (its own warehouse and models, trained on the data before the period; last 12 months replayed):
 *   fixed, tiered, random, risk-based and oracle policies at the fixed practice's volume, with and without
 *   collection calls
 * Acceptance (issue "decisions"): on the 5,000/seed 11 and 20,000/seed 23 worlds, risk-based pre-delinquency reach
 * ≥ 1.3× fair fixed with the interval above 1, true hang-up ≤ 0.8× fixed, ≥ 50 % of the oracle's gain, 0
 * violations, above tiered. Output stays in --out (default .work/bench-backtest) for inspection.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';

const { values } = parseArgs({
  options: {
    borrowers: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '11' },
    out: { type: 'string', default: '.work/bench-backtest' },
    searches: { type: 'string', default: '14' },
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
type Ag = {
  n: number;
  pearson: number;
  pearson_logit: number;
  mean_predicted: number;
  mean_truth: number;
  deciles: { predicted: number; truth: number }[];
};
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
  risk_6m: {
    n: number;
    censored: number;
    matured: number;
    as_of: { from: string; to: string };
    model: Ag;
    oracle: Ag;
    months_2_6: { model: Ag; oracle: Ag };
  } | null;
  risk_6m_skipped?: string;
};
const f = (a: Ag) =>
  `Pearson ${a.pearson.toFixed(3)} (logit ${a.pearson_logit.toFixed(3)}), mean ${(100 * a.mean_predicted).toFixed(3)} % vs true ${(100 * a.mean_truth).toFixed(3)} %, n ${a.n}`;
const r6 = ev.risk_6m;
if (r6) {
  console.log(
    `evaluate 6-month risk per loan and as-of (${r6.as_of.from} … ${r6.as_of.to}; ${r6.censored} censored, ${r6.matured} maturing): ${f(r6.model)}; persistence oracle ${f(r6.oracle)}`,
  );
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  console.log(
    `  by decile: ${r6.model.deciles.map((d) => `${pct(d.predicted)}/${pct(d.truth)}`).join(', ')}`,
  );
  console.log(`  months 2–6 alone: ${f(r6.months_2_6.model)}; oracle ${f(r6.months_2_6.oracle)}`);
} else console.log(`evaluate 6-month risk: not computed (${ev.risk_6m_skipped})`);
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

// The policy backtest runs on its own warehouse and models (trained before the period), from the same world.
type Iv = { value: number; lo: number; hi: number };
type P = {
  attempts: number;
  volume_gap: number;
  matched: boolean;
  scale: number;
  reach: Iv;
  hangup_rate: Iv;
  answered_rate: number;
  coverage: number;
  median_lead_days: number;
  violations: number;
};
type C = {
  volume: number;
  episodes: number;
  policies: Record<string, P>;
  reach_ratio: Iv;
  hangup_ratio: Iv;
  reach_vs_tiered: Iv;
  oracle_gain_share: Iv;
};
const t0 = performance.now();
const bt = (await cli('backtest', '--world', world, '--searches', values.searches)) as {
  main: C;
  no_collection: C;
  shipped: { attempts: number; reach: number; hangup_rate: number };
  practice_hour: { hour: number };
  period: { from: string; to: string };
  seconds: number;
};
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const iv = (x: Iv, f = pct) => `${f(x.value)} [${f(x.lo)}, ${f(x.hi)}]`;
const x2 = (v: number) => `${v.toFixed(2)}×`;
const show = (label: string, c: C) => {
  console.log(`${label}: ${c.episodes} episodes, ${c.volume} attempts each`);
  for (const [name, m] of Object.entries(c.policies))
    console.log(
      `  ${name.padEnd(7)} ${m.attempts} attempts (${(100 * m.volume_gap).toFixed(2)} %${m.matched ? '' : ', NOT matched'}, × ${m.scale.toFixed(3)}), reach ${iv(m.reach)}, hang-up ${iv(m.hangup_rate)}, answered ${pct(m.answered_rate)}, coverage ${pct(m.coverage)}, lead ${m.median_lead_days} d, violations ${m.violations}`,
    );
  console.log(
    `  risk vs fixed: reach ${iv(c.reach_ratio, x2)}, hang-up ${iv(c.hangup_ratio, x2)}; risk − tiered reach ${iv(c.reach_vs_tiered)}; oracle's gain captured ${iv(c.oracle_gain_share)}`,
  );
};
console.log(
  `backtest ${bt.period.from} … ${bt.period.to}: practice hour ${bt.practice_hour.hour}:00; ${bt.seconds.toFixed(0)} s in the backtest (${((performance.now() - t0) / 1000).toFixed(0)} s with ingest and training)`,
);
show('all calls', bt.main);
show('collection calls off', bt.no_collection);
console.log(
  `shipped policy unscaled: ${bt.shipped.attempts} attempts, reach ${pct(bt.shipped.reach)}, hang-up ${pct(bt.shipped.hangup_rate)}`,
);
