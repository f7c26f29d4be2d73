import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { EXPORT_FORMATS, runExportOn } from '../../export/index.ts';
import { defineStage } from '../stage.ts';

/** Exports the latest recommendations run for a dialer, a calendar, a data lake or a webhook. */
export const exportStage = defineStage({
  name: 'export',
  doc: 'Latest recommendations → dialer CSV, JSON Lines, Parquet, iCalendar or webhook; incremental with since_last.',
  reads: ['table:recommendations', 'table:loans', 'table:export_ledger'],
  writes: ['file:out', 'table:exports', 'table:export_ledger', 'table:webhook_deliveries'],
  params: z.object({
    format: z.enum(EXPORT_FORMATS),
    out: z.string().optional(),
    since_last: z.boolean().default(false),
    mask_phone: z.boolean().default(false),
    template: z.string().optional(),
    url: z.string().optional(),
  }),
  async run(ctx, p) {
    if (p.out) await mkdir(dirname(p.out), { recursive: true });
    const s = await runExportOn(
      ctx.w,
      { log: ctx.log, clock: ctx.clock },
      {
        warehouse: ctx.w.path,
        format: p.format,
        sinceLast: p.since_last,
        maskPhone: p.mask_phone,
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
