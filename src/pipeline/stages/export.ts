import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { EXPORT_FORMATS, ensureExportTablesOf, runExportOn } from '../../export/index.ts';
import { DEFAULT_MAX_CANCEL_SHARE } from '../../export/types.ts';
import { defineStage } from '../stage.ts';

/**
 * Exports one recommendations run for a dialer, a calendar, a data lake or a webhook. The run is named, never
 * guessed: a pipeline passes the run its recommend step produced (`run: '${steps.recommend.run_id}'`).
 */
export const exportStage = defineStage({
  name: 'export',
  doc: 'A recommendations run (`run`) → dialer CSV, JSON Lines, Parquet, iCalendar or webhook; incremental with since_last.',
  reads: ['table:recommendations', 'table:loans', 'table:export_ledger'],
  writes: ['file:out', 'table:exports', 'table:export_ledger', 'table:webhook_deliveries'],
  params: z.object({
    /** Recommendations run to export, e.g. `${steps.recommend.run_id}`. Required. */
    run: z.string({ error: "expected the run to export, e.g. run: '${steps.recommend.run_id}'" }).min(1),
    format: z.enum(EXPORT_FORMATS),
    out: z.string().optional(),
    since_last: z.boolean().default(false),
    mask_phone: z.boolean().default(false),
    template: z.string().optional(),
    url: z.string().optional(),
    /** Allow cancelling more than max_cancel_share of what the target holds (`run --allow-mass-cancel`). Default false. */
    allow_mass_cancel: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
      .default(false),
    /** Largest share (0…1) of the target's follow-ups one export may cancel. Default 0.2. */
    max_cancel_share: z.coerce.number().min(0).max(1).default(DEFAULT_MAX_CANCEL_SHARE),
  }),
  prepare: ensureExportTablesOf,
  async run(ctx, p) {
    if (p.out) await mkdir(dirname(p.out), { recursive: true });
    const s = await runExportOn(
      ctx.w,
      { log: ctx.log, clock: ctx.clock },
      {
        warehouse: ctx.w.path,
        format: p.format,
        runId: p.run,
        sinceLast: p.since_last,
        maskPhone: p.mask_phone,
        allowMassCancel: p.allow_mass_cancel,
        maxCancelShare: p.max_cancel_share,
        ...(p.out ? { out: p.out } : {}),
        ...(p.template ? { template: p.template } : {}),
        ...(p.url ? { webhook: { url: p.url } } : {}),
      },
    );
    return {
      summary: {
        format: s.format,
        out: s.out,
        target: s.target,
        written: s.written,
        counts: s.counts,
        run_id: s.run_id,
      },
      ...(s.out ? { outputs: [s.out] } : {}),
    };
  },
});
