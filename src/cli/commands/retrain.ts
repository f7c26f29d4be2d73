/**
 * `followup retrain --warehouse W [--models DIR] [--margin 0.005] [--json]`: trains a challenger on the latest
 * window, scores champion and challenger on the challenger's out-of-time test months, and promotes the
 * challenger only when its AUC is better by the margin without a calibration regression. Says why either way.
 */

import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_MODELS_DIR, DEFAULT_SEED } from '../../core/defaults.ts';
import { UsageError } from '../../core/errors.ts';
import { DEFAULT_RULE, type RetrainOutcome, runRetrain } from '../../lifecycle/index.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Options = z.object({
  warehouse: z.string().min(1),
  models: z.string().min(1).default(DEFAULT_MODELS_DIR),
  margin: z.coerce.number().min(0).max(1).default(DEFAULT_RULE.margin),
  brierTolerance: z.coerce.number().min(0).max(1).default(DEFAULT_RULE.brierTolerance),
  eceTolerance: z.coerce.number().min(0).max(1).default(DEFAULT_RULE.eceTolerance),
  only: z.enum(['delinquency', 'hangup']).optional(),
  seed: z.coerce.number().int().default(DEFAULT_SEED),
  epochs: z.coerce.number().int().positive().optional(),
  waitLock: z.coerce.number().min(0).default(0),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command('retrain')
    .description('Train a challenger, compare it with the champion out of time, promote only if better.')
    .requiredOption('--warehouse <file>', 'DuckDB warehouse with the contract tables')
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--margin <auc>', 'least AUC gain to promote', String(DEFAULT_RULE.margin))
    .option('--brier-tolerance <x>', 'largest Brier increase tolerated', String(DEFAULT_RULE.brierTolerance))
    .option('--ece-tolerance <x>', 'largest ECE increase tolerated', String(DEFAULT_RULE.eceTolerance))
    .option('--only <model>', 'retrain only `delinquency` or `hangup`')
    .option('--seed <n>', 'random seed', String(DEFAULT_SEED))
    .option('--epochs <n>', 'most epochs (default 60, early stopping)')
    .option('--wait-lock <seconds>', 'wait this long for another run to finish before refusing', '0')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) throw new UsageError(flagProblems('retrain', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const common = { seed: o.seed, ...(o.epochs ? { epochs: o.epochs } : {}) };
      const outcomes = await withLockedWarehouse(
        o.warehouse,
        (w) =>
          runRetrain(
            w,
            {
              modelsDir: o.models,
              rule: { margin: o.margin, brierTolerance: o.brierTolerance, eceTolerance: o.eceTolerance },
              delinquency: o.only === 'hangup' ? false : common,
              hangup: o.only === 'delinquency' ? false : common,
            },
            ctx.log,
            ctx.clock,
          ),
        { waitLockSeconds: o.waitLock },
      );
      printSummary(ctx, o.json, { models: outcomes }, () => outcomes.map(human).join('\n'));
    });
}

function human(o: RetrainOutcome): string {
  const head = {
    promoted: `promoted challenger ${o.challenger} over ${o.champion}`,
    first: `promoted ${o.challenger} (no champion yet)`,
    kept: `kept champion ${o.champion}; challenger ${o.challenger} not promoted`,
    identical: `kept champion ${o.champion} (challenger identical)`,
  }[o.decision];
  const c = o.comparison;
  const on = c ? `\n  on ${c.n} test rows from ${c.testFrom} (${c.events} events)` : '';
  return `${o.name}: ${head}${on}\n${o.reasons.map((r) => `  - ${r}`).join('\n')}`;
}
