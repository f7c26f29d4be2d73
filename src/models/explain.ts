/**
 * Reason codes: for each row, the features that RAISE the risk most relative to a reference borrower (training
 * median of numeric features, mode of categorical ones). The contribution of feature f is
 * risk(row) − risk(row with f set to the reference); computed in one batched prediction per feature.
 */
import type { FeatureSpec, FeatureTable } from '../features/types.ts';
import { applyCalibration } from './calibrate.ts';
import { cumulativeRisk } from './hazard.ts';
import { predictLogits } from './network.ts';
import { referenceRow, transform } from './preprocess.ts';
import type { TrainedModel } from './types.ts';

/** One reason: a feature that raised the risk. */
export interface Reason {
  feature: string;
  /** The row's raw value (number, category, or null when missing). */
  value: number | string | null;
  /** Risk increase over the reference value, in probability points (0…1). */
  delta: number;
  /** FeatureSpec.phrase with `{v}` replaced by the formatted value, e.g. "3 late payments in the last 6 months". */
  text: string;
}

/**
 * Top `k` risk-raising reasons per row (fewer when fewer features raise the risk). The risk is the cumulative
 * risk at the last month for the hazard model and the probability for the hang-up model.
 */
export function explain(model: TrainedModel, table: FeatureTable, k = 3): Reason[][] {
  const pre = model.preprocess;
  const w = pre.width;
  const x = transform(pre, table);
  const ref = referenceRow(pre);
  const base = riskOf(model, x, table.n);
  const features = table.manifest.features;
  const deltas = features.map((f) => {
    const [c0, c1] = pre.spans[f.name] as [number, number];
    const xs = x.slice();
    for (let i = 0; i < table.n; i++) xs.set(ref.subarray(c0, c1), i * w + c0);
    const r = riskOf(model, xs, table.n);
    return base.map((b, i) => b - (r[i] as number));
  });
  const out: Reason[][] = [];
  for (let i = 0; i < table.n; i++) {
    const ranked = features
      .map((f, j) => ({ f, d: (deltas[j] as Float32Array)[i] as number }))
      .filter((e) => e.d > 1e-6)
      .sort((a, b) => b.d - a.d)
      .slice(0, k);
    out.push(ranked.map(({ f, d }) => reason(f, table, i, d)));
  }
  return out;
}

function riskOf(model: TrainedModel, x: Float32Array, n: number): Float32Array {
  const H = model.outputs;
  const p = applyCalibration(model.calibration, predictLogits(model.nets, x, n, model.preprocess.width), H);
  if (H === 1) return p;
  const cum = cumulativeRisk(p, H);
  return Float32Array.from({ length: n }, (_, i) => cum[i * H + H - 1] as number);
}

function reason(f: FeatureSpec, table: FeatureTable, i: number, delta: number): Reason {
  const value =
    f.type === 'numeric'
      ? nanToNull((table.numeric[f.name] as Float64Array)[i] as number)
      : ((table.categorical[f.name] as (string | null)[])[i] ?? null);
  return { feature: f.name, value, delta, text: f.phrase.replaceAll('{v}', formatValue(value, f.unit)) };
}

function nanToNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

/** Formats a value for a phrase: integers as is, others with at most two decimals; missing as "unknown". */
export function formatValue(v: number | string | null, unit?: string): string {
  if (v === null) return 'unknown';
  if (typeof v === 'string') return v;
  const s = Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  return unit === '%' ? `${s}%` : s;
}
