/**
 * Feature manifests: the list of features a model is trained on, with a hash over (version, name, type) so a
 * model refuses a table whose features differ. Phrases and units are presentation and stay out of the hash.
 */
import { sha256, stableStringify } from '../core/hash.ts';
import { CONTEXT_FAMILY, SNAPSHOT_FAMILIES } from './families/index.ts';
import type { FeatureManifest, FeatureSpec } from './types.ts';

/** Version of the feature definitions; bump when a feature changes meaning. */
export const FEATURE_VERSION = '2';

/** Builds a manifest from feature specs; the hash covers version and each feature's name and type, in order. */
export function makeManifest(features: FeatureSpec[], version: string = FEATURE_VERSION): FeatureManifest {
  return { version, features, hash: manifestHash(version, features) };
}

/** Hash of a manifest: sha256 of stable JSON of {version, features(name, type)}. */
export function manifestHash(version: string, features: FeatureSpec[]): string {
  return sha256(
    stableStringify({ version, features: features.map((f) => ({ name: f.name, type: f.type })) }),
  );
}

/** Features of delinquency snapshots (loan × as-of): repayment, contact, loan and market families. */
export function snapshotManifest(): FeatureManifest {
  return makeManifest(SNAPSHOT_FAMILIES.flatMap((f) => f.features));
}

/** Features of hang-up rows (attempt, or loan × candidate slot): the snapshot families plus the attempt context. */
export function hangupManifest(): FeatureManifest {
  return makeManifest([...SNAPSHOT_FAMILIES.flatMap((f) => f.features), ...CONTEXT_FAMILY.features]);
}
