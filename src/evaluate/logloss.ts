/** Log loss: mean negative log-likelihood of the outcomes, probabilities clipped to [1e-15, 1 − 1e-15]. */
import { checkInputs, type Labels, type Scores } from './types.ts';

export function logLoss(y: Labels, p: Scores): number {
  const n = checkInputs('logloss', y, p);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i] as number));
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / n;
}
