/**
 * `followup train --warehouse W [--models DIR] [--seed N] [--only delinquency|hangup] [--promote auto|always|never]`
 * Trains the delinquency hazard network and the hang-up network with their logistic baselines on an
 * out-of-time split, evaluates both on the test months, and saves them to the registry.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../../core/errors.ts';
import { runTrain, type TrainedEntry } from '../../ops/train.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Options = z.object({
  warehouse: z.string().min(1),
  models: z.string().min(1).default('models'),
  seed: z.coerce.number().int().default(42),
  only: z.enum(['delinquency', 'hangup']).optional(),
  promote: z.enum(['auto', 'always', 'never']).default('auto'),
  epochs: z.coerce.number().int().positive().optional(),
  members: z.coerce.number().int().positive().optional(),
  dataEnd: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command('train')
    .description(
      'Train the delinquency hazard and hang-up networks (and logistic baselines) out of time; save to the registry.',
    )
    .requiredOption('--warehouse <file>', 'DuckDB warehouse with the contract tables')
    .option('--models <dir>', 'model registry root', 'models')
    .option('--seed <n>', 'random seed', '42')
    .option('--only <model>', 'train only `delinquency` or `hangup`')
    .option('--promote <mode>', 'auto (first model becomes champion) | always | never', 'auto')
    .option('--epochs <n>', 'most epochs (default 60, early stopping)')
    .option('--members <n>', 'ensemble members of each network (default 1; delinquency 3 below 2,000 onsets)')
    .option('--data-end <date>', 'last date whose events are known (default: latest in the warehouse)')
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
      };
      const entries = await withLockedWarehouse(o.warehouse, (w) =>
        runTrain(
          w,
          {
            modelsDir: o.models,
            promote: o.promote,
            delinquency:
              o.only === 'hangup' ? false : { ...common, ...(o.dataEnd ? { dataEnd: o.dataEnd } : {}) },
            hangup: o.only === 'delinquency' ? false : common,
          },
          ctx.log,
          ctx.clock,
        ),
      );
      printSummary(ctx, o.json, { models: entries }, () => entries.map(human).join('\n'));
    });
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
    `${e.name} ${e.version}${e.promoted ? ' (champion)' : ''} on ${e.backend}, ${e.seconds.toFixed(1)} s, ${e.rows.train} train / ${e.rows.valid} valid rows`,
    `  test AUC network:  ${auc(e.test.network)}`,
    `  test AUC baseline: ${auc(e.test.baseline)}`,
  ].join('\n');
}
