/** What the training loop (train.ts) and its worker pool (train-pool.ts) take and give. */

import type * as tf from '@tensorflow/tfjs';

/** What an interrupted fit says it was doing, in this thread or in the pool. */
export const TRAINING_INTERRUPTED = 'while training; the model being fitted was not saved';

/** One trained ensemble member. */
export interface Member {
  net: tf.LayersModel;
  epochs: number;
  bestEpoch: number;
  /** Best validation loss (mean masked log loss per row). */
  validLoss: number;
}

/** Targets of the masked likelihood, row-major n × k: y = 1 at an event, m = 1 where the cell contributes. */
export interface Targets {
  y: Float32Array;
  m: Float32Array;
  /** Columns (H months, or 1). */
  k: number;
}

/** Training hyper-parameters; every field has a default. */
export interface FitOptions {
  /** Hidden widths. Default [64, 32]; [] = logistic baseline. */
  hidden?: number[];
  /** A linear path beside the hidden layers (wide & deep; see network.ts). Default true. */
  wide?: boolean;
  /** Dropout after each hidden layer. Default 0.2. */
  dropout?: number;
  /** L2 penalty on kernels, per row-mean loss. Default 1e-4. */
  l2?: number;
  /** Adam learning rate. Default 0.002. */
  lr?: number;
  /** Rows per step; ≥ 512 because the wasm backend's per-op overhead dominates small batches. Default 1024. */
  batchSize?: number;
  /** Most epochs. Default 60. */
  epochs?: number;
  /** Epochs without validation improvement before stopping. Default 6. */
  patience?: number;
  /** Seed of initializers, shuffling and dropout. Default 42. */
  seed?: number;
  /** Ensemble members trained with seeds seed, seed+1000, …; logits are averaged. Default 1. */
  members?: number;
  /**
   * Worker threads that train members side by side, each with its own backend (train-pool.ts); 0 or 1 = this
   * thread. Default: one per member up to the machine's cores on wasm and cpu from PARALLEL_MIN_CELLS training
   * cells (train.ts); this thread for smaller fits and on the native backend, which uses every core for one member.
   * The weights are the same either way.
   */
  workers?: number;
}
