/**
 * Models: delinquency hazard and hang-up likelihood in TensorFlow.js, with preprocessing, calibration, reason
 * codes and an on-disk registry.
 *
 *   const split = splitByAsOf(table.keys.as_of!, '2026-01-01', '2026-04-01');
 *   const model = await trainHazardModel(table, labels, split, { seed: 42 });
 *   const { hazard, cumulative } = predictHazard(model, table);      // n × H each
 *   const in45days = riskWithinDays(predictHazard(model, table), 45);
 *   const reasons = explain(model, table, 3);                         // top 3 risk-raising features per row
 *   const dir = await saveModel('models', model, { name: 'delinquency', version: 'v1' });
 *   await promote('models', 'delinquency', 'v1');
 *   const again = await loadModel(dir, table.manifest);                // MismatchError if features differ
 *
 * Flow: fitPreprocess (train rows) → transform → fitNets (masked log loss, early stopping) → fitPlatt (valid).
 */
export { type BackendName, initBackend, libraryVersions } from './backend.ts';
export {
  applyCalibration,
  type Calibration,
  type CalibrationFigures,
  fitPlatt,
  type TestCalibration,
} from './calibrate.ts';
export type { ModelCard } from './card.ts';
export { CHAMPION_MARGIN, type ChampionSelection, selectChampion } from './champion.ts';
export { explain, formatValue, type Reason } from './explain.ts';
export {
  clearFallback,
  type FallbackCard,
  type FallbackKind,
  readFallback,
  saveFallback,
} from './fallback.ts';
export { calibrationOnTest, predictProba } from './fit.ts';
export { predictHangup, trainHangupModel } from './hangup.ts';
export {
  cumulativeRisk,
  type HazardPrediction,
  hazardTargets,
  predictHazard,
  riskWithinDays,
  trainHazardModel,
} from './hazard.ts';
export { fileIO } from './io.ts';
export { assertManifest, diffManifest, type ManifestDiff } from './manifest.ts';
export { type PairScorer, pairScorer } from './pair-scorer.ts';
export {
  fitPreprocess,
  type PreprocessOptions,
  type PreprocessState,
  referenceRow,
  transform,
} from './preprocess.ts';
export {
  championVersion,
  loadChampion,
  loadModel,
  promote,
  type SaveOptions,
  saveModel,
} from './registry.ts';
export { daysWithinBudget, forwardRate, riskWithin } from './risk.ts';
export { carveValidation, rowsOf, splitByAsOf } from './split.ts';
export type { FitOptions, Targets } from './train.ts';
export type { Split, TrainedModel, TrainingInfo, TrainOptions } from './types.ts';
