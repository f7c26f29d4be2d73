/** Small synthetic feature tables with known truth for the model tests. */

import { mulberry32 } from '../../src/core/prng.ts';
import { makeManifest } from '../../src/features/manifest.ts';
import type { FeatureSpec, FeatureTable } from '../../src/features/types.ts';

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Gaussian draws from a seeded uniform generator (Box–Muller). */
export function gaussian(seed: number): () => number {
  const r = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/**
 * A table with numeric `late` (drives risk), `noise` (does not), and categorical `channel` (sms is riskier).
 * Returns the table and the true logit per row: −2 + 1.5·late + 0.8·[channel = sms].
 */
export function riskTable(n: number, seed: number): { table: FeatureTable; logit: Float64Array } {
  const g = gaussian(seed);
  const r = mulberry32(seed + 1);
  const late = Float64Array.from({ length: n }, () => g());
  const noise = Float64Array.from({ length: n }, () => g());
  const channel = Array.from({ length: n }, () => (r() < 0.3 ? 'sms' : r() < 0.5 ? 'call' : 'email'));
  const specs: FeatureSpec[] = [
    { name: 'late', type: 'numeric', family: 'repayment', phrase: '{v} late payments in the last 6 months' },
    { name: 'noise', type: 'numeric', family: 'context', phrase: 'noise {v}' },
    { name: 'channel', type: 'categorical', family: 'contact', phrase: 'contacted by {v}' },
  ];
  const logit = Float64Array.from(
    { length: n },
    (_, i) => -2 + 1.5 * (late[i] as number) + (channel[i] === 'sms' ? 0.8 : 0),
  );
  const table: FeatureTable = {
    manifest: makeManifest(specs, 'test-1'),
    n,
    keys: { loan_id: Array.from({ length: n }, (_, i) => `L${i}`) },
    numeric: { late, noise },
    categorical: { channel },
  };
  return { table, logit };
}

/** Draws 0/1 outcomes from true logits. */
export function drawLabels(logit: Float64Array, seed: number): Uint8Array {
  const r = mulberry32(seed);
  return Uint8Array.from(logit, (z) => (r() < sigmoid(z) ? 1 : 0));
}

/** Masks: first 60 % train, next 20 % valid, last 20 % test. */
export function thirds(n: number): { train: Uint8Array; valid: Uint8Array; test: Uint8Array } {
  const m = (a: number, b: number) =>
    Uint8Array.from({ length: n }, (_, i) => (i >= a * n && i < b * n ? 1 : 0));
  return { train: m(0, 0.6), valid: m(0.6, 0.8), test: m(0.8, 1) };
}
