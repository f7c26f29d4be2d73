/**
 * `followup backtest --world DIR [--warehouse W] [--models DIR] [--policy P] [--from M --to M]`: replays a
 * generated world month by month and compares the risk-based schedule with the fixed practice at the same
 * number of follow-ups. A missing warehouse is ingested from the world; a registry without champions is trained
 * on the data before the period. Writes backtest_results.json beside the warehouse (the report reads it there).
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { POLICIES, type PolicyMetrics, runBacktest } from '../../backtest/run.ts';
import { isIsoDate } from '../../core/days.ts';
import { BadInputError, UsageError } from '../../core/errors.ts';
import { addDays, addMonths, monthStart } from '../../core/months.ts';
import { runIngest } from '../../ingest/run.ts';
import { championVersion } from '../../models/index.ts';
import { runTrain } from '../../train/run.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Month = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'must be a month YYYY-MM or a date YYYY-MM-DD');

const Options = z.object({
  world: z.string().min(1),
  warehouse: z.string().min(1).optional(),
  models: z.string().min(1).optional(),
  policy: z.string().min(1).optional(),
  from: Month.optional(),
  to: Month.optional(),
  searches: z.coerce.number().int().min(1).max(40).default(14),
  replicates: z.coerce.number().int().min(20).max(5000).default(400),
  ablation: z.boolean().default(true),
  epochs: z.coerce.number().int().min(1).optional(),
  out: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

/** Last day of the generated world, from truth/params.json. */
function worldEnd(world: string): string {
  const p = join(world, 'truth', 'params.json');
  if (!existsSync(p))
    throw new BadInputError(`${world} is not a generated world: ${p} is missing`, {
      place: { file: world },
      hint: 'pass --world the folder written by `followup generate`',
    });
  const end = (JSON.parse(readFileSync(p, 'utf8')) as { end?: unknown }).end;
  if (typeof end !== 'string' || !isIsoDate(end))
    throw new BadInputError(`${p}: expected "end" as YYYY-MM-DD, found ${JSON.stringify(end)}`, {
      place: { file: p },
    });
  return end;
}

export function register(program: Command): void {
  program
    .command('backtest')
    .description(
      'Replay a generated world: fixed, tiered, random, risk-based and oracle policies at the same contact count, judged by its truth.',
    )
    .requiredOption('--world <dir>', 'world folder written by `followup generate`')
    .option(
      '--warehouse <file>',
      'warehouse of the world (default <world>/backtest.duckdb, ingested if missing)',
    )
    .option(
      '--models <dir>',
      'model registry (default <world>/backtest-models, trained before the period if empty)',
    )
    .option('--policy <file>', 'policy YAML (default the shipped policy)')
    .option('--from <month>', 'first month of the period (default: 12 months before the world ends)')
    .option('--to <month>', 'last month of the period (default: the last whole month of the world)')
    .option('--searches <n>', 'most replays spent matching each policy to the fixed volume (default 14)')
    .option('--replicates <n>', 'bootstrap replicates over loans for the intervals (default 400)')
    .option('--no-ablation', 'skip the second comparison with collection calls off')
    .option('--epochs <n>', 'most training epochs when the models are trained here')
    .option('--out <file>', 'results JSON (default backtest_results.json beside the warehouse)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) throw new UsageError(flagProblems('backtest', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const end = worldEnd(o.world);
      // The last whole month: a world ending mid-month leaves that month's onsets unseen.
      const lastWhole = addMonths(monthStart(addDays(end, 1)), -1);
      const to = o.to ? monthStart(o.to) : lastWhole;
      const from = o.from ? monthStart(o.from) : addMonths(to, -11);
      if (from > to) throw new UsageError(`backtest: --from ${from} is after --to ${to}`);
      const warehouse = o.warehouse ?? join(o.world, 'backtest.duckdb');
      const models = o.models ?? join(o.world, 'backtest-models');
      const out = o.out ?? join(dirname(warehouse), 'backtest_results.json');
      const fresh = !existsSync(warehouse);
      const result = await withLockedWarehouse(
        warehouse,
        async (w) => {
          if (fresh) await runIngest(w, { paths: [o.world] }, { log: ctx.log, clock: ctx.clock });
          if (!(await championVersion(models, 'delinquency')) || !(await championVersion(models, 'hangup'))) {
            // Train once on what was known before the period: labels end the day before it, attempts too.
            const ep = o.epochs ? { epochs: o.epochs } : {};
            await runTrain(
              w,
              {
                modelsDir: models,
                delinquency: { dataEnd: addDays(from, -1), ...ep },
                hangup: { to: from, ...ep },
              },
              ctx.log,
              ctx.clock,
            );
          }
          return runBacktest(
            w,
            {
              modelsDir: models,
              world: o.world,
              from,
              to,
              searches: o.searches,
              replicates: o.replicates,
              ablation: o.ablation,
              out,
              ...(o.policy ? { policy: o.policy } : {}),
            },
            ctx.log,
          );
        },
        { mustExist: false },
      );
      printSummary(ctx, o.json, { ...result, results_file: out }, () => {
        const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
        const iv = (x: { value: number; lo: number; hi: number }, f = pct) =>
          `${f(x.value)} [${f(x.lo)}, ${f(x.hi)}]`;
        const line = (name: string, m: PolicyMetrics) =>
          `  ${name.padEnd(7)} ${String(m.attempts).padStart(7)} attempts (${(100 * m.volume_gap).toFixed(2)} %${m.matched ? '' : ', NOT matched'}, × ${m.scale.toFixed(3)}), reach ${iv(m.reach)}, hang-up ${iv(m.hangup_rate)}, answered ${pct(m.answered_rate)}, violations ${m.violations}`;
        const c = result.main;
        const x2 = (v: number) => `${v.toFixed(2)}×`;
        return [
          `backtest ${result.period.from} … ${result.period.to} (${result.period.months} months), ${c.episodes} episodes, ${c.volume} attempts each; practice hour ${result.practice_hour.hour}:00`,
          ...POLICIES.map((p) => line(p, c.policies[p])),
          `  risk vs fixed: reach ${iv(c.reach_ratio, x2)}, hang-up ${iv(c.hangup_ratio, x2)}; risk − tiered reach ${iv(c.reach_vs_tiered)}; share of the oracle's gain ${iv(c.oracle_gain_share)}`,
          `  risk's own calls at ${result.practice_hour.hour}:00 after an SMS (personal hour and channel off): reach ${iv(c.timing_off.reach)}, hang-up ${iv(c.timing_off.hangup_rate)} (${iv(c.timing_off.hangup_ratio, x2)} of fixed)`,
          `  shipped policy unscaled: ${result.shipped.attempts} attempts, reach ${pct(result.shipped.reach)}`,
          ...(result.no_collection
            ? [
                `  without collection calls: reach ratio ${iv(result.no_collection.reach_ratio, x2)}, oracle share ${iv(result.no_collection.oracle_gain_share)}`,
              ]
            : []),
          `  results in ${out}`,
        ].join('\n');
      });
    });
}
