/** Brier score: mean squared difference between probability and outcome (0 best; 0.25 for a constant 0.5). */
import { checkInputs, type Labels, type Scores } from './types.ts';

export function brier(y: Labels, p: Scores): number {
  const n = checkInputs('brier', y, p);
  let s = 0;
  for (let i = 0; i < n; i++) s += ((p[i] as number) - (y[i] as number)) ** 2;
  return s / n;
}
