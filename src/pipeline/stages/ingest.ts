import { z } from 'zod';
import { loadMapping } from '../../contract/mapping.ts';
import { sha256, stableStringify } from '../../core/hash.ts';
import { runIngest } from '../../ingest/index.ts';
import { defineStage } from '../stage.ts';

/** Loads delivered files into the contract tables (validated, idempotent, atomic per batch). */
export const ingestStage = defineStage({
  name: 'ingest',
  doc: 'Load CSV/Parquet/JSONL files into the contract tables; reject bad rows with reasons.',
  reads: ['file:paths', 'file:mapping'],
  writes: [
    'table:loans',
    'table:repayments',
    'table:contacts',
    'table:market',
    'table:rejects',
    'table:ingest_batches',
  ],
  params: z.object({
    paths: z.array(z.string()).min(1),
    mapping: z.string().optional(),
    encoding: z.string().optional(),
  }),
  async run(ctx, p) {
    const mapping = p.mapping ? await loadMapping(p.mapping) : undefined;
    const s = await runIngest(
      ctx.w,
      { paths: p.paths, ...(mapping ? { mapping } : {}), ...(p.encoding ? { encoding: p.encoding } : {}) },
      { log: ctx.log, clock: ctx.clock },
    );
    return {
      summary: {
        batch_id: s.batch_id,
        outcome: s.outcome,
        totals: s.totals,
        files: s.files.length,
        skipped: s.skipped.length,
      },
      inputHash: sha256(stableStringify(s.files.map((f) => [f.file, f.sha256]))),
    };
  },
});
