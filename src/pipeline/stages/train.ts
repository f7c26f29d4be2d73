import { z } from 'zod';
import { DEFAULT_SEED } from '../../core/defaults.ts';
import { runTrain } from '../../train/run.ts';
import { defineStage } from '../stage.ts';

/** Trains both models and their baselines out of time and saves them to the registry. */
export const trainStage = defineStage({
  name: 'train',
  doc: 'Point-in-time features → delinquency hazard and hang-up networks + logistic baselines → registry.',
  reads: ['table:loans', 'table:repayments', 'table:contacts', 'table:market'],
  writes: [
    'table:features_snapshot',
    'table:features_hangup',
    'table:eval_predictions',
    'table:score_population',
    'dir:models',
  ],
  params: z.object({
    models: z.string(),
    seed: z.coerce.number().int().default(DEFAULT_SEED),
    epochs: z.coerce.number().int().positive().optional(),
    promote: z.enum(['auto', 'always', 'never']).default('auto'),
  }),
  async run(ctx, p) {
    const common = { seed: p.seed, ...(p.epochs ? { epochs: p.epochs } : {}) };
    ctx.progress('models', 0, 2);
    const entries = await runTrain(
      ctx.w,
      { modelsDir: p.models, promote: p.promote, delinquency: common, hangup: common },
      ctx.log,
      ctx.clock,
    );
    ctx.progress('models', 2, 2);
    return {
      summary: Object.fromEntries(
        entries.map((e) => [
          e.name,
          {
            version: e.version,
            champion: e.promoted,
            // Network or logistic baseline: what is saved under the name and served (champion by validation).
            serves: e.champion,
            backend: e.backend,
            test: e.test,
            seconds: Math.round(e.seconds * 10) / 10,
          },
        ]),
      ),
      outputs: entries.map((e) => e.dir),
    };
  },
});
