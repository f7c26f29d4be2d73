/** The export stage: dialer CSV, JSON Lines, Parquet, iCalendar and webhook, with an incremental ledger. */
export { type ExportDeps, ensureExportTablesOf, runExport, runExportOn } from './run.ts';
export { ensureExportTables } from './tables.ts';
export { DIALER_FIELDS, type DialerTemplate, loadTemplate } from './template.ts';
export { followupUid } from './to-ics.ts';
export * from './types.ts';
export { TOKEN_ENV } from './webhook/send.ts';
