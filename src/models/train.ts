/**
 * The one training loop for every model here: masked binary cross-entropy on logits. The hazard model uses it
 * with H columns and the censoring mask; the hang-up model with one column and a full mask. Seeded shuffling,
 * per-step dropout seeds, Adam, early stopping on validation loss with the best weights restored.
 * Class imbalance: the output bias starts at the base-rate log-odds (no epochs wasted learning the prior, no
 * collapse to the majority class) and the likelihood stays unweighted, so probabilities stay calibrated —
 * reweighting rare events would inflate every probability that the recommender budgets risk with.
 */

import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SEED } from '../core/defaults.ts';
import { yieldAndCheck } from '../core/interrupt.ts';
import type { Logger } from '../core/log.ts';
import { mulberry32, shuffleInPlace } from '../core/prng.ts';
import { type FitOptions, type Member, type Targets, TRAINING_INTERRUPTED } from './fit-options.ts';
import { buildNet, forwardTrain, kernelSquares, predictLogits } from './network.ts';
import { fitInWorkers } from './train-pool.ts';

export type { FitOptions, Targets } from './fit-options.ts';

/** Training cells (rows × inputs) from which members train in worker threads by default. */
export const PARALLEL_MIN_CELLS = 1_000_000;

/** What one fit produced. */
export interface FitResult {
  nets: tf.LayersModel[];
  /** Epochs run and best epoch per member. */
  epochs: number[];
  bestEpoch: number[];
  /** Best validation loss per member (mean masked log loss per row). */
  validLoss: number[];
}

/**
 * Mean over `rows` of the summed loss of each row's observed cells (mask 1); `v` is row-major rows.length × k, row i
 * of `v` being table row rows[i]. The two log losses below differ only in the loss of one cell.
 */
function maskedMeanPerRow(
  v: Float32Array,
  t: Targets,
  rows: Int32Array,
  cellLoss: (x: number, y: number) => number,
): number {
  let s = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    for (let j = 0; j < t.k; j++) {
      const c = r * t.k + j;
      if (t.m[c]) s += cellLoss(v[i * t.k + j] as number, t.y[c] as number);
    }
  }
  return s / Math.max(1, rows.length);
}

/** Mean masked log loss per row of logits `z` against targets, over `rows` (numerically stable form). */
export function maskedLogLoss(z: Float32Array, t: Targets, rows: Int32Array): number {
  return maskedMeanPerRow(
    z,
    t,
    rows,
    (zz, y) => Math.max(zz, 0) - zz * y + Math.log1p(Math.exp(-Math.abs(zz))),
  );
}

/**
 * Mean masked log loss per row of probabilities `p`, clipped to [1e-7, 1 − 1e-7] so one confident miss cannot
 * make it infinite.
 */
export function maskedLogLossOfProbabilities(p: Float32Array, t: Targets, rows: Int32Array): number {
  return maskedMeanPerRow(p, t, rows, (x, y) => {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, x));
    return y ? -Math.log(q) : -Math.log(1 - q);
  });
}

/** Copies the given rows of a row-major matrix. */
export function takeRows(a: Float32Array, width: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    out.set(a.subarray(r * width, (r + 1) * width), i * width);
  }
  return out;
}

/**
 * Trains `members` networks on the train rows with early stopping on the valid rows. With `signal`, the loop lets
 * the event loop turn after every batch and stops with InterruptedError once the signal is aborted (SIGTERM).
 */
export async function fitNets(
  x: Float32Array,
  d: number,
  t: Targets,
  train: Int32Array,
  valid: Int32Array,
  opts: FitOptions,
  log: Logger,
  signal?: AbortSignal,
): Promise<FitResult> {
  const members = opts.members ?? 1;
  const seeds = Array.from({ length: members }, (_, m) => (opts.seed ?? DEFAULT_SEED) + 1000 * m);
  // The native backend already uses every core for one member (and its addon is not made for worker threads); a
  // worker costs about a second to start (tfjs and its backend load again), worth it only for members that take
  // several seconds each.
  const big = train.length * d >= PARALLEL_MIN_CELLS;
  const cores = tf.getBackend() === 'tensorflow' || !big ? 1 : availableParallelism();
  const workers = Math.min(members, opts.workers ?? cores);
  const ones: Member[] = [];
  if (workers > 1)
    ones.push(...(await fitInWorkers({ x, d, t, train, valid, opts, seeds, workers, log, signal })));
  else {
    const xv = takeRows(x, d, valid);
    for (const seed of seeds)
      ones.push(await fitOne(x, d, t, train, valid, xv, { ...opts, seed }, log, signal));
  }
  return {
    nets: ones.map((o) => o.net),
    epochs: ones.map((o) => o.epochs),
    bestEpoch: ones.map((o) => o.bestEpoch),
    validLoss: ones.map((o) => o.validLoss),
  };
}

