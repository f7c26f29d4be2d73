/**
 * Point-in-time features and labels (issue 3). The public API of the stage:
 *
 *   warehouse (loans · repayments · contacts · market)
 *     ├─ buildSnapshots(w, {asOf, horizon, dataEnd}) ─► features_snapshot (features + event/observed/delinquent)
 *     │     └─ readSnapshotFeatures(w, filter) → FeatureTable   readHazardLabels(w, filter) → SnapshotLabels
 *     ├─ buildHangupRows(w, {from, to}) ─► features_hangup (features + context + y)
 *     │     └─ readHangupRows(w, filter) → {table, y}
 *     └─ buildBorrowerState(w, asOf) → FeatureTable ─► crossSlots / slotRowBatches / buildSlotRows (recommend)
 *   snapshotManifest() / hangupManifest(): the features and their hash that travel with each model.
 */

export {
  extraDeclarations,
  hangupManifestFrom,
  hangupManifestOf,
  snapshotFamiliesOf,
  snapshotManifestOf,
} from './extras.ts';
export {
  buildHangupRows,
  HANGUP_TABLE,
  type HangupConfig,
  type HangupResult,
  readHangupRows,
} from './hangup.ts';
export { buildHazardLabels, defaultDataEnd, type LabelOptions } from './labels.ts';
export { FEATURE_VERSION, hangupManifest, makeManifest, snapshotManifest } from './manifest.ts';
export { type RowFilter, readFeatureTable } from './read.ts';
export { buildBorrowerState, buildSlotRows, crossSlots, type Slot, slotRowBatches } from './slots.ts';
export {
  buildSnapshots,
  /** The hazard labels of snapshot rows, aligned with readSnapshotFeatures under the same filter. */
  readHazardLabels,
  readSnapshotFeatures,
  SNAPSHOT_TABLE,
  type SnapshotConfig,
  type SnapshotLabels,
  type SnapshotResult,
} from './snapshot.ts';
export type { FeatureManifest, FeatureSpec, FeatureTable, HazardLabels } from './types.ts';
