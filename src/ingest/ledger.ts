/**
 * The tables ingest owns besides the contract tables: `rejects` (every refused row with its reason),
 * `ingest_batches` (one row per committed batch) and `<table>_history` (superseded versions of updated rows).
 */
import { TABLE_NAMES, type TableName } from '../contract/tables.ts';
import { ident, type Warehouse } from '../warehouse/db.ts';
import { ensureContractTables } from '../warehouse/schema.ts';
import type { FileSummary, IngestSummary } from './types.ts';

/** DDL of `rejects`: one row per broken rule per refused row. */
export const REJECTS_DDL = `CREATE TABLE IF NOT EXISTS rejects (
  batch_id VARCHAR NOT NULL,  -- ingest_batches.batch_id
  file VARCHAR NOT NULL,      -- path as given on the command line
  line BIGINT,                -- 1-based file line (CSV: header is line 1; Parquet/JSON Lines: row number)
  "column" VARCHAR,           -- contract column (or key columns joined by +)
  value VARCHAR,              -- the value as delivered, trimmed; CSV line text for structural rejects
  rule VARCHAR NOT NULL,      -- required, type, enum, range, phone, zone, date_order, duplicate_key, ...
  message VARCHAR NOT NULL,   -- what was expected
  sheet_column VARCHAR        -- Excel input: the column letter(s) in the sheet (file is book.xlsx#Sheet, line its row)
)`;

/** Warehouses made before Excel input have no sheet_column; added in place (NULL for their CSV rejects). */
const REJECTS_SHEET_COLUMN = 'ALTER TABLE rejects ADD COLUMN IF NOT EXISTS sheet_column VARCHAR';

/** DDL of `ingest_batches`: the batch ledger. `files` holds the per-file summaries as JSON. */
export const BATCHES_DDL = `CREATE TABLE IF NOT EXISTS ingest_batches (
  batch_id VARCHAR PRIMARY KEY,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ NOT NULL,
  outcome VARCHAR NOT NULL,   -- ok | partial
  files JSON NOT NULL,        -- [{file, table, sha256, rows_in, inserted, updated, unchanged, rejected}]
  rows_in BIGINT NOT NULL,
  inserted BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  unchanged BIGINT NOT NULL,
  rejected BIGINT NOT NULL
)`;

/** `<table>_history`: the contract columns plus which batch superseded the row and when. */
export function historyTable(table: TableName): string {
  return `${table}_history`;
}

/** Creates contract, history, rejects and ledger tables when missing. Idempotent; runs inside the batch. */
export async function ensureIngestTables(w: Warehouse): Promise<void> {
  await ensureContractTables(w);
  await w.run(REJECTS_DDL);
  await w.run(REJECTS_SHEET_COLUMN);
  await w.run(BATCHES_DDL);
  for (const t of TABLE_NAMES) {
    await w.run(
      `CREATE TABLE IF NOT EXISTS ${ident(historyTable(t))} AS
       SELECT *, CAST(NULL AS VARCHAR) AS superseded_by_batch, CAST(NULL AS TIMESTAMPTZ) AS superseded_at
       FROM ${ident(t)} LIMIT 0`,
    );
  }
}

/**
 * Copies the temp `file_rejects` of one file into `rejects`. For an Excel sheet, temp `sheet_letters`
 * (sheet-places.ts) gives each reject column its letters.
 */
export async function saveRejects(w: Warehouse, batchId: string, file: string, sheet = false): Promise<void> {
  await w.run(
    // A reject quotes at most 200 characters of the value: a 10 MB field is reported, not copied.
    `INSERT INTO rejects (batch_id, file, line, "column", value, rule, message, sheet_column)
     SELECT $1, $2, line, f."column",
       CASE WHEN length(value) > 200 THEN left(value, 200) || '… (' || length(value) || ' characters)' ELSE value END,
       rule, message, ${sheet ? 's.letters' : 'NULL'}
     FROM file_rejects f ${sheet ? 'LEFT JOIN sheet_letters s ON s."column" = f."column"' : ''}
     ORDER BY line, rule, f."column"`,
    [batchId, file],
  );
  if (sheet) await w.run('DROP TABLE sheet_letters');
}

/** Records a committed batch. */
export async function recordBatch(w: Warehouse, s: IngestSummary): Promise<void> {
  const files: FileSummary[] = s.files;
  await w.run(
    `INSERT INTO ingest_batches VALUES ($1, CAST($2 AS TIMESTAMPTZ), CAST($3 AS TIMESTAMPTZ), $4, $5, $6, $7, $8, $9, $10)`,
    [
      s.batch_id,
      s.started_at,
      s.finished_at,
      s.outcome,
      JSON.stringify(files),
      s.totals.rows_in,
      s.totals.inserted,
      s.totals.updated,
      s.totals.unchanged,
      s.totals.rejected,
    ],
  );
}
