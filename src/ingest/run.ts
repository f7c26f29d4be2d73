/**
 * `runIngest`: one batch of delivered files into the warehouse, all or nothing.
 *
 * ```
 *  PATHs ─► discover ─► open (sha256, decode to UTF-8, header) ──────────── outside the transaction
 *                            │ whole-file problems → BadInputError, warehouse untouched
 *  BEGIN ───────────────────────────────────────────────────────────────────────────────────────────
 *   for each file (loans first):
 *     read plan (dialect, columns) ─► one scan into typed rows: a clean CSV's into STAGE, typed by the reader;
 *                                      others into temp typ (as text when a typed read fails) ─► broken CSV rows
 *                                      → file_rejects
 *     validate (rows + loans → rows breaking a rule → their verdicts → file_rejects)
 *     rejects ◄─ file_rejects          merge (rows − rejects → table, old versions → table_history; a first
 *                                      load of STAGE renames it to the table)
 *   ingest_batches ◄─ summary
 *  COMMIT ── any error or a killed process before this point leaves the warehouse exactly as it was
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_MAPPING } from '../contract/mapping.ts';
import type { Clock } from '../core/clock.ts';
import { BadInputError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import type { Logger } from '../core/log.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { discover } from './discover.ts';
import { mergeExtras } from './extras.ts';
import { ensureIngestTables, recordBatch, saveRejects } from './ledger.ts';
import { physicalLines } from './lines.ts';
import { merge } from './merge.ts';
import { panelToInstallments } from './panel.ts';
import { placeInSheet } from './sheet-places.ts';
import { type OpenedSource, openSource } from './source.ts';
import { collectBrokenRows, lineOf, openReader } from './stage.ts';
import { buildTyped, rowsOf, STAGE, type TypedScan } from './typed.ts';
import type { FileSummary, IngestConfig, IngestSummary } from './types.ts';
import { checkRowRules, dstCounts, ensureAcceptedZones, ownRulesBroken } from './validate.ts';
import { Workbooks } from './workbook.ts';

export interface IngestDeps {
  log: Logger;
  clock: Clock;
}

function delimiterFor(path: string, configured: string | undefined): string {
  if (configured) return configured;
  return /\.tsv(\.gz)?$/i.test(path) ? '\t' : ',';
}

export async function runIngest(
  w: Warehouse,
  config: IngestConfig,
  deps: IngestDeps,
): Promise<IngestSummary> {
  const { log, clock } = deps;
  const mapping = config.mapping ?? EMPTY_MAPPING;
  const encoding = config.encoding ?? mapping.encoding;
  const started = clock.now().toISOString();

  // 1. discover
  const workbooks = new Workbooks();
  const { files, skipped } = await discover(config.paths, mapping, workbooks);
  for (const s of skipped) log.warn('skipped', s);
  if (files.length === 0)
    throw new BadInputError(
      `nothing to ingest in ${config.paths.join(', ')}: no data file found${
        skipped.length
          ? `; ${skipped.length} skipped (${skipped
              .slice(0, 3)
              .map((s) => `${s.path}: ${s.reason}`)
              .join('; ')})`
          : ''
      }`,
      {
        place: { file: config.paths[0] ?? '' },
        hint: 'name files loans*, repayments*, contacts*, market* (.csv, .csv.gz, .jsonl, .parquet, .xlsx) or map them with `files:` in --mapping',
      },
    );

  const tmpDir = await mkdtemp(join(tmpdir(), 'followup-ingest-'));
  try {
    // 2. open every file before the transaction, so unreadable input fails fast and touches nothing.
    const opened: OpenedSource[] = [];
    for (const [index, f] of files.entries()) {
      const delimiter = delimiterFor(f.path, mapping.delimiter);
      opened.push(
        await openSource(f, {
          ...(encoding ? { encoding } : {}),
          delimiter,
          tmpDir,
          index,
          workbooks,
          mapping,
        }),
      );
    }
    // Every sheet is a CSV file now; the workbooks need not stay in memory through the load.
    workbooks.clear();
    // 3. one transaction for the whole batch
    return await w.tx(async () => {
      await ensureIngestTables(w);
      await ensureAcceptedZones(w);
      // The sequence keeps ids unique even when the clock is pinned and the same files come again (and when two
      // ingest steps of a pipeline run side by side: `reserve`).
      const seq = w.reserve(
        'ingest_batch',
        Number((await w.one<{ n: bigint }>('SELECT count(*) + 1 AS n FROM ingest_batches'))?.n ?? 1),
      );
      const stamp = started.replace(/[-:]|\.\d+/g, '');
      const batchId = `B${String(seq).padStart(6, '0')}-${stamp}-${sha256(opened.map((o) => o.sha256).join(',')).slice(0, 8)}`;
      const summaries: FileSummary[] = [];
      for (const src of opened) {
        log.info('staging', { file: src.path, table: src.table });
        const reader = await openReader(w, src, mapping, delimiterFor(src.path, mapping.delimiter));
        const parsed = await buildTyped(w, src, reader, mapping, {
          marks: (typed) => ownRulesBroken(src.table, mapping, typed),
        });
        noteScan(log, src.path, parsed);
        const delimited = src.format === 'csv' || src.format === 'xlsx';
        const refused = delimited ? await collectBrokenRows(w) : new Map<number, number>();
        const rowsIn = parsed.rows + refused.size;
        log.info('validating', { file: src.path, rows_in: rowsIn });
        await checkRowRules(
          w,
          src.table,
          mapping,
          lineOf(reader, refused.size, 't.__row', parsed.base),
          parsed,
          parsed.typed,
        );
        if (src.format === 'csv' && !(await physicalLines(w, src, parsed.base, parsed.rows, refused)))
          log.warn('could not map rows to physical lines; reported lines count records', { file: src.path });
        if (src.layout) await placeInSheet(w, src.layout, reader);
        await saveRejects(w, batchId, src.path, src.layout !== undefined);
        const dst = await dstCounts(w, parsed.dstColumns);
        if (dst)
          log.warn(
            'local times in a DST gap or overlap resolved (RFC 5545: gap → offset before it, overlap → earlier instant)',
            { file: src.path, ...dst },
          );
        // Parsed rows are counted by identity, unparsable ones (no identity) by line.
        const rej = await w.one<{ n: bigint }>(
          'SELECT count(DISTINCT row_id) + count(DISTINCT line) FILTER (WHERE row_id IS NULL) AS n FROM file_rejects',
        );
        log.info('merging', { file: src.path });
        const counts = await merge(w, src.table, batchId, started, parsed);
        await mergeExtras(w, src.table, reader.extras, batchId, src.path);
        // A status panel is stored as delivered and translated into installments (README: status panels).
        let derived: FileSummary['derived'];
        if (src.table === 'status_panel') {
          await panelToInstallments(w);
          derived = { repayments: await merge(w, 'repayments', batchId, started, rowsOf('typ')) };
          log.info('derived repayments from the panel', { file: src.path, ...derived.repayments });
        }
        const s: FileSummary = {
          file: src.path,
          table: src.table,
          sha256: src.sha256,
          rows_in: rowsIn,
          ...counts,
          rejected: Number(rej?.n ?? 0),
          ...(dst ? { dst } : {}),
          ...(derived ? { derived } : {}),
        };
        assertBalanced(s);
        summaries.push(s);
        log.info('loaded', { ...s });
      }
      const totals = { rows_in: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
      for (const s of summaries)
        for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += s[k];
      // A batch of header-only files would record an empty batch and exit 0; say it loaded nothing instead.
      if (totals.rows_in === 0)
        throw new BadInputError(
          `nothing to ingest: ${opened.length} file(s) hold no data rows (${opened.map((o) => o.path).join(', ')})`,
          {
            place: { file: opened[0]?.path ?? '' },
            hint: 'expected a header line and at least one data row',
          },
        );
      const summary: IngestSummary = {
        batch_id: batchId,
        warehouse: w.path,
        started_at: started,
        finished_at: clock.now().toISOString(),
        outcome: totals.rejected > 0 ? 'partial' : 'ok',
        files: summaries,
        skipped,
        totals,
      };
      await recordBatch(w, summary);
      await w.run(
        `DROP TABLE IF EXISTS typ; DROP TABLE IF EXISTS acc; DROP TABLE IF EXISTS file_rejects; DROP TABLE IF EXISTS ${STAGE}`,
      );
      return summary;
    });
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** What the scan of a file tells the person running the batch. */
function noteScan(log: Logger, file: string, scan: TypedScan): void {
  if (!scan.consecutive) log.warn('row numbers not consecutive; reported lines may be off', { file });
  if (scan.reread) log.info('a value the typed read could not take: read the file again as text', { file });
}

/** rows_in = inserted + updated + unchanged + rejected: every row read is accounted for exactly once. */
export function assertBalanced(s: Omit<FileSummary, 'table' | 'sha256'>): void {
  const sum = s.inserted + s.updated + s.unchanged + s.rejected;
  if (sum !== s.rows_in)
    throw new Error(
      `ingest accounting broken for ${s.file}: rows_in ${s.rows_in} ≠ inserted ${s.inserted} + updated ${s.updated} + unchanged ${s.unchanged} + rejected ${s.rejected}`,
    );
}
