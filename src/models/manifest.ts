/**
 * Feature-manifest checks: compare two manifests so a fitted artifact can refuse features it was not trained on,
 * naming exactly which features differ (manifests are built in src/features/manifest.ts).
 */
import { MismatchError } from '../core/errors.ts';
import type { FeatureManifest } from '../features/types.ts';

/** How two manifests differ; all lists empty (and versions equal) means they match. */
export interface ManifestDiff {
  /** Features present in the table but not in the model's manifest. */
  added: string[];
  /** Features the model was trained on that the table lacks. */
  removed: string[];
  /** Features present in both with a different type, as `name (numeric → categorical)`. */
  changed: string[];
  /** Set when the feature-code versions differ, as `v1 → v2`. */
  version?: string;
}

/** Compares the manifest a model was trained on (`expected`) with the one of a table (`actual`). */
export function diffManifest(expected: FeatureManifest, actual: FeatureManifest): ManifestDiff {
  const e = new Map(expected.features.map((f) => [f.name, f.type]));
  const a = new Map(actual.features.map((f) => [f.name, f.type]));
  const diff: ManifestDiff = {
    added: [...a.keys()].filter((n) => !e.has(n)),
    removed: [...e.keys()].filter((n) => !a.has(n)),
    changed: [...e]
      .filter(([n, t]) => a.has(n) && a.get(n) !== t)
      .map(([n, t]) => `${n} (${t} → ${a.get(n)})`),
  };
  if (expected.version !== actual.version) diff.version = `${expected.version} → ${actual.version}`;
  return diff;
}

/**
 * Throws MismatchError unless `actual` has the hash of `expected`. The message lists added, removed and
 * type-changed features so the user sees what to retrain or regenerate.
 */
export function assertManifest(expected: FeatureManifest, actual: FeatureManifest, what: string): void {
  if (expected.hash === actual.hash) return;
  const d = diffManifest(expected, actual);
  const parts: string[] = [];
  if (d.added.length) parts.push(`added: ${d.added.join(', ')}`);
  if (d.removed.length) parts.push(`removed: ${d.removed.join(', ')}`);
  if (d.changed.length) parts.push(`type changed: ${d.changed.join(', ')}`);
  if (d.version) parts.push(`feature version: ${d.version}`);
  if (!parts.length) parts.push('feature order differs');
  throw new MismatchError(
    `${what} was trained on features with manifest hash ${expected.hash.slice(0, 12)} but the table has ` +
      `${actual.hash.slice(0, 12)}; ${parts.join('; ')}`,
    { hint: 'regenerate the features with the version the model was trained on, or retrain the model' },
  );
}
