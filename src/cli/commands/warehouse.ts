/**
 * `followup warehouse export-parquet --warehouse W --out DIR [--shards N] [--tables a,b]`: the warehouse as a
 * Hive-partitioned Parquet dataset (`<table>/shard=<k>/…parquet`, k = md5(loan_id) shard, 1…N) for other engines.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../../core/errors.ts';
import { exportParquetDataset } from '../../shard/parquet.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Options = z.object({
  warehouse: z.string().min(1),
  out: z.string().min(1),
  shards: z.coerce.number().int().min(1).max(4096).default(16),
  tables: z.string().optional(),
  compression: z.enum(['zstd', 'snappy', 'uncompressed']).default('zstd'),
  maskPhone: z.boolean().optional(),
  json: z.boolean().optional(),
});

export function register(program: Command): void {
  const wh = program.command('warehouse').description('Warehouse maintenance and dataset export.');
  wh.command('export-parquet')
    .description('Write the warehouse as a Hive-partitioned Parquet dataset, partitioned by loan shard.')
    .requiredOption('--warehouse <file>', 'DuckDB warehouse')
    .requiredOption('--out <dir>', 'output folder (one sub-folder per table, replaced)')
    .option('--shards <n>', 'loan shards = Hive partitions per table', '16')
    .option(
      '--tables <list>',
      'comma-separated tables (default: loans, repayments, contacts, market, scores, recommendations present)',
    )
    .option('--compression <codec>', 'zstd | snappy | uncompressed', 'zstd')
    .option('--mask-phone', 'mask phones as +86138****8000 in every table that has them')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success)
        throw new UsageError(flagProblems('warehouse export-parquet', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const t0 = performance.now();
      const tables = await withLockedWarehouse(o.warehouse, (w) =>
        exportParquetDataset(w, {
          out: o.out,
          shards: o.shards,
          compression: o.compression,
          maskPhone: o.maskPhone === true,
          ...(o.tables
            ? {
                tables: o.tables
                  .split(',')
                  .map((t) => t.trim())
                  .filter(Boolean),
              }
            : {}),
        }),
      );
      const summary = { out: o.out, shards: o.shards, tables, seconds: (performance.now() - t0) / 1000 };
      printSummary(ctx, o.json, summary, () =>
        tables
          .map(
            (t) => `${t.table}: ${t.rows} rows → ${t.path}${t.partitions ? ` (${t.partitions} shards)` : ''}`,
          )
          .join('\n'),
      );
    });
}
