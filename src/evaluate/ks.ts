/**
 * Kolmogorov–Smirnov statistic: the largest distance between the score CDFs of events and non-events, evaluated
 * only between distinct scores (tied scores move together). 1 = perfect separation, 0 = identical distributions.
 */
import { checkInputs, type Labels, orderByScore, type Scores } from './types.ts';

export function ks(p: Scores, y: Labels): number {
  const n = checkInputs('ks', p, y);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i] as number;
  const neg = n - pos;
  if (!pos || !neg) return Number.NaN;
  const order = orderByScore(p);
  let cp = 0;
  let cn = 0;
  let best = 0;
  for (let i = 0; i < n; i++) {
    const r = order[i] as number;
    if (y[r] === 1) cp++;
    else cn++;
    const next = order[i + 1];
    if (next !== undefined && p[next] === p[r]) continue;
    best = Math.max(best, Math.abs(cp / pos - cn / neg));
  }
  return best;
}
