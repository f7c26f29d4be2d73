/**
 * Model-level evaluation for `followup evaluate`: predict on the table, evaluate on the test rows (per horizon
 * for the hazard), and compare a network with its logistic baseline in one JSON-serializable result.
 *
 *   const r = evaluateModels({ network, baseline }, table, { labels }, split.test);
 *   await writeEvaluation(modelDir, r);
 */

import { type BinaryEvaluation, evaluateBinary, evaluateHazard } from '../evaluate/evaluate.ts';
import type { FeatureTable, HazardLabels } from '../features/types.ts';
import { predictHangup } from './hangup.ts';
import { predictHazard } from './hazard.ts';
import type { TrainedModel } from './types.ts';

/** Outcomes: hazard labels for the delinquency model, 0/1 per row for the hang-up model. */
export interface Outcomes {
  labels?: HazardLabels;
  y?: ArrayLike<number>;
}

/** Evaluation of one model: one BinaryEvaluation per month (hazard) or a single one (hang-up). */
export interface ModelEvaluation {
  kind: TrainedModel['kind'];
  arch: TrainedModel['arch'];
  /** byMonth[t − 1] evaluates cumulative risk within t months; hang-up models have one entry. */
  byMonth: BinaryEvaluation[];
}

/** Evaluates one trained model on the rows of `mask`. */
export function evaluateModel(
  model: TrainedModel,
  table: FeatureTable,
  outcomes: Outcomes,
  mask?: Uint8Array,
): ModelEvaluation {
  if (model.kind === 'hazard') {
    if (!outcomes.labels) throw new RangeError('evaluating a hazard model needs hazard labels');
    const { cumulative } = predictHazard(model, table);
    return {
      kind: model.kind,
      arch: model.arch,
      byMonth: evaluateHazard(outcomes.labels, cumulative, mask).byMonth,
    };
  }
  if (!outcomes.y) throw new RangeError('evaluating a hang-up model needs 0/1 outcomes');
  return {
    kind: model.kind,
    arch: model.arch,
    byMonth: [evaluateBinary(outcomes.y, predictHangup(model, table), mask)],
  };
}

/** Evaluates several named models (e.g. `network` and `baseline`) on the same rows. */
export function evaluateModels(
  models: Record<string, TrainedModel>,
  table: FeatureTable,
  outcomes: Outcomes,
  mask?: Uint8Array,
): Record<string, ModelEvaluation> {
  return Object.fromEntries(
    Object.entries(models).map(([k, m]) => [k, evaluateModel(m, table, outcomes, mask)]),
  );
}
