/**
 * `followup rejects [--batch ID] [--limit N] [--json]`: the rows an ingest batch refused — file, physical line,
 * column, value as delivered, rule and what was expected — without writing SQL. Default: the latest batch.
 * An Excel sheet's reject is placed as `book.xlsx#Sheet:row:letter`.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { BadInputError, UsageError } from '../../core/errors.ts';
import { didYouMean } from '../../core/suggest.ts';
import { makeContext, printSummary } from '../context.ts';
import { flagProblems, withLockedWarehouse } from '../with-warehouse.ts';

const Options = z.object({
  warehouse: z.string().min(1),
  batch: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).default(100),
  json: z.boolean().optional(),
});

interface RejectRow {
  file: string;
  line: bigint | null;
  column: string | null;
  value: string | null;
  rule: string;
  message: string;
  sheet_column: string | null;
}

export function register(program: Command): void {
  program
    .command('rejects')
    .description('List the rows an ingest batch refused, with file, line, column, value and reason.')
    .requiredOption('--warehouse <file>', 'DuckDB warehouse')
    .option('--batch <id>', 'ingest batch id (default: the latest batch)')
    .option('--limit <n>', 'rows to list at most', '100')
    .option('--json', 'print as JSON on stdout')
    .action(async (raw: unknown) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) throw new UsageError(flagProblems('rejects', parsed.error.issues));
      const o = parsed.data;
      const ctx = makeContext(o);
      const out = await withLockedWarehouse(o.warehouse, async (w) => {
        const has = await w.one<{ n: bigint }>(
          "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'ingest_batches' AND NOT temporary",
        );
        if (!has || has.n === 0n)
          throw new BadInputError(`warehouse ${o.warehouse} has no ingest batches yet`, {
            hint: 'load data first with `followup ingest`',
          });
        const batches = await w.all<{ batch_id: string; rejected: bigint; rows_in: bigint }>(
          'SELECT batch_id, rejected, rows_in FROM ingest_batches ORDER BY started_at DESC, batch_id DESC',
        );
        const batch = o.batch ? batches.find((b) => b.batch_id === o.batch) : batches[0];
        if (!batch)
          throw new UsageError(
            `--batch ${o.batch}: no such ingest batch${didYouMean(
              o.batch ?? '',
              batches.map((b) => b.batch_id),
            )}`,
            {
              hint: `latest batches: ${batches
                .slice(0, 5)
                .map((b) => b.batch_id)
                .join(', ')}`,
            },
          );
        const rows = await w.all<RejectRow>(
          `SELECT file, line, "column", value, rule, message, sheet_column FROM rejects WHERE batch_id = $1
           ORDER BY file, line, rule, "column" LIMIT ${o.limit}`,
          [batch.batch_id],
        );
        const total = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM rejects WHERE batch_id = $1', [
          batch.batch_id,
        ]);
        return {
          batch_id: batch.batch_id,
          rows_in: Number(batch.rows_in),
          rejected_rows: Number(batch.rejected),
          reasons: Number(total?.n ?? 0),
          listed: rows.length,
          // sheet_column only for Excel sheets, so a CSV batch's listing keeps its shape.
          rejects: rows.map(({ sheet_column, ...r }) => ({
            ...r,
            line: r.line === null ? null : Number(r.line),
            ...(sheet_column ? { sheet_column } : {}),
          })),
        };
      });
      printSummary(ctx, o.json, out, () =>
        [
          `batch ${out.batch_id}: ${out.rejected_rows} of ${out.rows_in} rows rejected (${out.reasons} reasons${out.listed < out.reasons ? `, first ${out.listed} listed; --limit for more` : ''})`,
          ...out.rejects.map(
            (r) =>
              `${r.file}:${r.line ?? '?'}${'sheet_column' in r ? `:${r.sheet_column}` : ''}  ${r.column ?? ''}  ${r.rule}  ${JSON.stringify(r.value)}  ${r.message}`,
          ),
        ].join('\n'),
      );
    });
}
