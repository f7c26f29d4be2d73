/**
 * AUC: probability that a random event scores above a random non-event (ties count one half), computed from
 * mid-ranks (Mann–Whitney U). 0.5 = random, 1 = perfect, 0 = perfectly inverted. NaN when one class is absent.
 *   auc([0, 1], [0.1, 0.9]) === 1
 */
import { type Ascending, checkInputs, type Labels, orderByScore, type Scores } from './types.ts';

export function auc(y: Labels, p: Scores, asc?: Ascending): number {
  const n = checkInputs('auc', y, p);
  const order = asc ?? orderByScore(p);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[order[j + 1] as number] === p[order[i] as number]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (y[order[k] as number] === 1) {
        pos++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (!pos || !neg) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
