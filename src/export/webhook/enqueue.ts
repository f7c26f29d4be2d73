/**
 * Turns the export plan into durable webhook deliveries: one CloudEvent (CloudEvents 1.0, structured JSON) per
 * new, changed or cancelled follow-up, keyed by an idempotency key per follow-up version and target. The key is both the
 * CloudEvent `id` and the `Idempotency-Key` header, so a receiver that dedups by either applies each version once.
 * Reads: temp table export_plan. Writes: webhook_deliveries (status `pending`).
 */
import type { Warehouse } from '../../warehouse/db.ts';
import { recordStruct } from '../fields.ts';
import type { ExportHead } from '../ledger.ts';

/** CloudEvent `type` per export state. */
export const EVENT_TYPES = {
  new: 'com.followup.followup.scheduled',
  changed: 'com.followup.followup.updated',
  cancelled: 'com.followup.followup.cancelled',
} as const;

/** CloudEvent `source` of every event. */
export const EVENT_SOURCE = 'urn:followup:export';

/** Inserts one pending delivery per planned change; a key already present (same version) is left as it is. */
export async function enqueueDeliveries(
  w: Warehouse,
  h: ExportHead,
  cols: string[],
  maskPhone: boolean,
): Promise<number> {
  const data = recordStruct(cols, { maskPhone, iso: true });
  const before = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM webhook_deliveries');
  await w.run(
    `INSERT INTO webhook_deliveries
     WITH k AS (
       SELECT *, 'fu-' || md5(concat_ws('|', $3, loan_id, purpose, cycle, sequence, export_state, version_hash)) AS key,
         CASE export_state WHEN 'new' THEN '${EVENT_TYPES.new}' WHEN 'changed' THEN '${EVENT_TYPES.changed}'
              ELSE '${EVENT_TYPES.cancelled}' END AS event_type
       FROM (SELECT *, row_number() OVER () - 1 AS row_no FROM export_plan) WHERE export_state <> 'unchanged'
     )
     SELECT key, $1, $2, row_no, $3, loan_id, purpose, cycle, sequence, event_type,
       CAST(json_object('specversion', '1.0', 'id', key, 'source', '${EVENT_SOURCE}', 'type', event_type,
         'subject', loan_id || '/' || purpose || '/' || cycle, 'time', $4,
         'datacontenttype', 'application/json', 'data', to_json(${data})) AS VARCHAR),
       'pending', 0, NULL, NULL, NULL
     FROM k
     ON CONFLICT DO NOTHING`,
    [h.export_id, h.export_no, h.target, h.exported_at],
  );
  const after = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM webhook_deliveries');
  return Number(after?.n ?? 0n) - Number(before?.n ?? 0n);
}
