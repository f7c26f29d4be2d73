/**
 * `followup evaluate --warehouse W --truth DIR [--models DIR] [--from M --to M]`: the champion delinquency
 * model's monthly hazards against the generator's true hazards (Pearson on both scales, decile calibration), and
 * the cumulative 6-month risk per (loan, as-of) against the true one beside a persistence oracle.
 */

import type { Command } from 'commander';
import { z } from 'zod';
import { type Risk6m, runTruthEvaluation } from '../../backtest/evaluate-truth.ts';
import { DEFAULT_MODELS_DIR } from '../../core/defaults.ts';
import { UsageError } from '../../core/errors.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Month = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'must be a month YYYY-MM or a date YYYY-MM-DD');

const Options = z.object({
  warehouse: z.string().min(1),
  models: z.string().min(1).default(DEFAULT_MODELS_DIR),
  truth: z.string().min(1),
  from: Month.optional(),
  to: Month.optional(),
  json: z.boolean().optional(),
});

/** `YYYY-MM` or `YYYY-MM-DD` → the month's first day. */
const firstDay = (m: string | undefined) => (m ? `${m.slice(0, 7)}-01` : undefined);

export function register(program: Command): void {
  program
    .command('evaluate')
    .description(
      "Compare the champion delinquency model's monthly hazards and 6-month risks with the generator's true ones.",
    )
    .addHelpText(
      'after',
      `
6-month risk per (loan, as-of): predicted 1 − Π(1 − h_k) over the champion's
hazards k = 1…6; "true" the same product over the generator's hazards of the
installments whose onset (due + 30 days) falls in those 6 months, as it drew
them along the path the world took. Later months depend on events after the
as-of date, and month 1's installment is nearly always already due (the model
has seen its payment; its true hazard is the ex-ante one): "months 2–6 alone"
leaves it out. Windows past maturity count 0 on both sides; after a first onset
or a prepayment the true side holds the loan's last true hazard. The persistence
oracle knows the true hazards set by the as-of date (the installment already
due and the next one, latent frailty and shocks included) and holds the next
one's. Only as-of dates with 6 months of truth after them count.`,
    )
    .requiredOption('--warehouse <file>', 'DuckDB warehouse holding the generated world')
    .requiredOption('--truth <dir>', 'truth/ folder written by `followup generate` (or the world folder)')
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--from <month>', 'first as-of month (default: 2 months after the first truth month)')
    .option('--to <month>', 'last as-of month (default: the last truth month)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) throw new UsageError(flagProblems('evaluate', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const from = firstDay(o.from);
      const to = firstDay(o.to);
      const s = await withLockedWarehouse(o.warehouse, (w) =>
        runTruthEvaluation(
          w,
          { modelsDir: o.models, truthDir: o.truth, ...(from ? { from } : {}), ...(to ? { to } : {}) },
          ctx.log,
        ),
      );
      printSummary(ctx, o.json, s, () =>
        [
          `delinquency ${s.model} vs truth, as-of ${s.as_of.from} … ${s.as_of.to}: ${s.pairs} pairs`,
          ...risk6Lines(s.risk_6m, s.risk_6m_skipped),
          `  overall: Pearson ${s.overall.pearson.toFixed(3)} (logit ${s.overall.pearson_logit.toFixed(3)}), mean predicted ${(100 * s.overall.mean_predicted).toFixed(2)} % vs true ${(100 * s.overall.mean_truth).toFixed(2)} %`,
          `  next installment (not yet due at as-of): Pearson ${s.next.pearson.toFixed(3)} (logit ${s.next.pearson_logit.toFixed(3)}) over ${s.next.n} pairs`,
          `  risk over the unseen months, per loan and as-of: Pearson ${s.cumulative.pearson.toFixed(3)} (logit ${s.cumulative.pearson_logit.toFixed(3)}) over ${s.cumulative.n}`,
          `  every installment not yet due: Pearson ${s.unseen.pearson.toFixed(3)} (logit ${s.unseen.pearson_logit.toFixed(3)}) over ${s.unseen.n} pairs; an oracle knowing the next installment's true hazard reaches ${s.unseen_ceiling.toFixed(3)}`,
          ...s.by_k.map(
            (b) =>
              `  k=${b.k}: Pearson ${b.pearson.toFixed(3)} (logit ${b.pearson_logit.toFixed(3)}), mean ${(100 * b.mean_predicted).toFixed(2)} % vs ${(100 * b.mean_truth).toFixed(2)} %; oracle ${b.ceiling.toFixed(3)}`,
          ),
        ].join('\n'),
      );
    });
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** The 6-month block of the human summary: the headline, the oracle beside it, calibration by decile. */
function risk6Lines(r: Risk6m | null, skipped: string | undefined): string[] {
  if (!r) return [`  6-month risk per loan and as-of: not computed (${skipped})`];
  const m = r.model;
  return [
    `  6-month risk per loan and as-of (${r.as_of.from} … ${r.as_of.to}, ${r.n} pairs, ${r.censored} censored, ${r.matured} maturing): Pearson logit ${m.pearson_logit.toFixed(3)}, probability ${m.pearson.toFixed(3)}; mean ${pct(m.mean_predicted)} vs true ${pct(m.mean_truth)}`,
    `    persistence oracle: Pearson logit ${r.oracle.pearson_logit.toFixed(3)}, probability ${r.oracle.pearson.toFixed(3)}`,
    `    by decile of the prediction (predicted / true): ${m.deciles.map((d) => `${pct(d.predicted)} / ${pct(d.truth)}`).join(', ')}`,
    `    months 2–6 alone (month 1's installment is already due; the model has seen its payment): Pearson logit ${r.months_2_6.model.pearson_logit.toFixed(3)}, probability ${r.months_2_6.model.pearson.toFixed(3)}; oracle logit ${r.months_2_6.oracle.pearson_logit.toFixed(3)}`,
  ];
}
