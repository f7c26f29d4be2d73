/**
 * Evaluation of predictions on a held-out period: every registered scalar metric plus lift by decile and the
 * reliability curve; per horizon for the hazard model (rows whose outcome at t months is known). Results are
 * JSON-serializable and written as `evaluation.json` beside the model.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HazardLabels } from '../features/types.ts';
import { type LiftRow, liftTable } from './lift.ts';
import { METRICS, type MetricName } from './registry.ts';
import { type ReliabilityBin, reliability } from './reliability.ts';
import type { Labels, Scores } from './types.ts';

/** Metrics of one binary target on one set of rows. */
export interface BinaryEvaluation {
  n: number;
  events: number;
  metrics: Record<MetricName, number>;
  lift: LiftRow[];
  reliability: ReliabilityBin[];
}

/** Evaluates labels `y` against probabilities `p` (the field's (y_true, y_score) order), optionally only over the rows with mask 1. */
export function evaluateBinary(y: Labels, p: Scores, mask?: Uint8Array): BinaryEvaluation {
  let pp: Scores = p;
  let yy: Labels = y;
  if (mask) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) continue;
      a.push(p[i] as number);
      b.push(y[i] as number);
    }
    pp = a;
    yy = b;
  }
  const metrics = Object.fromEntries(Object.entries(METRICS).map(([k, f]) => [k, f(yy, pp)])) as Record<
    MetricName,
    number
  >;
  let events = 0;
  for (let i = 0; i < yy.length; i++) events += yy[i] as number;
  return { n: pp.length, events, metrics, lift: liftTable(yy, pp), reliability: reliability(yy, pp) };
}

/**
 * Per-horizon evaluation of cumulative risk (row-major n × H): at t months a row counts when its outcome is
 * known (event within t, or observed ≥ t); its label is "onset within t months".
 */
export function evaluateHazard(
  labels: HazardLabels,
  cumulative: Float32Array,
  mask?: Uint8Array,
): { horizon: number; byMonth: BinaryEvaluation[] } {
  const H = labels.horizon;
  const n = labels.event.length;
  const byMonth: BinaryEvaluation[] = [];
  for (let t = 1; t <= H; t++) {
    const p: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      if (mask && !mask[i]) continue;
      const e = labels.event[i] as number;
      const o = labels.observed[i] as number;
      const hit = e > 0 && e <= t;
      if (!hit && o < t) continue;
      p.push(cumulative[i * H + t - 1] as number);
      y.push(hit ? 1 : 0);
    }
    byMonth.push(evaluateBinary(y, p));
  }
  return { horizon: H, byMonth };
}

/** Writes an evaluation result as `evaluation.json` in `dir` (stable 2-space JSON, NaN written as null). */
export async function writeEvaluation(dir: string, result: unknown): Promise<string> {
  const path = join(dir, 'evaluation.json');
  await writeFile(
    path,
    `${JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  return path;
}
