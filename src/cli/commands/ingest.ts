/**
 * `followup ingest --warehouse W.duckdb [--mapping M.yaml] [--encoding gbk] [--json] PATH…`
 * Exit 0 when every row loaded, 3 (with the summary on stdout) when some were rejected, 2 when a file or the
 * mapping cannot be read (warehouse unchanged), 4 when another run holds the warehouse.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadMapping } from '../../contract/mapping.ts';
import { BusyError, PartialError, UsageError } from '../../core/errors.ts';
import { runIngest } from '../../ingest/run.ts';
import type { IngestSummary } from '../../ingest/types.ts';
import { lockWarehouse } from '../../pipeline/lock.ts';
import { openWarehouse } from '../../warehouse/db.ts';
import { makeContext, printSummary } from '../context.ts';

const optionsSchema = z.object({
  warehouse: z.string().min(1),
  mapping: z.string().min(1).optional(),
  encoding: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  program
    .command('ingest')
    .description(
      'Load loans, repayments, contacts and market files (CSV, CSV.gz, Parquet, JSON Lines) into the warehouse: validated, idempotent, one transaction per batch. Rejected rows go to the rejects table.',
    )
    .argument('<paths...>', 'files or folders (folders are read non-recursively)')
    .requiredOption('--warehouse <file>', 'DuckDB warehouse file (created if missing)')
    .option('--mapping <file>', 'column-mapping YAML: lender column names and codes → the data contract')
    .option('--encoding <name>', 'text encoding of CSV/JSON files, e.g. gbk or gb18030 (default utf-8)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (paths: string[], raw: unknown) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success)
        throw new UsageError(`ingest: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      const opts = parsed.data;
      const ctx = makeContext(opts);
      const mapping = opts.mapping ? await loadMapping(opts.mapping) : undefined;
      const unlock = await lockWarehouse(opts.warehouse);
      // A failed first ingest must not leave an empty warehouse behind (a failed run leaves things as they were).
      const existed = existsSync(opts.warehouse);
      let summary: IngestSummary;
      try {
        const w = await openWarehouse(opts.warehouse).catch((e: Error) => {
          if (/lock/i.test(e.message))
            throw new BusyError(`warehouse ${opts.warehouse} is open in another process`);
          throw e;
        });
        try {
          summary = await runIngest(
            w,
            { paths, ...(mapping ? { mapping } : {}), ...(opts.encoding ? { encoding: opts.encoding } : {}) },
            ctx,
          );
        } finally {
          w.close();
        }
      } catch (e) {
        if (!existed) for (const f of [opts.warehouse, `${opts.warehouse}.wal`]) await rm(f, { force: true });
        throw e;
      } finally {
        await unlock();
      }
      if (summary.totals.rejected > 0)
        throw new PartialError(
          `${summary.totals.rejected} of ${summary.totals.rows_in} rows rejected (batch ${summary.batch_id}); the rest loaded`,
          summary,
        );
      printSummary(ctx, opts.json, summary, () => human(summary));
    });
}

function human(s: IngestSummary): string {
  const lines = s.files.map(
    (f) =>
      `${f.file} → ${f.table}: ${f.rows_in} in, ${f.inserted} inserted, ${f.updated} updated, ${f.unchanged} unchanged, ${f.rejected} rejected`,
  );
  for (const k of s.skipped) lines.push(`skipped ${k.path}: ${k.reason}`);
  lines.push(`batch ${s.batch_id}: ${s.outcome}`);
  return lines.join('\n');
}
