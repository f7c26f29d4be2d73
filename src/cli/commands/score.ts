/**
 * `followup score --warehouse W --as-of DATE [--models DIR]`: the champion delinquency model over every loan
 * active at the as-of date → table `scores` (monthly hazards, 3- and 6-month risk, reasons in words).
 */

import type { Command } from 'commander';
import { z } from 'zod';
import { AsOfDate } from '../../core/days.ts';
import { DEFAULT_MODELS_DIR } from '../../core/defaults.ts';
import { UsageError } from '../../core/errors.ts';
import { scoreLoans } from '../../score/run.ts';
import { parseShard, shardLabel, shardLoanIds, shardPredicateSql } from '../../shard/index.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Options = z.object({
  warehouse: z.string().min(1),
  asOf: AsOfDate,
  models: z.string().min(1).default(DEFAULT_MODELS_DIR),
  reasons: z.boolean().default(true),
  shard: z.string().optional(),
  waitLock: z.coerce.number().min(0).default(0),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command('score')
    .description('Score every active loan with the champion delinquency model into the `scores` table.')
    .requiredOption('--warehouse <file>', 'DuckDB warehouse')
    .requiredOption('--as-of <date>', 'as-of date YYYY-MM-DD')
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--no-reasons', 'skip reason codes (faster)')
    .option('--shard <K/N>', 'only loans whose md5(loan_id) shard is K of N (see src/shard)')
    .option('--wait-lock <seconds>', 'wait this long for another run to finish before refusing', '0')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) throw new UsageError(flagProblems('score', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const shard = o.shard === undefined ? undefined : parseShard(o.shard);
      const t0 = performance.now();
      const summary = await withLockedWarehouse(
        o.warehouse,
        // The summary's query inside the scores' transaction: exit 143 (stopped) always means nothing was written.
        async (w) =>
          w.tx(async () => {
            const loanIds = shard ? await shardLoanIds(w, shard) : undefined;
            const s = await scoreLoans(
              w,
              { modelsDir: o.models, asOf: o.asOf, reasons: o.reasons, ...(loanIds ? { loanIds } : {}) },
              ctx.log,
            );
            const dist = await w.one<{ n: number; mean6: number; p90: number }>(
              `SELECT count(*)::INTEGER AS n, avg(risk_6m) AS mean6, quantile_cont(risk_6m, 0.9) AS p90
           FROM scores WHERE as_of = $1::DATE ${shard ? `AND loan_id IN (SELECT loan_id FROM loans WHERE ${shardPredicateSql('borrower_id', shard)})` : ''}`,
              [o.asOf],
            );
            return {
              as_of: o.asOf,
              shard: shard ? shardLabel(shard) : null,
              model: s.version,
              // Set when no delinquency model was trained: why, and that the hazards are the fallback's zeros.
              fallback: s.fallback ? { kind: s.fallback.fallback, reason: s.fallback.reason } : null,
              loans: s.state.n,
              mean_risk_6m: dist?.mean6 ?? null,
              p90_risk_6m: dist?.p90 ?? null,
              seconds: (performance.now() - t0) / 1000,
              phases: s.seconds,
              // The model alone, without features, reasons and writes: what a scorer embedded elsewhere would see.
              model_loans_per_s: s.seconds.predict > 0 ? Math.round(s.state.n / s.seconds.predict) : null,
            };
          }),
        { waitLockSeconds: o.waitLock },
      );
      printSummary(
        ctx,
        o.json,
        summary,
        () =>
          `scored ${summary.loans} loans at ${summary.as_of} with delinquency ${summary.model}: mean 6-month risk ${(100 * (summary.mean_risk_6m ?? 0)).toFixed(2)} %, p90 ${(100 * (summary.p90_risk_6m ?? 0)).toFixed(2)} % (${summary.seconds.toFixed(1)} s)`,
      );
    });
}
