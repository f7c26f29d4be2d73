/**
 * Delinquency as a discrete-time hazard: H outputs h_1…h_H (probability of 30+ DPD onset in month k given none
 * before), cumulative risk F(t) = 1 − Π_{k≤t}(1 − h_k), monotone by construction. Censored likelihood: months
 * k < event (or k ≤ observed when there is no event) contribute log(1 − h_k); the event month contributes log h_k;
 * months after censoring contribute nothing.
 */
import { BadInputError } from '../core/errors.ts';
import type { FeatureTable, HazardLabels } from '../features/types.ts';
import { fitModel, predictProba } from './fit.ts';
import { riskWithin } from './risk.ts';
import type { Targets } from './train.ts';
import type { Split, TrainedModel, TrainOptions } from './types.ts';

/** Builds the masked targets of the censored hazard likelihood. */
export function hazardTargets(labels: HazardLabels): Targets {
  const H = labels.horizon;
  const n = labels.event.length;
  if (labels.observed.length !== n)
    throw new BadInputError(`hazard labels: event has ${n} rows but observed has ${labels.observed.length}`);
  const y = new Float32Array(n * H);
  const m = new Float32Array(n * H);
  for (let i = 0; i < n; i++) {
    const e = labels.event[i] as number;
    const o = labels.observed[i] as number;
    if (e < 0 || e > H || o < 0 || o > H)
      throw new BadInputError(`hazard labels row ${i}: event ${e} / observed ${o} outside 0…${H}`, {
        place: { line: i },
      });
    const last = e > 0 ? e : o;
    for (let k = 1; k <= last; k++) m[i * H + k - 1] = 1;
    if (e > 0) y[i * H + e - 1] = 1;
  }
  return { y, m, k: H };
}

/** Trains the delinquency hazard network (or its logistic baseline with `arch: 'logistic'`). */
export function trainHazardModel(
  table: FeatureTable,
  labels: HazardLabels,
  split: Split,
  opts: TrainOptions = {},
): Promise<TrainedModel> {
  if (labels.event.length !== table.n)
    throw new BadInputError(
      `hazard labels have ${labels.event.length} rows but the feature table has ${table.n}`,
    );
  return fitModel('hazard', table, hazardTargets(labels), split, opts);
}

/** Hazard predictions: conditional monthly hazards and cumulative risk, both row-major n × H. */
export interface HazardPrediction {
  hazard: Float32Array;
  cumulative: Float32Array;
  horizon: number;
}

/** Predicts calibrated hazards and the cumulative risk curve for every row. */
export function predictHazard(model: TrainedModel, table: FeatureTable): HazardPrediction {
  const H = model.outputs;
  const hazard = predictProba(model, table);
  return { hazard, cumulative: cumulativeRisk(hazard, H), horizon: H };
}

/** F(t) = 1 − Π_{k≤t}(1 − h_k) per row. */
export function cumulativeRisk(hazard: Float32Array, H: number): Float32Array {
  const out = new Float32Array(hazard.length);
  for (let i = 0; i < hazard.length; i += H) {
    let surv = 1;
    for (let k = 0; k < H; k++) {
      surv *= 1 - (hazard[i + k] as number);
      out[i + k] = 1 - surv;
    }
  }
  return out;
}

/**
 * Risk within `days` for each row: `riskWithin` (src/models/risk.ts, the planner's own function) over the row's
 * hazards, so the library and the schedule agree, beyond the horizon too (the last month's hazard carries on).
 */
export function riskWithinDays(pred: HazardPrediction, days: number): Float32Array {
  const H = pred.horizon;
  const n = pred.hazard.length / H;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = riskWithin(pred.hazard.subarray(i * H, (i + 1) * H), days);
  return out;
}
