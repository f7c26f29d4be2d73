/**
 * Reason codes: for each row, the features that RAISE the risk most relative to a reference borrower (training
 * median of numeric features, mode of categorical ones). The contribution of feature f is
 * risk(row) − risk(row with f set to the reference): for the graph of network.ts from the first layer's
 * pre-activations (exact, see factoredDeltas), for any other model by one batched prediction per feature.
 */
import * as tf from '@tensorflow/tfjs';
import { fillPhrase, formatNumber, type Lang } from '../core/format.ts';
import type { FeatureSpec, FeatureTable } from '../features/types.ts';
import { applyCalibration } from './calibrate.ts';
import {
  finishRows,
  type GraphParts,
  graphParts,
  kernelRows,
  preActivationRows,
  type Rows,
} from './graph.ts';
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
  /** FeatureSpec.phrase filled with the value (src/core/format.ts), e.g. "3 late payments in the last 6 months". */
  text: string;
}

/**
 * Top `k` risk-raising reasons per row (fewer when fewer features raise the risk). The risk is the cumulative
 * risk at the last month for the hazard model and the probability for the hang-up model. `perturb` forces one
 * full prediction per feature (the reference the fast path is tested against). Callers chunk big tables.
 */
export function explain(
  model: TrainedModel,
  table: FeatureTable,
  k = 3,
  method: 'auto' | 'perturb' = 'auto',
): Reason[][] {
  const pre = model.preprocess;
  const x = transform(pre, table);
  const ref = referenceRow(pre);
  const features = table.manifest.features;
  const graphs = model.nets.map(graphParts);
  const deltas =
    method === 'auto' && graphs.every((g) => g !== null)
      ? factoredDeltas(model, graphs as GraphParts[], x, ref, table)
      : perturbedDeltas(model, x, ref, table);
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

/** Risk drop per feature when it is set to the reference: one full prediction per feature. */
function perturbedDeltas(model: TrainedModel, x: Float32Array, ref: Float32Array, table: FeatureTable) {
  const pre = model.preprocess;
  const w = pre.width;
  const base = riskOf(model, predictLogits(model.nets, x, table.n, w), table.n);
  return table.manifest.features.map((f) => {
    const [c0, c1] = pre.spans[f.name] as [number, number];
    const xs = x.slice();
    for (let i = 0; i < table.n; i++) xs.set(ref.subarray(c0, c1), i * w + c0);
    const r = riskOf(model, predictLogits(model.nets, xs, table.n, w), table.n);
    return base.map((b, i) => b - (r[i] as number));
  });
}

/**
 * The same numbers for a network.ts graph, without a full prediction per feature: setting feature f's columns
 * to the reference moves the first layer's pre-activation by (ref − x)[f]·W[f], a product over f's few columns
 * done in JavaScript; only the layers after the first run again. Exact, and cheaper than a full prediction per
 * feature once the input is wider than a few dozen columns.
 */
function factoredDeltas(
  model: TrainedModel,
  graphs: GraphParts[],
  x: Float32Array,
  ref: Float32Array,
  table: FeatureTable,
): Float32Array[] {
  const pre = model.preprocess;
  const w = pre.width;
  const n = table.n;
  const xt = tf.tensor2d(x, [n, w]);
  const members = graphs.map((g) => ({
    g,
    wide: g.wide ? { at: preActivationRows(g.wide, xt), k: kernelRows(g.wide) } : null,
    hidden: g.hidden ? { at: preActivationRows(g.hidden, xt), k: kernelRows(g.hidden) } : null,
  }));
  xt.dispose();
  // The pre-activation of `rows` with columns `span` set to the reference (no span: as is).
  const shifted = (f: { at: Rows; k: Rows } | null, rows: Int32Array, span: [number, number] | null) => {
    if (!f) return null;
    const u = f.at.units;
    const out = new Float32Array(rows.length * u);
    for (let j = 0; j < rows.length; j++) {
      const i = rows[j]!;
      const o = j * u;
      out.set(f.at.data.subarray(i * u, (i + 1) * u), o);
      if (!span) continue;
      for (let c = span[0]; c < span[1]; c++) {
        const d = (ref[c] as number) - (x[i * w + c] as number);
        if (d === 0) continue;
        const ko = c * u;
        for (let k = 0; k < u; k++) out[o + k] = (out[o + k] as number) + d * (f.k.data[ko + k] as number);
      }
    }
    return out;
  };
  const risk = (rows: Int32Array, span: [number, number] | null) => {
    const m = rows.length;
    const z = tf.tidy(() => {
      const zs = members.map((g) =>
        finishRows(g.g, m, shifted(g.wide, rows, span), shifted(g.hidden, rows, span)),
      );
      return zs.length === 1 ? zs[0]! : tf.div(tf.addN(zs), zs.length);
    });
    const r = riskOf(model, z.dataSync() as Float32Array, m);
    z.dispose();
    return r;
  };
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const base = risk(all, null);
  return table.manifest.features.map((f) => {
    const span = pre.spans[f.name] as [number, number];
    // Only rows whose value differs from the reference can move (most loans have no late payment, no gap…).
    const moved: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let c = span[0]; c < span[1]; c++) {
        if (x[i * w + c] !== ref[c]) {
          moved.push(i);
          break;
        }
      }
    }
    const delta = new Float32Array(n);
    if (moved.length === 0) return delta;
    const rows = Int32Array.from(moved);
    const r = risk(rows, span);
    for (let j = 0; j < rows.length; j++) delta[rows[j]!] = (base[rows[j]!] as number) - (r[j] as number);
    return delta;
  });
}

/** Risk per row from logits: the calibrated probability, or for the hazard the cumulative risk at month H. */
function riskOf(model: TrainedModel, z: Float32Array, n: number): Float32Array {
  const H = model.outputs;
  const p = applyCalibration(model.calibration, z, H);
  if (H === 1) return p;
  const cum = cumulativeRisk(p, H);
  return Float32Array.from({ length: n }, (_, i) => cum[i * H + H - 1] as number);
}

function reason(f: FeatureSpec, table: FeatureTable, i: number, delta: number): Reason {
  const value =
    f.type === 'numeric'
      ? nanToNull((table.numeric[f.name] as Float64Array)[i] as number)
      : ((table.categorical[f.name] as (string | null)[])[i] ?? null);
  return { feature: f.name, value, delta, text: fillPhrase(f.phrase, value, f.unit) };
}

function nanToNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

/**
 * Formats a value for a phrase (src/core/format.ts): a '%' feature holds a fraction and prints as a percent
 * (0.34 → "34%"), 'pp' a difference of fractions in percentage points, other numbers with at most two decimals;
 * missing as "unknown".
 */
export function formatValue(v: number | string | null, unit?: string, lang: Lang = 'en'): string {
  return formatNumber(v, unit, lang);
}
