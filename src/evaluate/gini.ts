/** Gini (accuracy ratio) = 2·AUC − 1: 0 random, 1 perfect. */
import { auc } from './auc.ts';
import type { Labels, Scores } from './types.ts';

export function gini(p: Scores, y: Labels): number {
  return 2 * auc(p, y) - 1;
}
