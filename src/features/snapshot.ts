/**
 * Delinquency snapshots: point-in-time features and hazard labels per (loan × as-of date).
 *
 *   as-of dates ─► snapshot spine (active loans) ─► families (repayment, contact, loan, market) ─┐
 *                                      └─► hazard labels (event, observed, delinquent) ──────────┴─► features_snapshot
 * Reads: loans, repayments, contacts, market. Writes: `features_snapshot` (replaced; one row per loan × as_of).
 */
import { isIsoDate } from '../core/days.ts';
import { BadInputError } from '../core/errors.ts';
import { ident, type Warehouse } from '../warehouse/db.ts';
import { assembleFeatures } from './assemble.ts';
import { snapshotFamiliesOf, snapshotManifestOf } from './extras.ts';
import { buildHazardLabels } from './labels.ts';
import { type RowFilter, readFeatureTable, readIntColumns } from './read.ts';
import { buildSnapshotSpine } from './spine.ts';
import type { FeatureTable, HazardLabels } from './types.ts';

/** Default table of snapshot features and labels. */
export const SNAPSHOT_TABLE = 'features_snapshot';

export interface SnapshotConfig {
  /** As-of dates, YYYY-MM-DD (e.g. month starts). At least one. */
  asOf: readonly string[];
  /** Label horizon in months. Default 6. */
  horizon?: number;
  /** Last date whose events are known, YYYY-MM-DD. Default: latest payment or contact date in the warehouse. */
  dataEnd?: string;
  /** Output table. Default `features_snapshot`. */
  table?: string;
}

export interface SnapshotResult {
  table: string;
  /** Rows written (loan × as_of). */
  rows: number;
  /** Rows per as-of date. */
  rowsByAsOf: Record<string, number>;
  /** Number of features and the manifest hash. */
  features: number;
  manifestHash: string;
  horizon: number;
  dataEnd: string;
  /** Rows with an observed onset within the horizon, and rows excluded as already 30+ DPD. */
  events: number;
  delinquent: number;
}

/** Labels of snapshot rows, with the rows left out of the onset population (already 30+ DPD at as_of). */
export interface SnapshotLabels extends HazardLabels {
  /** 1 when the loan was already 30+ DPD at as_of (event = observed = 0). */
  delinquent: Uint8Array;
}

/** Checks a YYYY-MM-DD date string that is a real calendar date; `what` names it in the message. */
export function checkDate(value: string, what: string): string {
  if (!isIsoDate(value))
    throw new BadInputError(`${what} must be a date YYYY-MM-DD; got ${JSON.stringify(value)}`);
  return value;
}

/** Builds snapshot features and labels for every as-of date into one table (replaced). */
export async function buildSnapshots(w: Warehouse, config: SnapshotConfig): Promise<SnapshotResult> {
  if (config.asOf.length === 0) throw new BadInputError('asOf must list at least one date; got none');
  const asOf = [...new Set(config.asOf.map((d) => checkDate(d, 'as-of date')))].sort();
  const horizon = config.horizon ?? 6;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 36)
    throw new BadInputError(`horizon must be an integer 1…36 months; got ${horizon}`);
  const table = config.table ?? SNAPSHOT_TABLE;
  const families = await snapshotFamiliesOf(w);
  const manifest = await snapshotManifestOf(w);
  const rows = await buildSnapshotSpine(w, asOf);
  const dataEnd = await buildHazardLabels(w, {
    horizon,
    ...(config.dataEnd ? { dataEnd: checkDate(config.dataEnd, 'data end') } : {}),
  });
  await assembleFeatures(w, {
    spine: 'fx_spine',
    families,
    out: table,
    extras: [{ table: 'fx_labels', columns: ['event', 'observed', 'delinquent', 'horizon'] }],
  });
  await w.run('DROP TABLE IF EXISTS fx_labels; DROP TABLE IF EXISTS fx_spine');
  const byDate = await w.all<{ as_of: string; n: bigint; ev: bigint; dq: bigint }>(
    `SELECT as_of::VARCHAR AS as_of, count(*) AS n, count(*) FILTER (WHERE event > 0) AS ev,
       count(*) FILTER (WHERE delinquent) AS dq
     FROM ${ident(table)} GROUP BY as_of ORDER BY as_of`,
  );
  const rowsByAsOf = Object.fromEntries(asOf.map((d) => [d, 0]));
  for (const r of byDate) rowsByAsOf[r.as_of] = Number(r.n);
  return {
    table,
    rows,
    rowsByAsOf,
    features: manifest.features.length,
    manifestHash: manifest.hash,
    horizon,
    dataEnd,
    events: byDate.reduce((s, r) => s + Number(r.ev), 0),
    delinquent: byDate.reduce((s, r) => s + Number(r.dq), 0),
  };
}

/** Reads snapshot features (ordered as_of, loan_id) as a FeatureTable. */
export async function readSnapshotFeatures(
  w: Warehouse,
  filter: RowFilter = {},
  table = SNAPSHOT_TABLE,
): Promise<FeatureTable> {
  return readFeatureTable(w, table, await snapshotManifestOf(w), filter);
}

/** Reads the hazard labels aligned row by row with readSnapshotFeatures under the same filter. */
export async function readHazardLabels(
  w: Warehouse,
  filter: RowFilter = {},
  table = SNAPSHOT_TABLE,
): Promise<SnapshotLabels> {
  const cols = ['event', 'observed', 'delinquent', 'horizon'];
  const [event, observed, delinquent, horizon] = await readIntColumns(w, table, cols, filter);
  const stored = await w.one<{ h: number | null }>(`SELECT max(horizon)::INTEGER AS h FROM ${ident(table)}`);
  return {
    event: event as Int32Array,
    observed: observed as Int32Array,
    horizon: horizon?.[0] ?? stored?.h ?? 6,
    delinquent: Uint8Array.from(delinquent as Int32Array),
  };
}
