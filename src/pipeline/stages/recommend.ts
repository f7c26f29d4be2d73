import { z } from 'zod';
import { AsOfDate } from '../../core/days.ts';
import { DEFAULT_MAX_DATA_AGE_DAYS, requireFreshData } from '../../recommend/io/freshness.ts';
import { ensureRecommendTables, runRecommend } from '../../recommend/run.ts';
import { defineStage } from '../stage.ts';

/**
 * Scores active loans with the champions and plans the next follow-up of each — only when the newest payment or
 * contact is at most `max_data_age_days` before the as-of date (src/recommend/io/freshness.ts), else it stops the run.
 */
export const recommendStage = defineStage({
  name: 'recommend',
  doc: 'Champion models + policy → next follow-up per active loan (date, window, hour, channel, notice, reasons); stops on data older than max_data_age_days.',
  reads: [
    'table:loans',
    'table:repayments',
    'table:contacts',
    'table:market',
    'dir:models',
    'file:policy',
    'file:scripts',
  ],
  writes: ['table:scores', 'table:score_population', 'table:recommendation_runs', 'table:recommendations'],
  produces: ['run_id'],
  params: z.object({
    models: z.string(),
    as_of: AsOfDate,
    policy: z.string().optional(),
    /** Script library YAML laid over the shipped one. Default: the shipped one. */
    scripts: z.string().optional(),
    /** Largest age in days of the newest payment or contact before `as_of`. Default 3. */
    max_data_age_days: z.coerce.number().int().min(0).default(DEFAULT_MAX_DATA_AGE_DAYS),
  }),
  prepare: ensureRecommendTables,
  async run(ctx, p) {
    const fresh = await requireFreshData(ctx.w, p.as_of, p.max_data_age_days);
    ctx.log.info('recommend: data is fresh', { newest: fresh.newest, age_days: fresh.age_days });
    const s = await runRecommend(
      ctx.w,
      {
        modelsDir: p.models,
        asOf: p.as_of,
        ...(p.policy ? { policy: p.policy } : {}),
        ...(p.scripts ? { scripts: p.scripts } : {}),
      },
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
        capacity_daily: s.stats.capacity_daily,
        overflow: s.stats.overflow,
        next_actions: s.talk.next_actions,
        models: s.models,
      },
      produced: { run_id: s.run_id },
    };
  },
});
