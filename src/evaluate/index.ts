/**
 * Evaluation metrics, one per file, and the evaluation of predictions on a held-out period (models are scored in
 * src/models/evaluate.ts).
 *   const r = evaluateBinary(y, p, testMask);  r.metrics.auc, r.metrics.ece, r.lift, r.reliability
 */

export { auc } from './auc.ts';
export { brier } from './brier.ts';
export { ece } from './ece.ts';
export { type BinaryEvaluation, evaluateBinary, evaluateHazard, writeEvaluation } from './evaluate.ts';
export { gini } from './gini.ts';
export { type KsResult, ks, ksCurve } from './ks.ts';
export { type GainsRow, gainsTable, type LiftRow, liftTable } from './lift.ts';
export { logLoss } from './logloss.ts';
export {
  chiSquare95,
  PSI_EPS,
  type PsiResult,
  psi,
  psiBand,
  psiFromCounts,
  psiTerm,
} from './psi.ts';
export { type BinaryMetric, METRICS, type MetricName } from './registry.ts';
export {
  type QuantileBin,
  type ReliabilityBin,
  reliability,
  reliabilityByCount,
  wilson,
} from './reliability.ts';
export { type Ascending, orderByScore } from './types.ts';
