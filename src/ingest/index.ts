/** Ingest: delivered files → validated, idempotent, atomic load into the warehouse. */
export { discover, formatOf, tableOf } from './discover.ts';
export { BATCHES_DDL, ensureIngestTables, historyTable, REJECTS_DDL } from './ledger.ts';
export { assertBalanced, type IngestDeps, runIngest } from './run.ts';
export type { FileSummary, Format, IngestConfig, IngestSummary, SourceFile } from './types.ts';
