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
    const [a, b] = plattColumn(z, t, rows, j);
    cal.a.push(a);
    cal.b.push(b);
  }
  return cal;
}

/** Mean log loss, gradient and Hessian in (a, b) for one column, plus a ridge of 1e-6 toward the identity. */
function lossAt(z: Float32Array, t: Targets, rows: Int32Array, j: number, a: number, b: number) {
  let loss = 0.5e-6 * ((a - 1) ** 2 + b * b);
  let ga = 1e-6 * (a - 1);
  let gb = 1e-6 * b;
  let haa = 1e-6;
  let hab = 0;
  let hbb = 1e-6;
  for (let i = 0; i < rows.length; i++) {
    const c = (rows[i] as number) * t.k + j;
    if (!t.m[c]) continue;
    const zz = z[i * t.k + j] as number;
    const u = a * zz + b;
    const yy = t.y[c] as number;
    loss += Math.max(u, 0) - u * yy + Math.log1p(Math.exp(-Math.abs(u)));
    const p = 1 / (1 + Math.exp(-u));
    const w = Math.max(p * (1 - p), 1e-12);
    ga += (p - yy) * zz;
    gb += p - yy;
    haa += w * zz * zz;
    hab += w * zz;
    hbb += w;
  }
  return { loss, ga, gb, haa, hab, hbb };
}

/** Newton's method with step halving (plain Newton overshoots when the scores are far from calibrated). */
function plattColumn(z: Float32Array, t: Targets, rows: Int32Array, j: number): [number, number] {
  let a = 1;
  let b = 0;
  let cur = lossAt(z, t, rows, j, a, b);
  for (let iter = 0; iter < 100; iter++) {
    const det = cur.haa * cur.hbb - cur.hab * cur.hab;
    if (!(det > 0)) break;
    const da = (cur.hbb * cur.ga - cur.hab * cur.gb) / det;
    const db = (cur.haa * cur.gb - cur.hab * cur.ga) / det;
    let step = 1;
    let next = lossAt(z, t, rows, j, a - da, b - db);
    while (next.loss > cur.loss && step > 1e-6) {
      step /= 2;
      next = lossAt(z, t, rows, j, a - step * da, b - step * db);
    }
    if (next.loss > cur.loss) break;
    a -= step * da;
    b -= step * db;
    const done = cur.loss - next.loss < 1e-10 * Math.max(1, cur.loss);
    cur = next;
    if (done) break;
  }
  return [a, b];
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
