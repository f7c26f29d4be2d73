/**
 * Warehouse tables of the export stage.
 * - `exports`: one row per export (id, format, target, run, time, counts).
 * - `export_ledger`: one row per follow-up whose exported state changed in an export (new, changed, cancelled);
 *   the latest row per (format, target, loan, purpose, cycle) is what that target was last told.
 * - `webhook_deliveries`: one row per CloudEvent to deliver; the ack is recorded here before the next send, so a
 *   crashed export resumes without re-sending what was acknowledged.
 */
import type { Warehouse } from '../warehouse/db.ts';

export const EXPORT_DDL = `
CREATE TABLE IF NOT EXISTS exports (
  export_id VARCHAR PRIMARY KEY,
  export_no BIGINT NOT NULL,
  format VARCHAR NOT NULL,
  target VARCHAR NOT NULL,
  run_id VARCHAR NOT NULL,
  exported_at TIMESTAMPTZ NOT NULL,
  since_last BOOLEAN NOT NULL,
  n_new BIGINT NOT NULL,
  n_changed BIGINT NOT NULL,
  n_unchanged BIGINT NOT NULL,
  n_cancelled BIGINT NOT NULL,
  n_written BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS export_ledger (
  export_id VARCHAR NOT NULL,
  export_no BIGINT NOT NULL,
  format VARCHAR NOT NULL,
  target VARCHAR NOT NULL,
  exported_at TIMESTAMPTZ NOT NULL,
  loan_id VARCHAR NOT NULL,
  purpose VARCHAR NOT NULL,
  cycle INTEGER NOT NULL,
  version_hash VARCHAR NOT NULL,
  sequence INTEGER NOT NULL,
  state VARCHAR NOT NULL,
  run_id VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  idempotency_key VARCHAR PRIMARY KEY,
  export_id VARCHAR NOT NULL,
  export_no BIGINT NOT NULL,
  seq_no BIGINT NOT NULL,
  target VARCHAR NOT NULL,
  loan_id VARCHAR NOT NULL,
  purpose VARCHAR NOT NULL,
  cycle INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  event_type VARCHAR NOT NULL,
  payload VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  attempts INTEGER NOT NULL,
  last_status INTEGER,
  last_error VARCHAR,
  acked_at TIMESTAMPTZ
);`;

/** Creates the export tables if missing. Idempotent. */
export async function ensureExportTables(w: Warehouse): Promise<void> {
  await w.run(EXPORT_DDL);
}
