/**
 * Lift and gains by decile: rows sorted by score (highest first) cut into 10 near-equal groups; per decile the
 * event rate, its lift over the overall rate, and the cumulative share of all events captured (gains).
 */
import { checkInputs, type Labels, orderByScore, type Scores } from './types.ts';

/** One decile (1 = highest scores). */
export interface LiftRow {
  decile: number;
  count: number;
  events: number;
  /** Event rate in the decile. */
  rate: number;
  /** rate / overall rate. */
  lift: number;
  /** Cumulative share of all events captured up to this decile (0…1). */
  gain: number;
}

export function liftTable(p: Scores, y: Labels, groups = 10): LiftRow[] {
  const n = checkInputs('lift', p, y);
  const order = orderByScore(p).reverse();
  let total = 0;
  for (let i = 0; i < n; i++) total += y[i] as number;
  const overall = total / n;
  const rows: LiftRow[] = [];
  let cum = 0;
  for (let g = 0; g < groups; g++) {
    const a = Math.floor((g * n) / groups);
    const b = Math.floor(((g + 1) * n) / groups);
    let ev = 0;
    for (let i = a; i < b; i++) ev += y[order[i] as number] as number;
    cum += ev;
    const rate = b > a ? ev / (b - a) : 0;
    rows.push({
      decile: g + 1,
      count: b - a,
      events: ev,
      rate,
      lift: overall ? rate / overall : 0,
      gain: total ? cum / total : 0,
    });
  }
  return rows;
}
