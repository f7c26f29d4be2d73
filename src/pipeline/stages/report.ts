import { z } from 'zod';
import { LANGS } from '../../core/format.ts';
import { buildReport, buildReportHistory, readHistory } from '../../report/index.ts';
import { defineStage } from '../stage.ts';

/** Vega-Lite specs, SVG/PNG and one offline HTML page for the latest run. */
export const reportStage = defineStage({
  name: 'report',
  doc: 'Model performance, drift, WoE/IV, vintages and roll rates, hang-ups, schedule, borrowers to act on → <out>/index.html (+ .vl.json, .svg, .png).',
  reads: [
    'table:eval_predictions',
    'table:score_population',
    'table:features_snapshot',
    'table:scores',
    'table:loans',
    'table:repayments',
    'table:contacts',
    'table:recommendation_runs',
    'table:recommendations',
    'dir:models',
  ],
  writes: ['dir:out'],
  produces: ['history'],
  params: z
    .object({
      out: z.string(),
      /** Registry root: models with no matured predictions in the warehouse are reported from their saved evaluation. */
      models: z.string().optional(),
      lang: z.enum(LANGS).default('en'),
      images: z.boolean().default(true),
      capacity: z.number().int().positive().optional(),
      /** Recommendation run to describe, e.g. `${steps.recommend.run_id}`. Default: the latest by creation time. */
      run: z.string().optional(),
      /**
       * `history`: only the sections that read the book's history and the registry (performance, WoE/IV, vintages,
       * hang-ups), to <out>/report-history.json, produced as `history`, so that a step can collect them beside
       * recommend. `all` (default): the whole report.
       */
      part: z.enum(['all', 'history']).default('all'),
      /** A report-history.json from an earlier step: its sections are used when collected on the same data. */
      history: z.string().optional(),
    })
    .refine((p) => !(p.part === 'history' && p.history !== undefined), {
      message:
        'history: expected it with part: all, where it replaces sections; found it with part: history, which only collects them',
      path: ['history'],
    }),
  async run(ctx, p) {
    const opts = {
      clock: ctx.clock,
      lang: p.lang,
      outDir: p.out,
      log: ctx.log,
      images: p.images,
      ...(p.models ? { modelsDir: p.models } : {}),
      ...(p.capacity ? { capacity: p.capacity } : {}),
      ...(p.run ? { runId: p.run } : {}),
    };
    if (p.part === 'history') {
      const path = await buildReportHistory(ctx.w, opts);
      return { summary: { history: path }, outputs: [path], produced: { history: path } };
    }
    const s = await buildReport(ctx.w, {
      ...opts,
      ...(p.history ? { history: readHistory(p.history), historyPath: p.history } : {}),
    });
    return {
      summary: {
        out: s.out_dir,
        charts: s.charts.length,
        not_available: s.not_available.map((n) => n.name),
        ...(s.history ? { history: s.history } : {}),
      },
      outputs: [`${s.out_dir}/index.html`],
    };
  },
});
