/**
 * Platt scaling fitted on the validation period: p = sigmoid(a·z + b) per output column, where z is the network
 * logit. For the hazard model each month's conditional hazard is calibrated on the rows at risk in that month;
 * calibrated hazards stay in (0, 1), so the cumulative risk 1 − Π(1 − h_k) stays monotone.
 */
import type { Targets } from './train.ts';

/** Calibration per output column: slope `a` and intercept `b` on the logit scale. Identity = a 1, b 0. */
export interface Calibration {
  method: 'platt' | 'none';
  a: number[];
  b: number[];
}

/** Identity calibration for `k` columns. */
export function noCalibration(k: number): Calibration {
  return { method: 'none', a: Array(k).fill(1), b: Array(k).fill(0) };
}

/**
 * Fits Platt scaling per column by Newton's method on the log loss (a tiny ridge keeps it defined when a
 * column has no events). `z` holds logits of `rows` (row-major rows.length × k); targets index the full table.
 */
export function fitPlatt(z: Float32Array, t: Targets, rows: Int32Array): Calibration {
  const cal: Calibration = { method: 'platt', a: [], b: [] };
  for (let j = 0; j < t.k; j++) {
    let a = 1;
    let b = 0;
    for (let iter = 0; iter < 50; iter++) {
      // Gradient and Hessian of the mean log loss in (a, b), plus ridge 1e-6 toward the identity.
      let ga = 1e-6 * (a - 1);
      let gb = 1e-6 * b;
      let haa = 1e-6;
      let hab = 0;
      let hbb = 1e-6;
      for (let i = 0; i < rows.length; i++) {
        const c = (rows[i] as number) * t.k + j;
        if (!t.m[c]) continue;
        const zz = z[i * t.k + j] as number;
        const p = 1 / (1 + Math.exp(-(a * zz + b)));
        const r = p - (t.y[c] as number);
        const w = Math.max(p * (1 - p), 1e-12);
        ga += r * zz;
        gb += r;
        haa += w * zz * zz;
        hab += w * zz;
        hbb += w;
      }
      const det = haa * hbb - hab * hab;
      if (!(det > 0)) break;
      const da = (hbb * ga - hab * gb) / det;
      const db = (haa * gb - hab * ga) / det;
      a -= da;
      b -= db;
      if (Math.abs(da) + Math.abs(db) < 1e-9) break;
    }
    cal.a.push(a);
    cal.b.push(b);
  }
  return cal;
}

/** Applies calibration to logits (n × k) and returns probabilities. */
export function applyCalibration(cal: Calibration, z: Float32Array, k: number): Float32Array {
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) {
    const j = i % k;
    out[i] = 1 / (1 + Math.exp(-((cal.a[j] as number) * (z[i] as number) + (cal.b[j] as number))));
  }
  return out;
}
