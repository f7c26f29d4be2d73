import { z } from 'zod';
import { DEFAULT_SEED } from '../../core/defaults.ts';
import { DEFAULT_RULE, runRetrain } from '../../lifecycle/index.ts';
import { defineStage } from '../stage.ts';

/** Trains challengers and promotes each only when better than its champion on the same out-of-time rows. */
export const retrainStage = defineStage({
  name: 'retrain',
  doc: 'Challenger on the latest window vs champion on the same test months; promote only if better (recorded).',
  reads: ['table:loans', 'table:repayments', 'table:contacts', 'table:market', 'dir:models'],
  writes: [
    'table:features_snapshot',
    'table:features_hangup',
    'table:eval_predictions',
    'table:score_population',
    'dir:models',
  ],
  params: z.object({
    models: z.string(),
    margin: z.coerce.number().min(0).max(1).default(DEFAULT_RULE.margin),
    brier_tolerance: z.coerce.number().min(0).max(1).default(DEFAULT_RULE.brierTolerance),
    ece_tolerance: z.coerce.number().min(0).max(1).default(DEFAULT_RULE.eceTolerance),
    seed: z.coerce.number().int().default(DEFAULT_SEED),
    epochs: z.coerce.number().int().positive().optional(),
  }),
  async run(ctx, p) {
    const common = { seed: p.seed, ...(p.epochs ? { epochs: p.epochs } : {}) };
    const outcomes = await runRetrain(
      ctx.w,
      {
        modelsDir: p.models,
        rule: { margin: p.margin, brierTolerance: p.brier_tolerance, eceTolerance: p.ece_tolerance },
        delinquency: common,
        hangup: common,
      },
      ctx.log,
      ctx.clock,
    );
    // Keyed by model name with version/champion/backend/test, the shape the run summary prints for train.
    return {
      summary: Object.fromEntries(
        outcomes.map((o) => [
          o.name,
          {
            version: o.challenger,
            champion: o.promoted,
            previous_champion: o.champion,
            decision: o.decision,
            reasons: o.reasons,
            comparison: o.comparison,
            backend: o.backend,
            test: o.test,
          },
        ]),
      ),
      outputs: outcomes.map((o) => `${p.models}/${o.name}/${o.challenger}`),
    };
  },
});
