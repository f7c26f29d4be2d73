/**
 * `followup monitor --warehouse W [--models DIR] [--fail-on drift] [--level shift|watch] [--json]`: PSI per
 * feature and for the score between the training and the scored population, with sample-size-aware thresholds,
 * and performance on newly matured labels. With `--fail-on drift` a drift exits 5 (DriftError) after printing
 * the summary, for alerting from cron, systemd or Kubernetes.
 */

import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_MODELS_DIR } from '../../core/defaults.ts';
import { UsageError } from '../../core/errors.ts';
import { DriftError, type MonitorResult, runMonitor } from '../../lifecycle/index.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Options = z.object({
  warehouse: z.string().min(1),
  models: z.string().min(1).default(DEFAULT_MODELS_DIR),
  model: z.string().min(1).default('delinquency'),
  failOn: z.enum(['drift', 'never']).default('never'),
  level: z.enum(['watch', 'shift']).default('shift'),
  on: z.enum(['score', 'any']).default('score'),
  bins: z.coerce.number().int().min(2).max(100).default(10),
  waitLock: z.coerce.number().min(0).default(0),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command('monitor')
    .description(
      'Drift (PSI per feature and for the score) and performance on matured labels; exit 5 on drift.',
    )
    .requiredOption('--warehouse <file>', 'DuckDB warehouse (after train and score/recommend)')
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--model <name>', 'model whose populations are compared', 'delinquency')
    .option('--fail-on <what>', '`drift`: exit 5 when drift is found; `never` (default)', 'never')
    .option('--level <verdict>', 'verdict counted as drift: shift (PSI > 0.25) or watch (> 0.10)', 'shift')
    .option(
      '--on <what>',
      'what raises the alarm: score (default) or any (the score or any feature)',
      'score',
    )
    .option('--bins <n>', 'PSI bins over the training deciles', '10')
    .option('--wait-lock <seconds>', 'wait this long for another run to finish before refusing', '0')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) throw new UsageError(flagProblems('monitor', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const r = await withLockedWarehouse(
        o.warehouse,
        (w) =>
          runMonitor(
            w,
            { modelsDir: o.models, model: o.model, level: o.level, on: o.on, bins: o.bins },
            ctx.log,
          ),
        { waitLockSeconds: o.waitLock },
      );
      printSummary(ctx, o.json, r, () => human(r));
      if (o.failOn === 'drift' && r.drift)
        throw new DriftError(`drift in ${r.drifted.map((d) => d.feature).join(', ')}`, r);
    });
}

function human(r: MonitorResult): string {
  const top = r.features
    .slice(0, 8)
    .map(
      (f) =>
        `  ${f.feature.padEnd(28)} PSI ${f.psi.toFixed(3)}  noise ${f.noChange95.toFixed(3)}  ${f.verdict}`,
    );
  return [
    `${r.model} (champion ${r.champion ?? 'unknown'}):`,
    ...r.messages.map((m) => `- ${m}`),
    ...top,
  ].join('\n');
}
