/**
 * Evaluation metrics, one per file, and the evaluation of models on a held-out period.
 *   const r = evaluateBinary(p, y, testMask);  r.metrics.auc, r.metrics.ece, r.lift, r.reliability
 */
export { auc } from './auc.ts';
export { brier } from './brier.ts';
export { ece } from './ece.ts';
export { type BinaryEvaluation, evaluateBinary, evaluateHazard, writeEvaluation } from './evaluate.ts';
export { gini } from './gini.ts';
export { ks } from './ks.ts';
export { type LiftRow, liftTable } from './lift.ts';
export { logLoss } from './logloss.ts';
export { evaluateModel, evaluateModels, type ModelEvaluation, type Outcomes } from './models.ts';
export { chiSquare95, type PsiResult, psi } from './psi.ts';
export { type BinaryMetric, METRICS, type MetricName } from './registry.ts';
export { type ReliabilityBin, reliability } from './reliability.ts';
