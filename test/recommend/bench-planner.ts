/**
 * Planner throughput: `npm run bench:recommend [-- <loans> [<daily capacity>]]` (default 1,000,000 loans, capacity
 * loans/60 a day). Synthetic borrowers and the cheap synthetic scorer (test/recommend/synthetic.ts); records are
 * streamed and counted, as the warehouse writer would consume them. Prints seconds per stage and peak RSS; timings
 * are figures to read, never assertions.
 */
import { loadPolicy, planFollowUps } from '../../src/recommend/index.ts';
import { syntheticLoans, syntheticScorer } from './synthetic.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const policy = loadPolicy();
policy.capacity.daily = Number(process.argv[3] ?? Math.ceil(n / 60));
const asOf = '2026-03-02';

const t0 = performance.now();
const loans = syntheticLoans(n, asOf, 7);
const t1 = performance.now();
const rssInput = process.memoryUsage().rss / 1024 / 1024;
const cpu0 = process.cpuUsage();
let count = 0;
let reasons = 0;
const result = await planFollowUps({
  asOf,
  loans,
  policy,
  hangup: syntheticScorer,
  modelVersions: { delinquency: 'bench', hangup: 'bench' },
  onRecommendation: (r) => {
    count++;
    reasons += r.reasons.length;
  },
});
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const rssMb = process.resourceUsage().maxRSS / 1024;
const fmt = (ms: number) => (ms / 1000).toFixed(1);
console.log(`loans                 ${n.toLocaleString('en')}`);
console.log(`generate input        ${fmt(t1 - t0)} s (not part of the planner)`);
console.log(
  `plan (all stages)     ${fmt(t2 - t1)} s  = ${Math.round(n / ((t2 - t1) / 1000)).toLocaleString('en')} loans/s`,
);
console.log(
  `plan CPU time         ${fmt((cpu.user + cpu.system) / 1000)} s (user + system; wall time suffers when the machine is shared)`,
);
console.log(
  `recommendations       ${count.toLocaleString('en')} (${(reasons / Math.max(1, count)).toFixed(2)} reasons each)`,
);
console.log(
  `scored slots          ${result.stats.scored_slots.toLocaleString('en')} in ${result.stats.scorer_calls} scorer calls`,
);
console.log(
  `daily capacity        ${policy.capacity.daily} → moved ${result.stats.moved}, overflow ${result.stats.overflow} on ${result.overflow.length} days`,
);
console.log(`RSS after input       ${rssInput.toFixed(0)} MB (the 1M input objects themselves)`);
console.log(`peak RSS              ${rssMb.toFixed(0)} MB`);
