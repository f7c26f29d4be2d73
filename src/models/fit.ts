/**
 * Common fitting path of both models: preprocess (train rows only) → fit networks (early stopping on valid) →
 * calibrate on valid. The model-specific parts are only the targets (hazard months or one binary column).
 */

import { DEFAULT_SEED } from '../core/defaults.ts';
import { UsageError } from '../core/errors.ts';
import { silentLogger } from '../core/log.ts';
import type { FeatureTable } from '../features/types.ts';
import { initBackend } from './backend.ts';
import {
  applyCalibration,
  fitPlatt,
  fitPriorShift,
  noCalibration,
  type TestCalibration,
  testCalibration,
} from './calibrate.ts';
import { PREDICT_BATCH, predictLogits } from './network.ts';
import { DEFAULT_PLE_BINS, fitPreprocess, resolvePreprocessOptions, transform } from './preprocess.ts';
import { rowsOf } from './split.ts';
import { fitNets, maskedLogLossOfProbabilities, type Targets, takeRows } from './train.ts';
import type { Split, TrainedModel, TrainOptions } from './types.ts';

/** Trains a model of `kind` on the given targets. */
export async function fitModel(
  kind: TrainedModel['kind'],
  table: FeatureTable,
  t: Targets,
  split: Split,
  opts: TrainOptions,
): Promise<TrainedModel> {
  const log = opts.log ?? silentLogger;
  const backend = await initBackend(opts.backend);
  for (const [name, m] of Object.entries(split)) {
    if (m && m.length !== table.n)
      throw new UsageError(`split.${name} has ${m.length} entries but the table has ${table.n} rows`);
  }
  const train = rowsOf(split.train);
  const valid = rowsOf(split.valid);
  if (train.length < 2 || valid.length < 1)
    throw new UsageError(
      `need training and validation rows; got ${train.length} train, ${valid.length} valid`,
    );
  const t0 = performance.now();
  const arch = opts.arch ?? 'mlp';
  const hidden = arch === 'logistic' ? [] : (opts.hidden ?? [64, 32]);
  const options = {
    hidden,
    wide: opts.wide ?? true,
    dropout: hidden.length ? (opts.dropout ?? 0.2) : 0,
    l2: opts.l2 ?? 1e-4,
    lr: opts.lr ?? 0.002,
    batchSize: opts.batchSize ?? 1024,
    epochs: opts.epochs ?? 60,
    patience: opts.patience ?? 6,
    seed: opts.seed ?? DEFAULT_SEED,
    members: opts.members ?? 1,
  };
  // The network gets piecewise-linear encodings of its numeric inputs beside their standardized values; the
  // baseline stays the plain logistic model on the standardized values, which the network's wide path contains.
  const preprocess = resolvePreprocessOptions(
    arch === 'mlp' ? { bins: DEFAULT_PLE_BINS, ...opts.preprocess } : opts.preprocess,
  );
  const pre = fitPreprocess(table, train, preprocess);
  const x = transform(pre, table);
  log.info('training', { kind, arch, backend, rows: train.length, valid: valid.length, inputs: pre.width });
  // Worker threads change where members train, not what they learn: left out of the recorded options.
  const run = opts.workers !== undefined ? { ...options, workers: opts.workers } : options;
  const fit = await fitNets(x, pre.width, t, train, valid, run, log, opts.signal);
  const zv = predictLogits(fit.nets, takeRows(x, pre.width, valid), valid.length, pre.width);
  const calibrate = { platt: opts.calibrate !== false, priorShift: opts.priorShift === true };
  let calibration = calibrate.platt ? fitPlatt(zv, t, valid) : noCalibration(t.k);
  const recent = latestPeriod(table, valid);
  if (calibration.method === 'platt' && recent) {
    const zr = new Float32Array(recent.at.length * t.k);
    recent.at.forEach((pos, i) => {
      zr.set(zv.subarray(pos * t.k, (pos + 1) * t.k), i * t.k);
    });
    calibration = fitPriorShift(calibration, zr, t, recent.rows, recent.period, calibrate.priorShift);
    const s = calibration.shift;
    if (s?.delta.some((d) => d !== 0)) {
      if (s.applied)
        log.info("calibration: intercept moved to the latest validation month's base rate", { ...s });
      else
        log.warn(
          "calibration: the latest validation month's base rate differs from the calibrated prediction; `--prior-shift` would move the intercept to it",
          { ...s },
        );
    }
  }
  // What champion selection compares (champion.ts): the calibrated predictions, as score would serve them.
  const validLogLoss = maskedLogLossOfProbabilities(applyCalibration(calibration, zv, t.k), t, valid);
  const seconds = (performance.now() - t0) / 1000;
  log.info('trained', {
    kind,
    arch,
    backend,
    seconds,
    epochs: fit.epochs,
    validLoss: fit.validLoss,
    validLogLoss,
  });
  const model: TrainedModel = {
    kind,
    arch,
    outputs: t.k,
    preprocess: pre,
    nets: fit.nets,
    calibration,
    training: {
      seed: options.seed,
      backend,
      seconds,
      nTrain: train.length,
      nValid: valid.length,
      epochs: fit.epochs,
      bestEpoch: fit.bestEpoch,
      validLoss: fit.validLoss,
      validLogLoss,
      options,
      preprocess,
      calibrate,
    },
  };
  const window = trainingWindow(table, train);
  if (window) model.training.window = window;
  return model;
}

