/**
 * The delinquency model's training population as the report's WoE/IV describes it: the snapshot rows of the
 * training as-of months (the first 60 % of months, as `train` splits them) that were not already 30+ DPD and whose
 * outcome over the horizon is known. One definition for the report (which reads them from this warehouse) and for
 * training (which saves them beside the model version, for a report on a warehouse the model was not trained on).
 * Reads: features_snapshot.
 */
import { literal, type Warehouse } from '../warehouse/db.ts';
import { tableExists } from '../warehouse/introspect.ts';
import { SNAPSHOT_TABLE } from './snapshot.ts';
import { splitMonths } from './split-months.ts';

/** SELECT of the training rows of features_snapshot (its columns), or why there are none. */
export async function trainingRowsSql(w: Warehouse): Promise<{ sql: string } | { reason: string }> {
  if (!(await tableExists(w, SNAPSHOT_TABLE)))
    return { reason: `table ${SNAPSHOT_TABLE} does not exist (run the features stage first)` };
  const months = (
    await w.all<{ m: string }>(
      `SELECT DISTINCT strftime(as_of, '%Y-%m-%d') AS m FROM ${SNAPSHOT_TABLE} ORDER BY m`,
    )
  ).map((r) => r.m);
  if (months.length < 3) return { reason: `${SNAPSHOT_TABLE} has ${months.length} as-of months (< 3)` };
  const train = splitMonths(months).train;
  // Dates from the table itself, quoted: the SQL is also used where DuckDB takes no parameters (COPY).
  return {
    sql: `SELECT * FROM ${SNAPSHOT_TABLE}
      WHERE as_of BETWEEN ${literal(train[0] as string)}::DATE AND ${literal(train.at(-1) as string)}::DATE
        AND NOT delinquent AND (event > 0 OR observed >= horizon)`,
  };
}
