/**
 * The metric registry: scalar binary metrics by name, so evaluation, reports and the CLI iterate one list.
 * Add a metric by writing its file and one line here.
 */
import { auc } from './auc.ts';
import { brier } from './brier.ts';
import { ece } from './ece.ts';
import { gini } from './gini.ts';
import { ks } from './ks.ts';
import { logLoss } from './logloss.ts';
import type { Labels, Scores } from './types.ts';

/** A scalar metric of probabilities/scores against 0/1 labels. */
export type BinaryMetric = (y: Labels, p: Scores) => number;

export const METRICS = {
  auc,
  gini,
  ks,
  brier,
  ece,
  logloss: logLoss,
} satisfies Record<string, BinaryMetric>;

/** Names of the registered scalar metrics. */
export type MetricName = keyof typeof METRICS;
