/**
 * How far better reading of the contact history could take true hang-ups: the risk-based policy replayed on a
 * backtest world (after `followup backtest --world W`) twice with the same models, calendars and volume —
 *   learnt: the contact classes fitted on the book, as shipped;
 *   bound:  the generator's own contact personas in their place (its band offsets, pick-up chances, own-contact
 *           hours and shares by loan type; the book's rate per band): the posterior of a borrower is then the
 *           best reading of their history there is, short of knowing the persona (which the oracle does).
 * The gap between the two is what a better class model could still win; the gap from `bound` to the oracle is
 * information the history does not hold. Prints figures; asserts nothing. Usage:
 *
 *   npm run bench:contact-bound -- --world .work/w11
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap, episodeLoans, judge, type LoanSums, totals } from '../../src/backtest/judge.ts';
import { inScope, loanOutcomes } from '../../src/backtest/outcomes.ts';
import { prepareMonths, replay } from '../../src/backtest/replay.ts';
import { attemptsOf } from '../../src/backtest/run.ts';
import { installments, loadWorldTruth, preHistory } from '../../src/backtest/world.ts';
import { dayOf } from '../../src/core/days.ts';
import { createLogger } from '../../src/core/log.ts';
import { addMonths, monthRange } from '../../src/core/months.ts';
import { defaultDataEnd } from '../../src/features/index.ts';
import { DEFAULT_PARAMS } from '../../src/generate/defaults.ts';
import { BAND_COUNT, type BandRates } from '../../src/recommend/bands.ts';
import type { ContactClasses } from '../../src/recommend/classes.ts';
import { loadPolicy } from '../../src/recommend/index.ts';
import { openWarehouse } from '../../src/warehouse/db.ts';

const { values } = parseArgs({ options: { world: { type: 'string', default: '.work/w11' } } });
const world = values.world;
const results = JSON.parse(await readFile(join(world, 'backtest_results.json'), 'utf8'));
const period: { from: string; to: string } = results.period;
const fixed = results.main.policies.fixed;
const oracle = results.main.policies.oracle;

/** The generator's personas as a class model (weekends: the persona's weekend offset and miss chance). */
function personaClasses(book: BandRates): ContactClasses {
  const ps = Object.values(DEFAULT_PARAMS.hangup.personas);
  const bias = DEFAULT_PARAMS.world.inboundBandBias;
  const types = Object.keys(ps[0]!.share) as (keyof (typeof ps)[0]['share'])[];
  const shareOf = (t: (typeof types)[number]) => {
    const s = ps.map((p) => p.share[t]);
    const tot = s.reduce((a, b) => a + b, 0);
    return s.map((x) => x / tot);
  };
  const mean = shareOf(types[0]!);
  const offset = (p: (typeof ps)[0], b: number) => (b < 4 ? p.band[b]! : p.weekend);
  const lg = (x: number) => Math.log(x / (1 - x));
  const sg = (x: number) => 1 / (1 + Math.exp(-x));
  // The book's band rate is the population's; a persona's rate shifts it by the persona's offset from the mean.
  const base = book.hang.map((h, b) => lg(h) - ps.reduce((a, p, k) => a + mean[k]! * offset(p, b), 0));
  return {
    share: mean,
    share_by_type: Object.fromEntries(types.map((t) => [t, shareOf(t)])),
    rates: ps.map((p) => ({
      hang: base.map((z, b) => sg(z + offset(p, b))),
      pickup: Array.from({ length: BAND_COUNT }, (_, b) => 1 - (b < 4 ? p.miss[b]! : p.missWeekend)),
    })),
    // Own contacts are counted by time of day (weekends included), so the weekend bucket stays empty.
    inbound: ps.map((p) => {
      const w = p.band.map((o) => Math.exp(-bias * o));
      const t = w.reduce((a, b) => a + b, 0);
      return [...w.map((x) => x / t), 1e-9];
    }),
    logLik: 0,
  };
}

// A copy: the replay's temporary tables never touch the backtest's warehouse.
const dir = await mkdtemp(join(tmpdir(), 'contact-bound-'));
const db = join(dir, 'backtest.duckdb');
await copyFile(join(world, 'backtest.duckdb'), db);
const w = await openWarehouse(db);
try {
  const log = createLogger({ level: 'warn' });
  const policy = loadPolicy(undefined);
  // As the backtest: capacity 'auto' has no plan to derive it from, so it runs unlimited.
  if (policy.capacity.daily === 'auto') policy.capacity.daily = null;
  const months = monthRange(period.from, period.to);
  const fromDay = dayOf(months[0]!);
  const toDay = dayOf(addMonths(months.at(-1)!, 1));
  const loans = await loanOutcomes(w, (await defaultDataEnd(w))!);
  const byId = new Map(loans.map((o) => [o.loan_id, o]));
  const truth = await loadWorldTruth(w, world);
  const pre = await preHistory(w, months[0]!);
  const prepared = await prepareMonths(
    w,
    join(world, 'backtest-models'),
    months,
    log,
    policy.contact.lookback_days,
  );
  const inst = await installments(
    w,
    episodeLoans(loans, fromDay, toDay).map((o) => o.loan_id),
  );
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  console.log(
    `world ${world}, ${months[0]} … ${months.at(-1)}; from its backtest run (backtest_results.json): fair fixed ` +
      `${pct(fixed.hangup_rate.value)} true hang-up, oracle ${pct(oracle.hangup_rate.value)}`,
  );
  const personas = [...new Set([...truth.borrowers.values()].map((t) => t.traits.persona))].sort();
  const weightOf = (p: string) =>
    Float64Array.from(loans, (o) => (truth.borrowers.get(o.borrower_id)?.traits.persona === p ? 1 : 0));
  const sums: Record<string, LoanSums> = {};
  for (const variant of ['learnt', 'bound'] as const) {
    const ms =
      variant === 'learnt'
        ? prepared
        : prepared.map((m) =>
            m.contactPriors?.classes
              ? { ...m, contactPriors: { ...m.contactPriors, classes: personaClasses(m.contactPriors.book) } }
              : m,
          );
    const made = (await replay(ms, byId, policy, { truth, pre })).contacts.filter((c) => {
      const o = byId.get(c.loan_id);
      return o !== undefined && inScope(o, c.day);
    });
    const s = judge(made, loans, truth, pre, inst, fromDay, toDay);
    sums[variant] = s;
    const t = totals(s);
    const by = personas.map((p) => `${p} ${pct(totals(s, weightOf(p)).hangup_rate)}`).join(', ');
    console.log(
      `${variant.padEnd(6)}: true hang-up ${pct(t.hangup_rate)} (${(t.hangup_rate / fixed.hangup_rate.value).toFixed(3)}× fair fixed), ` +
        `reach ${pct(t.reach)}, ${attemptsOf(made)} attempts; by persona ${by}`,
    );
  }
  // Both replays judged on the same loans: a paired bootstrap over loans gives the interval of the difference.
  const d = bootstrap(sums, (t) => ({ diff: t.bound!.hangup_rate - t.learnt!.hangup_rate }), 1000, 7).diff!;
  console.log(
    `bound − learnt: ${(100 * d.value).toFixed(2)} points [${(100 * d.lo).toFixed(2)}, ${(100 * d.hi).toFixed(2)}] (95 %, paired bootstrap over loans)`,
  );
} finally {
  w.close();
  await rm(dir, { recursive: true, force: true });
}
