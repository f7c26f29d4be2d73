import { z } from 'zod';
import { DriftError, runMonitor } from '../../lifecycle/index.ts';
import { defineStage } from '../stage.ts';

/** Drift and matured performance of the champion; sets `drift` so later `when: drift` steps run. */
export const monitorStage = defineStage({
  name: 'monitor',
  doc: 'PSI per feature and for the score (train vs scored, noise-aware) + matured-label AUC/Brier; flags drift.',
  reads: ['table:score_population', 'table:scores', 'table:loans', 'table:repayments', 'dir:models'],
  writes: [],
  params: z.object({
    models: z.string().optional(),
    model: z.string().default('delinquency'),
    level: z.enum(['watch', 'shift']).default('shift'),
    on: z.enum(['score', 'any']).default('score'),
    bins: z.coerce.number().int().min(2).max(100).default(10),
    /** Fail the run (exit 5) on drift instead of letting `when: drift` steps react. Default false. */
    fail_on_drift: z.boolean().default(false),
  }),
  async run(ctx, p) {
    const r = await runMonitor(
      ctx.w,
      {
        model: p.model,
        level: p.level,
        on: p.on,
        bins: p.bins,
        ...(p.models ? { modelsDir: p.models } : {}),
      },
      ctx.log,
    );
    if (p.fail_on_drift && r.drift)
      throw new DriftError(`drift in ${r.drifted.map((d) => d.feature).join(', ')}`, r);
    return {
      summary: {
        model: r.model,
        champion: r.champion,
        drift: r.drift,
        drifted: r.drifted,
        score_psi: r.score?.psi ?? null,
        matured: r.matured?.overall ?? null,
        messages: r.messages,
      },
      drift: r.drift,
    };
  },
});
