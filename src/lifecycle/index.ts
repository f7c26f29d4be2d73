/**
 * Model lifecycle: champions and their recorded changes, retraining with a champion/challenger decision, drift
 * and matured-performance monitoring.
 *
 *   await promoteVersion('models', 'delinquency', v, { clock, reason: 'manual' });   // + promotions.jsonl
 *   await rollbackChampion('models', 'delinquency', { clock });
 *   const outcomes = await runRetrain(w, { modelsDir: 'models' }, log, clock);      // promote only if better
 *   const m = await runMonitor(w, { modelsDir: 'models' }, log);  if (m.drift) …   // DriftError → exit 5
 */

export {
  assertVersion,
  type ChangeOptions,
  championStack,
  type PromotionRecord,
  promoteVersion,
  promotionsPath,
  readPromotions,
  rollbackChampion,
} from '../models/promotions.ts';
export { listModelNames, listVersions, readCard, type VersionInfo } from '../models/versions.ts';
export { DEFAULT_RULE, type DecisionRule, decide, type HeadToHead, headToHead } from './compare.ts';
export { type DriftRow, featureDrift, populationDrift } from './drift.ts';
export { DRIFT_EXIT_CODE, DriftError } from './errors.ts';
export { type MaturedMetrics, type MaturedPerformance, maturedPerformance } from './matured.ts';
export { type MonitorConfig, type MonitorResult, runMonitor } from './monitor.ts';
export { type RetrainConfig, type RetrainOutcome, runRetrain } from './retrain.ts';
