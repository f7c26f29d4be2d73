/**
 * The extra columns a warehouse declares (src/ingest/extras.ts), as feature families and manifests. Every stage
 * that builds or reads features asks the warehouse, so the manifest of a model trained with extras names them
 * (and refuses a warehouse that lacks them).
 */
import type { Warehouse } from '../warehouse/db.ts';
import { type ExtraDeclaration, extraFamily } from './families/extra.ts';
import { CONTEXT_FAMILY, type FeatureFamily, SNAPSHOT_FAMILIES } from './families/index.ts';
import { makeManifest } from './manifest.ts';
import type { FeatureManifest } from './types.ts';

/** Declared extra columns of loans and contacts, in declaration order; none when the warehouse has no extras. */
export async function extraDeclarations(w: Warehouse): Promise<ExtraDeclaration[]> {
  const t = await w.one<{ n: bigint }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'extra_columns' AND schema_name = 'main'",
  );
  if (!t || t.n === 0n) return [];
  return w.all<ExtraDeclaration>(
    "SELECT tbl, name, type, source FROM extra_columns WHERE tbl IN ('loans', 'contacts') ORDER BY tbl DESC, seq",
  );
}

/** Snapshot families of this warehouse: the fixed ones, then its extras. */
export async function snapshotFamiliesOf(w: Warehouse): Promise<FeatureFamily[]> {
  const x = extraFamily(await extraDeclarations(w));
  return x ? [...SNAPSHOT_FAMILIES, x] : [...SNAPSHOT_FAMILIES];
}

/** Manifest of delinquency snapshot rows in this warehouse. */
export async function snapshotManifestOf(w: Warehouse): Promise<FeatureManifest> {
  return makeManifest((await snapshotFamiliesOf(w)).flatMap((f) => f.features));
}

/** Manifest of hang-up rows in this warehouse: the snapshot features (extras included), then the attempt context. */
export async function hangupManifestOf(w: Warehouse): Promise<FeatureManifest> {
  return hangupManifestFrom(await snapshotManifestOf(w));
}

/** Hang-up manifest for a borrower-state manifest (snapshot features): its features, then the context. */
export function hangupManifestFrom(state: FeatureManifest): FeatureManifest {
  return makeManifest([...state.features, ...CONTEXT_FAMILY.features]);
}
