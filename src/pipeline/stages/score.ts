import { z } from 'zod';
import { AsOfDate } from '../../core/days.ts';
import { ensureScoreTables, scoreLoans } from '../../score/run.ts';
import { defineStage } from '../stage.ts';

/** Scores every active loan with the champion delinquency model. */
export const scoreStage = defineStage({
  name: 'score',
  doc: 'Champion delinquency model → scores (monthly hazards, 3/6-month risk, reasons) at an as-of date.',
  reads: ['table:loans', 'table:repayments', 'table:contacts', 'table:market', 'dir:models'],
  writes: ['table:scores', 'table:score_population'],
  params: z.object({ models: z.string(), as_of: AsOfDate }),
  prepare: ensureScoreTables,
  async run(ctx, p) {
    const s = await scoreLoans(ctx.w, { modelsDir: p.models, asOf: p.as_of }, ctx.log);
    return { summary: { as_of: p.as_of, loans: s.state.n, model: s.version } };
  },
});
