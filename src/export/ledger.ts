/**
 * The export ledger: after an export has been written (or, for the webhook, planned durably), record what the
 * target now knows — one ledger row per new, changed or cancelled follow-up (not for cancellations an earlier
 * export recorded and this one only carries), and one `exports` row.
 * Reads: temp table export_plan. Writes: exports, export_ledger.
 */
import type { Warehouse } from '../warehouse/db.ts';
import type { StateCounts } from './types.ts';

/** Identity of one export. */
export interface ExportHead {
  export_id: string;
  /** Monotonic number across all exports of the warehouse; orders ledger rows. */
  export_no: number;
  format: string;
  target: string;
  run_id: string;
  /** ISO instant of the export (from the injected clock). */
  exported_at: string;
  since_last: boolean;
}

/**
 * Next export number and an id `<format>-<yyyymmddThhmmssZ>-<no>`. Exports that run side by side (pipeline steps
 * on connections of their own) read the same committed maximum; `reserve` gives each its own number, so their ids
 * differ even at the same instant.
 */
export async function newExportHead(
  w: Warehouse,
  h: Omit<ExportHead, 'export_id' | 'export_no'>,
): Promise<ExportHead> {
  const r = await w.one<{ n: bigint | null }>('SELECT max(export_no) AS n FROM exports');
  const no = w.reserve('export_no', Number(r?.n ?? 0n) + 1);
  const stamp = h.exported_at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return { ...h, export_no: no, export_id: `${h.format}-${stamp}-${no}` };
}

/** Records the export and its ledger rows. Call inside the transaction that makes the export final. */
export async function recordExport(
  w: Warehouse,
  h: ExportHead,
  counts: StateCounts,
  written: number,
): Promise<void> {
  await w.run(
    `INSERT INTO exports VALUES ($1, $2, $3, $4, $5, CAST($6 AS TIMESTAMPTZ), $7, $8, $9, $10, $11, $12)`,
    [
      h.export_id,
      h.export_no,
      h.format,
      h.target,
      h.run_id,
      h.exported_at,
      h.since_last,
      counts.new,
      counts.changed,
      counts.unchanged,
      counts.cancelled,
      written,
    ],
  );
  await w.run(
    `INSERT INTO export_ledger
     SELECT $1, $2, $3, $4, CAST($5 AS TIMESTAMPTZ), loan_id, purpose, cycle, version_hash, sequence,
            CASE WHEN export_state = 'cancelled' THEN 'cancelled' ELSE 'active' END, run_id
     FROM export_plan WHERE export_state <> 'unchanged' AND NOT carried`,
    [h.export_id, h.export_no, h.format, h.target, h.exported_at],
  );
}
