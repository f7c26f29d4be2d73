/**
 * Hang-up rows: one row per OUTBOUND PHONE attempt, with the borrower's state just before the attempt and the
 * attempt's context, labelled y = 1 when it ended hung_up or refused.
 *
 *   contacts ─► attempt spine (rid, loan_id, as_of = UTC date, cutoff = started_at, contact_id)
 *            ─► families (repayment, contact, loan, market at as_of; contacts strictly before cutoff) + context
 *            ─► features_hangup (+ y)
 * Reads: loans, repayments, contacts, market. Writes: `features_hangup` (replaced).
 * Repayment facts dated on the attempt's UTC day count as known (a payment that day is usually booked before the
 * call is planned); contact history stops strictly before the attempt, so the attempt never sees itself.
 */
import { ident, type Warehouse } from '../warehouse/db.ts';
import { assembleFeatures } from './assemble.ts';
import { hangupManifestOf, snapshotFamiliesOf } from './extras.ts';
import { CONTEXT_FAMILY } from './families/index.ts';
import { type RowFilter, readFeatureTable, readIntColumns } from './read.ts';
import { checkDate } from './snapshot.ts';
import { buildAttemptSpine } from './spine.ts';
import type { FeatureTable } from './types.ts';

/** Default table of hang-up rows. */
export const HANGUP_TABLE = 'features_hangup';

export interface HangupConfig {
  /** First UTC date of attempts to include (inclusive), YYYY-MM-DD. Default: all. */
  from?: string;
  /** UTC date after the last attempt to include (exclusive), YYYY-MM-DD. Default: all. */
  to?: string;
  /** Output table. Default `features_hangup`. */
  table?: string;
}

export interface HangupResult {
  table: string;
  /** Attempts (rows) written and how many ended in a hang-up or refusal. */
  rows: number;
  positives: number;
  features: number;
  manifestHash: string;
}

/** Builds hang-up rows for the attempts in [from, to) into one table (replaced). */
export async function buildHangupRows(w: Warehouse, config: HangupConfig = {}): Promise<HangupResult> {
  const table = config.table ?? HANGUP_TABLE;
  const rows = await buildAttemptSpine(w, {
    ...(config.from ? { from: checkDate(config.from, 'from') } : {}),
    ...(config.to ? { to: checkDate(config.to, 'to') } : {}),
  });
  await w.run(`CREATE OR REPLACE TEMP TABLE fx_hangup_y AS
    SELECT s.rid, (c.outcome IN ('hung_up', 'refused'))::INTEGER AS y
    FROM fx_spine s JOIN contacts c ON c.contact_id = s.contact_id`);
  await assembleFeatures(w, {
    spine: 'fx_spine',
    families: [...(await snapshotFamiliesOf(w)), CONTEXT_FAMILY],
    out: table,
    keys: ['loan_id', 'as_of', 'contact_id'],
    extras: [{ table: 'fx_hangup_y', columns: ['y'] }],
  });
  await w.run('DROP TABLE IF EXISTS fx_hangup_y; DROP TABLE IF EXISTS fx_spine');
  const pos = await w.one<{ n: bigint }>(`SELECT count(*) FILTER (WHERE y = 1) AS n FROM ${ident(table)}`);
  const manifest = await hangupManifestOf(w);
  return {
    table,
    rows,
    positives: Number(pos?.n ?? 0),
    features: manifest.features.length,
    manifestHash: manifest.hash,
  };
}

/** Reads hang-up rows (ordered by started_at, contact_id) and their labels y (1 = hung up or refused). */
export async function readHangupRows(
  w: Warehouse,
  filter: RowFilter = {},
  table = HANGUP_TABLE,
): Promise<{ table: FeatureTable; y: Uint8Array }> {
  const features = await readFeatureTable(w, table, await hangupManifestOf(w), filter);
  const [y] = await readIntColumns(w, table, ['y'], filter);
  return { table: features, y: Uint8Array.from(y as Int32Array) };
}
