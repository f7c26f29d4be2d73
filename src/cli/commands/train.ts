/**
 * `followup train --warehouse W [--models DIR] [--seed N] [--only delinquency|hangup] [--promote auto|always|never]
 *   [--period auto|month|week]`
 * Trains the delinquency hazard network and the hang-up network with their logistic baselines on an
 * out-of-time split, evaluates both on the test period, and saves them to the registry. A model the data cannot
 * support is replaced by its fallback (named in the summary under `fallbacks`); too little data for a fit is exit 2.
 * SIGINT/SIGTERM stop training after the current batch (exit 130/143), the warehouse lock released.
 */

import type { Command } from 'commander';
import { z } from 'zod';
import { AsOfDate } from '../../core/days.ts';
import { DEFAULT_MODELS_DIR, DEFAULT_SEED } from '../../core/defaults.ts';
import { UsageError } from '../../core/errors.ts';
import { trapInterrupts } from '../../core/interrupt.ts';
import { type FallbackEntry, type TrainedEntry, trainModels } from '../../train/run.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Options = z.object({
  warehouse: z.string().min(1),
  models: z.string().min(1).default(DEFAULT_MODELS_DIR),
  seed: z.coerce.number().int().default(DEFAULT_SEED),
  only: z.enum(['delinquency', 'hangup']).optional(),
  promote: z.enum(['auto', 'always', 'never']).default('auto'),
  epochs: z.coerce.number().int().positive().optional(),
  members: z.coerce.number().int().positive().optional(),
  priorShift: z.boolean().optional(),
  dataEnd: AsOfDate.optional(),
  period: z.enum(['auto', 'month', 'week']).default('auto'),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command('train')
    .description(
      'Train the delinquency hazard and hang-up networks (and logistic baselines) out of time; save to the registry.',
    )
    .requiredOption('--warehouse <file>', 'DuckDB warehouse with the contract tables')
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--seed <n>', 'random seed', String(DEFAULT_SEED))
    .option('--only <model>', 'train only `delinquency` or `hangup`')
    .option('--promote <mode>', 'auto (first model becomes champion) | always | never', 'auto')
    .option('--epochs <n>', 'most epochs (default 60, early stopping)')
    .option('--members <n>', 'ensemble members of each network (default 1; delinquency 3 below 2,000 onsets)')
    .option('--data-end <date>', 'last date whose events are known (default: latest in the warehouse)')
    .option(
      '--period <p>',
      'as-of period of the out-of-time split: auto (months, or ISO weeks when fewer than 3 months) | month | week',
      'auto',
    )
    .option(
      '--prior-shift',
      "move each model's calibration to the latest validation month's base rate when it differs by more than two standard errors (the model card reports the check either way)",
    )
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) throw new UsageError(flagProblems('train', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const common = {
        seed: o.seed,
        ...(o.epochs ? { epochs: o.epochs } : {}),
        ...(o.members ? { members: o.members } : {}),
        ...(o.priorShift ? { priorShift: true } : {}),
        // Only when asked: the default leaves the config, and so the model versions, as they were.
        ...(o.period !== 'auto' ? { period: o.period } : {}),
      };
      // Shares the CLI's trap (src/cli/main.ts); a trap of its own when called without it.
      const trap = trapInterrupts();
      let result: Awaited<ReturnType<typeof trainModels>>;
      try {
        result = await withLockedWarehouse(o.warehouse, (w) =>
          trainModels(
            w,
            {
              modelsDir: o.models,
              promote: o.promote,
              delinquency:
                o.only === 'hangup' ? false : { ...common, ...(o.dataEnd ? { dataEnd: o.dataEnd } : {}) },
              hangup: o.only === 'delinquency' ? false : common,
              signal: trap.signal,
            },
            ctx.log,
            ctx.clock,
          ),
        );
      } finally {
        trap.release();
      }
      const { models, fallbacks } = result;
      printSummary(ctx, o.json, { models, fallbacks }, () =>
        [...models.map(human), ...fallbacks.map(humanFallback)].join('\n'),
      );
    });
}

function humanFallback(f: FallbackEntry): string {
  return [
    `${f.name}: no model (${f.reason})`,
    `  fallback ${f.fallback}: ${f.champion ? `champion ${f.champion} from an earlier run stays in use` : f.effect}`,
  ].join('\n');
}

function human(e: TrainedEntry): string {
  const auc = (v: Record<string, number> | undefined) =>
    v
      ? Object.entries(v)
          .filter(([k]) => k.startsWith('auc'))
          .map(([k, x]) => `${k.replace('auc_', '')} ${x.toFixed(3)}`)
          .join(' ')
      : '';
  return [
    `${e.name} ${e.version}${e.promoted ? ' (champion)' : ''} on ${e.backend}, ${e.seconds.toFixed(1)} s, ${e.rows.train} train / ${e.rows.valid} valid rows${e.period === 'month' ? '' : `, split by ${e.period}`}`,
    `  test AUC network:  ${auc(e.test.network)}`,
    `  test AUC baseline: ${auc(e.test.baseline)}`,
    `  serves the ${e.champion === 'network' ? 'network' : 'logistic baseline'}: ${e.selection.reason}`,
  ].join('\n');
}
