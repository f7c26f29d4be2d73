/**
 * Configuration and result of one ingest batch. The result is JSON-serializable: it is the CLI's `--json` summary.
 */
import type { Mapping } from '../contract/mapping.ts';
import type { TableName } from '../contract/tables.ts';

/** What `runIngest` needs besides the warehouse. */
export interface IngestConfig {
  /** Files or folders (folders are read non-recursively). */
  paths: string[];
  /** Validated column mapping. Default: EMPTY_MAPPING (contract names, UTF-8). */
  mapping?: Mapping;
  /** Text encoding of CSV/JSON files; overrides the mapping's. Default: utf-8. */
  encoding?: string;
}

/** Input formats: read by DuckDB's own readers, or (xlsx) rewritten as CSV first (workbook.ts). */
export type Format = 'csv' | 'parquet' | 'json' | 'xlsx';

/** One file chosen for loading. */
export interface SourceFile {
  /** Path as given (or joined with its folder). */
  path: string;
  /** Table it feeds. */
  table: TableName;
  format: Format;
  /** gzip-compressed CSV/JSON (`.gz`). */
  gzip: boolean;
  /** Excel: the sheet of the workbook at `path` that holds the table. */
  sheet?: string;
}

/** Per-file counts; rows_in = inserted + updated + unchanged + rejected always. */
export interface FileSummary {
  file: string;
  table: TableName;
  /** sha256 of the file bytes as delivered, hex. */
  sha256: string;
  /** Data rows read (structurally broken rows included). */
  rows_in: number;
  /** New keys added. */
  inserted: number;
  /** Existing keys whose values changed; the previous version went to `<table>_history`. */
  updated: number;
  /** Existing keys delivered again with identical values. */
  unchanged: number;
  /** Rows refused; one or more reasons each in the `rejects` table. */
  rejected: number;
  /**
   * Loaded rows whose naive local time (mapping `time_zone`) fell in a DST gap (read with the offset before the
   * gap) or overlap (the earlier instant), per RFC 5545 §3.3.5. Present only when some did.
   */
  dst?: { gap: number; overlap: number };
  /** For a status panel: the installments derived from it (src/ingest/panel.ts), merged into repayments. */
  derived?: { repayments: { inserted: number; updated: number; unchanged: number } };
}

/** Result of one batch. */
export interface IngestSummary {
  batch_id: string;
  warehouse: string;
  /** ISO timestamps from the injected clock. */
  started_at: string;
  finished_at: string;
  /** `ok` when nothing was rejected, `partial` otherwise. */
  outcome: 'ok' | 'partial';
  files: FileSummary[];
  /** Paths that match no table, with the reason. */
  skipped: { path: string; reason: string }[];
  totals: Omit<FileSummary, 'file' | 'table' | 'sha256'>;
}
