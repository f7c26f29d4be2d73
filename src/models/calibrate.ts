/**
 * Platt scaling fitted on the validation period: p = sigmoid(a·z + b) per output column, where z is the network
 * logit. For the hazard model each month's conditional hazard is calibrated on the rows at risk in that month;
 * calibrated hazards stay in (0, 1), so the cumulative risk 1 − Π(1 − h_k) stays monotone.
 */
import { brier } from '../evaluate/brier.ts';
import { ece } from '../evaluate/ece.ts';
import type { Targets } from './train.ts';

/** Calibration per output column: slope `a` and intercept `b` on the logit scale. Identity = a 1, b 0. */
export interface Calibration {
  method: 'platt' | 'none';
  a: number[];
  b: number[];
  /**
   * Prior-shift check on the most recent labelled period: when its base rate differs from what the Platt fit
   * predicts there by more than two standard errors, the intercept shift `delta` that matches it (added to `b`
   * when `applied`). Per column; absent when the check could not run.
   */
  shift?: PriorShift;
}

/** What the prior-shift check saw on the recent period, per column, and the ECE/Brier there before and after. */
export interface PriorShift {
  /** The recent period (YYYY-MM of the as-of dates) and its labelled rows per column. */
  period: string;
  rows: number[];
  observed_rate: number[];
  predicted_rate: number[];
  /** Logit shift that matches the recent rate (0 where the difference was within two standard errors). */
  delta: number[];
  /** Whether `delta` was added to `b` (train option `priorShift`); otherwise it is reported only. */
  applied: boolean;
  brier_before: number[];
  brier_after: number[];
  ece_before: number[];
  ece_after: number[];
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

/** Fewest labelled rows (and events) a column's recent period needs before its base rate is trusted. */
export const SHIFT_MIN_ROWS = 200;
export const SHIFT_MIN_EVENTS = 10;

/**
 * Prior-shift correction on the most recent labelled period (`recent` rows, logits `z` of those rows, n × k):
 * a base rate that moved (a season, a campaign, a downturn) makes a Platt fit on the whole validation period
 * miss the level while keeping the ranking, so only the intercept moves — by the logit shift that makes the mean
 * prediction on the recent rows equal their observed rate — and only where the gap exceeds two standard errors
 * of the predicted count. Returns the calibration with `shift` filled and, when `apply`, `b` moved; the Brier
 * and ECE after are those the shift gives on the recent rows, applied or not.
 */
export function fitPriorShift(
  cal: Calibration,
  z: Float32Array,
  t: Targets,
  recent: Int32Array,
  period: string,
  apply = true,
): Calibration {
  const k = t.k;
  const shift: PriorShift = {
    period,
    rows: [],
    observed_rate: [],
    predicted_rate: [],
    delta: [],
    applied: apply,
    brier_before: [],
    brier_after: [],
    ece_before: [],
    ece_after: [],
  };
  let any = false;
  const b = [...cal.b];
  for (let j = 0; j < k; j++) {
    const zs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < recent.length; i++) {
      const c = (recent[i] as number) * k + j;
      if (!t.m[c]) continue;
      zs.push((cal.a[j] as number) * (z[i * k + j] as number));
      ys.push(t.y[c] as number);
    }
    const n = ys.length;
    const events = ys.reduce((s, v) => s + v, 0);
    const pBefore = zs.map((u) => sigmoid(u + (b[j] as number)));
    const expected = pBefore.reduce((s, v) => s + v, 0);
    const sd = Math.sqrt(pBefore.reduce((s, v) => s + v * (1 - v), 0));
    let delta = 0;
    if (n >= SHIFT_MIN_ROWS && events >= SHIFT_MIN_EVENTS && Math.abs(events - expected) > 2 * sd) {
      delta = solveShift(zs, b[j] as number, events);
      any = true;
    }
    const pAfter = delta === 0 ? pBefore : zs.map((u) => sigmoid(u + (b[j] as number) + delta));
    if (apply) b[j] = (b[j] as number) + delta;
    shift.rows.push(n);
    shift.observed_rate.push(n ? events / n : Number.NaN);
    shift.predicted_rate.push(n ? expected / n : Number.NaN);
    shift.delta.push(delta);
    shift.brier_before.push(n ? brier(ys, pBefore) : Number.NaN);
    shift.brier_after.push(n ? brier(ys, pAfter) : Number.NaN);
    shift.ece_before.push(n ? ece(ys, pBefore) : Number.NaN);
    shift.ece_after.push(n ? ece(ys, pAfter) : Number.NaN);
  }
  return apply && any ? { ...cal, b, shift } : { ...cal, shift };
}

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

