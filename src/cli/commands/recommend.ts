/**
 * `followup recommend --warehouse W --as-of DATE [--policy P] [--models DIR]`: the next follow-up of every
 * active loan (date and allowed window, purpose, cadence, risk, best local hour window, channel,
 * pre-notification, priority, reasons) into `recommendations`.
 */

import type { Command } from 'commander';
import { z } from 'zod';
import { AsOfDate } from '../../core/days.ts';
import { DEFAULT_MODELS_DIR } from '../../core/defaults.ts';
import { UsageError } from '../../core/errors.ts';
import { type RecommendSummary, runRecommend } from '../../recommend/run.ts';
import { parseShard, shardLabel, shardLoanIds } from '../../shard/index.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Options = z.object({
  warehouse: z.string().min(1),
  asOf: AsOfDate,
  policy: z.string().optional(),
  scripts: z.string().optional(),
  models: z.string().min(1).default(DEFAULT_MODELS_DIR),
  shard: z.string().optional(),
  waitLock: z.coerce.number().min(0).default(0),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command('recommend')
    .description(
      'Recommend the next follow-up of every active loan (risk-based interval, best hour, notice, capacity).',
    )
    .requiredOption('--warehouse <file>', 'DuckDB warehouse')
    .requiredOption('--as-of <date>', 'as-of date YYYY-MM-DD')
    .option('--policy <file>', 'policy YAML (default: src/config/policy.default.yaml)')
    .option(
      '--scripts <file>',
      'script library YAML laid over src/config/scripts.default.yaml (entries replace by id)',
    )
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--shard <K/N>', 'only loans whose md5(loan_id) shard is K of N (see src/shard)')
    .option('--wait-lock <seconds>', 'wait this long for another run to finish before refusing', '0')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) throw new UsageError(flagProblems('recommend', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const shard = o.shard === undefined ? undefined : parseShard(o.shard);
      const summary = await withLockedWarehouse(
        o.warehouse,
        async (w) =>
          runRecommend(
            w,
            {
              modelsDir: o.models,
              asOf: o.asOf,
              ...(o.policy ? { policy: o.policy } : {}),
              ...(o.scripts ? { scripts: o.scripts } : {}),
              ...(shard ? { shard: shardLabel(shard), loanIds: await shardLoanIds(w, shard) } : {}),
            },
            ctx.log,
            ctx.clock,
          ),
        { waitLockSeconds: o.waitLock },
      );
      printSummary(ctx, o.json, summary, () => human(summary));
    });
}

function human(s: RecommendSummary): string {
  const by = Object.entries(s.stats.by_purpose)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `run ${s.run_id}: ${s.stats.recommendations} follow-ups for ${s.stats.loans} loans (${by}); ${s.stats.prenotified} pre-notified, ${s.stats.moved} moved for a daily capacity of ${s.stats.capacity_daily ?? 'unlimited'}, ${s.stats.overflow} over capacity`,
    ...s.by_purpose.map(
      (r) =>
        `  ${r.purpose.padEnd(10)} ${String(r.n).padStart(7)}  risk at due ${(100 * r.mean_risk_at_due).toFixed(2)} %  hang-up ${(100 * r.mean_hangup_risk).toFixed(1)} %  notice ${(100 * r.prenotified_share).toFixed(0)} %  cadence ${r.mean_cadence_days.toFixed(0)} d`,
    ),
    `next actions: ${Object.entries(s.talk.next_actions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; scripts ${s.scripts_version.slice(0, 12)}`,
    `models: delinquency ${s.models.delinquency}, hangup ${s.models.hangup}; policy ${s.policy_version.slice(0, 12)}; ${s.seconds.toFixed(1)} s`,
    ...s.skipped.map((k) => `skipped ${k.loan_id}: ${k.column} ${JSON.stringify(k.value)}, ${k.reason}`),
  ].join('\n');
}
