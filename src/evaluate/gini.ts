/** Gini (accuracy ratio) = 2·AUC − 1: 0 random, 1 perfect. */
import { auc } from './auc.ts';
import type { Labels, Scores } from './types.ts';

export function gini(y: Labels, p: Scores): number {
  return 2 * auc(y, p) - 1;
}
