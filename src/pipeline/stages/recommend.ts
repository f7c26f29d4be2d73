import { z } from 'zod';
import { runRecommend } from '../../ops/recommend.ts';
import { defineStage } from '../stage.ts';

/** Scores active loans with the champions and plans the next follow-up of each. */
export const recommendStage = defineStage({
  name: 'recommend',
  doc: 'Champion models + policy → next follow-up per active loan (date, window, hour, channel, notice, reasons).',
  reads: ['table:loans', 'table:repayments', 'table:contacts', 'table:market', 'dir:models', 'file:policy'],
  writes: ['table:scores', 'table:score_population', 'table:recommendation_runs', 'table:recommendations'],
  params: z.object({
    models: z.string(),
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    policy: z.string().optional(),
  }),
  async run(ctx, p) {
    const s = await runRecommend(
      ctx.w,
      { modelsDir: p.models, asOf: p.as_of, ...(p.policy ? { policy: p.policy } : {}) },
      ctx.log,
      ctx.clock,
    );
    return {
      summary: {
        run_id: s.run_id,
        as_of: s.as_of,
        recommendations: s.stats.recommendations,
        by_purpose: s.stats.by_purpose,
        prenotified: s.stats.prenotified,
        moved: s.stats.moved,
        overflow: s.stats.overflow,
        models: s.models,
      },
    };
  },
});