/**
 * The validation rows of the latest as-of month (YYYY-MM), with their positions among `valid`; undefined when the
 * table has no as-of dates or the validation rows span a single month (the whole period is then the recent one).
 */
function latestPeriod(
  table: FeatureTable,
  valid: Int32Array,
): { period: string; rows: Int32Array; at: number[] } | undefined {
  const asOf = table.keys.as_of;
  if (!asOf) return undefined;
  let last = '';
  let first = '';
  for (const r of valid) {
    const m = String(asOf[r]).slice(0, 7);
    if (m > last) last = m;
    if (!first || m < first) first = m;
  }
  if (!last || first === last) return undefined;
  const at: number[] = [];
  valid.forEach((r, i) => {
    if (String(asOf[r]).slice(0, 7) === last) at.push(i);
  });
  return { period: last, rows: Int32Array.from(at, (i) => valid[i]!), at };
}

function trainingWindow(table: FeatureTable, train: Int32Array): { from: string; to: string } | undefined {
  const asOf = table.keys.as_of;
  if (!asOf) return undefined;
  let from = '';
  let to = '';
  for (const r of train) {
    const d = asOf[r] as string;
    if (!from || d < from) from = d;
    if (!to || d > to) to = d;
  }
  return { from, to };
}

/** Calibrated probabilities (n × outputs) of a trained model on a table (manifest checked). */
export function predictProba(model: TrainedModel, table: FeatureTable): Float32Array {
  const w = model.preprocess.width;
  const k = model.outputs;
  const out = new Float32Array(table.n * k);
  // Chunked so the n × width input is never materialized: one reused buffer of PREDICT_BATCH rows.
  const buf = new Float32Array(Math.min(PREDICT_BATCH, table.n) * w);
  for (let start = 0; start < table.n; start += PREDICT_BATCH) {
    const end = Math.min(table.n, start + PREDICT_BATCH);
    const x = transform(model.preprocess, table, start, end, buf);
    out.set(applyCal(model, predictLogits(model.nets, x, end - start, w)), start * k);
  }
  return out;
}

/** Logits (rows.length × outputs) of the given rows (ascending), predicted in chunks over the span they cover. */
function logitsOfRows(model: TrainedModel, table: FeatureTable, rows: Int32Array): Float32Array {
  const w = model.preprocess.width;
  const k = model.outputs;
  const out = new Float32Array(rows.length * k);
  if (rows.length === 0) return out;
  const first = rows[0] as number;
  const last = (rows.at(-1) as number) + 1;
  const buf = new Float32Array(Math.min(PREDICT_BATCH, last - first) * w);
  let i = 0;
  for (let start = first; start < last && i < rows.length; start += PREDICT_BATCH) {
    const end = Math.min(last, start + PREDICT_BATCH);
    const z = predictLogits(model.nets, transform(model.preprocess, table, start, end, buf), end - start, w);
    for (; i < rows.length && (rows[i] as number) < end; i++) {
      const r = (rows[i] as number) - start;
      out.set(z.subarray(r * k, (r + 1) * k), i * k);
    }
  }
  return out;
}

/**
 * ECE and Brier of the test rows with Platt alone and with the prior-shift correction (calibrate.ts); undefined
 * for an uncalibrated model or no test rows. `period` names the test period on the card.
 */
export function calibrationOnTest(
  model: TrainedModel,
  table: FeatureTable,
  t: Targets,
  test: Int32Array,
  period: string,
): TestCalibration | undefined {
  if (model.calibration.method !== 'platt' || test.length === 0) return undefined;
  return testCalibration(model.calibration, logitsOfRows(model, table, test), t, test, period);
}

/** Applies the model's calibration to logits. */
export function applyCal(model: TrainedModel, z: Float32Array): Float32Array {
  return applyCalibration(model.calibration, z, model.outputs);
}
