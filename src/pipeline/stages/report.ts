import { z } from 'zod';
import { LANGS } from '../../core/format.ts';
import { buildReport } from '../../report/index.ts';
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
  params: z.object({
    out: z.string(),
    /** Registry root: models with no matured predictions in the warehouse are reported from their saved evaluation. */
    models: z.string().optional(),
    lang: z.enum(LANGS).default('en'),
    images: z.boolean().default(true),
    capacity: z.number().int().positive().optional(),
  }),
  async run(ctx, p) {
    const s = await buildReport(ctx.w, {
      clock: ctx.clock,
      lang: p.lang,
      outDir: p.out,
      log: ctx.log,
      images: p.images,
      ...(p.models ? { modelsDir: p.models } : {}),
      ...(p.capacity ? { capacity: p.capacity } : {}),
    });
    return {
      summary: { out: s.out_dir, charts: s.charts.length, not_available: s.not_available.map((n) => n.name) },
      outputs: [`${s.out_dir}/index.html`],
    };
  },
});
