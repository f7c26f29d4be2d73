/**
 * Shared model types: the split, the options of train*, and the trained model that predict, explain and the
 * registry work on.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Logger } from '../core/log.ts';
import type { BackendName } from './backend.ts';
import type { Calibration } from './calibrate.ts';
import type { PreprocessOptions, PreprocessState } from './preprocess.ts';
import type { FitOptions } from './train.ts';

/** Row masks (1 = row belongs) of equal length n. The caller builds them by as-of date for out-of-time splits. */
export interface Split {
  /** Rows the preprocessing and the weights are fitted on. */
  train: Uint8Array;
  /** Rows for early stopping and calibration (a later period than train for out-of-time validation). */
  valid: Uint8Array;
  /** Rows held out for evaluation (optional; the latest period). */
  test?: Uint8Array;
}

/** Options of trainHazardModel / trainHangupModel. */
export interface TrainOptions extends FitOptions {
  /** Network (`mlp`, default) or logistic-regression baseline (`logistic`: hidden layers forced to []). */
  arch?: 'mlp' | 'logistic';
  /** Calibrate on the validation rows (Platt). Default true. */
  calibrate?: boolean;
  /**
   * Move the calibration's intercept to the base rate of the validation rows' latest as-of month when it differs
   * by more than two standard errors (calibrate.ts fitPriorShift). Default false: the check always runs and the
   * model card reports what the shift would do; a book whose base rate moves with seasons or campaigns turns it on.
   */
  priorShift?: boolean;
  /** Preprocessing options. */
  preprocess?: PreprocessOptions;
  /** Backend to force; default: the best available (tfjs-node → wasm → cpu). */
  backend?: BackendName;
  /** Logger for training progress; default silent. */
  log?: Logger;
  /** Aborted on SIGINT/SIGTERM (src/core/interrupt.ts): the fit stops after the current batch. Default none. */
  signal?: AbortSignal;
}

/** Facts about a training run, for the model card. */
export interface TrainingInfo {
  seed: number;
  backend: BackendName;
  /** Wall-clock seconds of the fit (preprocessing + networks + calibration). */
  seconds: number;
  nTrain: number;
  nValid: number;
  /** Epochs run and best epoch per ensemble member. */
  epochs: number[];
  bestEpoch: number[];
  /** Best validation loss per member (mean masked log loss per row). */
  validLoss: number[];
  /**
   * Mean masked log loss per row of the calibrated (ensemble-averaged) predictions on the validation rows: what
   * champion selection compares (champion.ts). Absent in models saved before it existed.
   */
  validLogLoss?: number;
  /** Resolved hyper-parameters. */
  options: Required<Omit<FitOptions, 'hidden' | 'workers'>> & { hidden: number[] };
  /** Resolved preprocessing options (absent in models saved before they were recorded). */
  preprocess?: Required<PreprocessOptions>;
  /** Whether Platt scaling was fitted and the prior shift asked for (absent in models saved before). */
  calibrate?: { platt: boolean; priorShift: boolean };
  /** Training window (first/last as-of date of the training rows), when the table has as-of dates. */
  window?: { from: string; to: string };
}

/** A trained model: preprocessing, networks (logits), calibration. */
export interface TrainedModel {
  /** `hazard`: H monthly hazards of 30+ DPD onset; `hangup`: one probability per contact attempt. */
  kind: 'hazard' | 'hangup';
  arch: 'mlp' | 'logistic';
  /** Outputs: H months for the hazard, 1 for hang-up. */
  outputs: number;
  preprocess: PreprocessState;
  /** Ensemble members; their logits are averaged. */
  nets: tf.LayersModel[];
  calibration: Calibration;
  training: TrainingInfo;
}