/** One member, trained in this thread (the pool's workers call it too). */
export async function fitOne(
  x: Float32Array,
  d: number,
  t: Targets,
  train: Int32Array,
  valid: Int32Array,
  xv: Float32Array,
  opts: FitOptions,
  log: Logger,
  signal: AbortSignal | undefined,
): Promise<Member> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const hidden = opts.hidden ?? [64, 32];
  const dropout = hidden.length ? (opts.dropout ?? 0.2) : 0;
  const l2 = opts.l2 ?? 1e-4;
  const batch = Math.min(opts.batchSize ?? 1024, train.length);
  const patience = opts.patience ?? 6;
  const net = buildNet({
    inputDim: d,
    hidden,
    outputs: t.k,
    seed,
    wide: opts.wide ?? true,
    outputBias: baseRateLogits(t, train),
  });
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(opts.lr ?? 0.002);
  const xt = tf.tensor2d(takeRows(x, d, train), [train.length, d]);
  const yt = tf.tensor2d(takeRows(t.y, t.k, train), [train.length, t.k]);
  const mt = tf.tensor2d(takeRows(t.m, t.k, train), [train.length, t.k]);
  const rand = mulberry32(seed);
  const order = Int32Array.from({ length: train.length }, (_, i) => i);
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] = [];
  let epoch = 0;
  let step = 0;
  try {
    for (epoch = 1; epoch <= (opts.epochs ?? 60); epoch++) {
      shuffleInPlace(order, rand);
      for (let s = 0; s + batch <= order.length; s += batch) {
        const idx = order.subarray(s, s + batch);
        step++;
        tf.tidy(() => {
          const it = tf.tensor1d(idx, 'int32');
          const xb = tf.gather(xt, it) as tf.Tensor2D;
          const yb = tf.gather(yt, it);
          const mb = tf.gather(mt, it);
          optimizer.minimize(
            () => {
              const z = forwardTrain(net, xb, dropout, seed * 100_003 + step);
              const cell = tf.add(tf.sub(tf.relu(z), tf.mul(z, yb)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
              const loss = tf.div(tf.sum(tf.mul(cell, mb)), batch);
              return (l2 > 0 ? tf.add(loss, tf.mul(kernelSquares(net), l2)) : loss) as tf.Scalar;
            },
            false,
            vars,
          );
        });
        await yieldAndCheck(signal, TRAINING_INTERRUPTED);
      }
      const vloss = maskedLogLoss(predictLogits([net], xv, valid.length, d), t, valid);
      log.debug('epoch', { epoch, validLoss: vloss, seed });
      if (vloss < best - 1e-6) {
        best = vloss;
        bestEpoch = epoch;
        for (const w of bestWeights) w.dispose();
        bestWeights = net.getWeights().map((w) => w.clone());
      } else if (epoch - bestEpoch >= patience) break;
    }
    net.setWeights(bestWeights);
  } finally {
    for (const w of bestWeights) w.dispose();
    xt.dispose();
    yt.dispose();
    mt.dispose();
    optimizer.dispose();
  }
  return { net, epochs: Math.min(epoch, opts.epochs ?? 60), bestEpoch, validLoss: best };
}

/** Base-rate log-odds per output column over the training rows, so the output bias starts at the prior. */
function baseRateLogits(t: Targets, train: Int32Array): number[] {
  const out: number[] = [];
  for (let j = 0; j < t.k; j++) {
    let ev = 0;
    let at = 0;
    for (const r of train) {
      at += t.m[r * t.k + j] as number;
      ev += (t.y[r * t.k + j] as number) * (t.m[r * t.k + j] as number);
    }
    const p = Math.min(1 - 1e-4, Math.max(1e-4, (ev + 0.5) / (at + 1)));
    out.push(Math.log(p / (1 - p)));
  }
  return out;
}