/** δ with Σ sigmoid(u_i + b + δ) = target (monotone in δ: Newton with bisection bounds). */
function solveShift(u: readonly number[], b: number, target: number): number {
  let lo = -20;
  let hi = 20;
  let d = 0;
  for (let it = 0; it < 100; it++) {
    let s = 0;
    let ds = 0;
    for (const v of u) {
      const p = sigmoid(v + b + d);
      s += p;
      ds += p * (1 - p);
    }
    const f = s - target;
    if (Math.abs(f) < 1e-9 * Math.max(1, target)) break;
    if (f > 0) hi = d;
    else lo = d;
    const next = ds > 0 ? d - f / ds : Number.NaN;
    d = next > lo && next < hi ? next : (lo + hi) / 2;
  }
  return d;
}

/** ECE and Brier per output column of one way of calibrating, on the test rows. */
export interface CalibrationFigures {
  /** Mean predicted probability (compare with the observed rate). */
  mean: number[];
  ece: number[];
  brier: number[];
}

/**
 * Calibration of the test period, per output column: the Platt fit alone and Platt with the prior-shift correction
 * of the latest validation period (its `delta`, applied or only reported), so the card says which one the test
 * months, the months the model will be used on next, agree with.
 */
export interface TestCalibration {
  /** Test period (first … last as-of period) and its labelled rows per column (rows at risk for a hazard). */
  period: string;
  rows: number[];
  observed_rate: number[];
  platt: CalibrationFigures;
  /** Absent when the prior-shift check did not run (validation within one period, or no Platt fit). */
  prior_shift?: CalibrationFigures & { delta: number[] };
  /** Which of the two the saved model applies. */
  used: 'platt' | 'prior_shift' | 'none';
}

/**
 * Test-period calibration from the logits `z` of the `rows` (n × k, row-major) and their targets. Platt alone is the
 * saved intercept minus the shift when it was applied; with the correction it is Platt plus the shift.
 */
export function testCalibration(
  cal: Calibration,
  z: Float32Array,
  t: Targets,
  rows: Int32Array,
  period: string,
): TestCalibration {
  const s = cal.shift;
  const out: TestCalibration = {
    period,
    rows: [],
    observed_rate: [],
    platt: { mean: [], ece: [], brier: [] },
    used:
      cal.method === 'none' ? 'none' : s?.applied && s.delta.some((d) => d !== 0) ? 'prior_shift' : 'platt',
  };
  const shifted: CalibrationFigures & { delta: number[] } = { mean: [], ece: [], brier: [], delta: [] };
  const figures = (f: CalibrationFigures, ys: number[], ps: number[]) => {
    f.mean.push(ps.length ? ps.reduce((a, v) => a + v, 0) / ps.length : Number.NaN);
    f.ece.push(ps.length ? ece(ys, ps) : Number.NaN);
    f.brier.push(ps.length ? brier(ys, ps) : Number.NaN);
  };
  for (let j = 0; j < t.k; j++) {
    const delta = s?.delta[j] ?? 0;
    const bPlatt = (cal.b[j] as number) - (s?.applied ? delta : 0);
    const ys: number[] = [];
    const p0: number[] = [];
    const p1: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const c = (rows[i] as number) * t.k + j;
      if (!t.m[c]) continue;
      const u = (cal.a[j] as number) * (z[i * t.k + j] as number) + bPlatt;
      ys.push(t.y[c] as number);
      p0.push(sigmoid(u));
      p1.push(sigmoid(u + delta));
    }
    out.rows.push(ys.length);
    out.observed_rate.push(ys.length ? ys.reduce((a, v) => a + v, 0) / ys.length : Number.NaN);
    figures(out.platt, ys, p0);
    figures(shifted, ys, p1);
    shifted.delta.push(delta);
  }
  if (s) out.prior_shift = shifted;
  return out;
}
