/**
 * The cumulative 6-month risk per (loan, as-of) — the probability of a first 30+ DPD onset in (A, A + 6 months],
 * the figure `score` serves as risk_6m — predicted against true, beside a persistence oracle.
 *
 *   predicted = riskWithin(h_1…h_6, 6 months)      the champion's monthly hazards (src/models/risk.ts)
 *   true      = riskWithin(t_1…t_6, 6 months)      t_k: the generator's hazards of the installments whose onset
 *                                                  falls in window k, as it drew them (truth.ts mapping)
 *   oracle    = riskWithin(o_1…o_6, 6 months)      truths known at A, the next installment's held (below)
 *
 * What "true" is: the generator's hazard of each installment, drawn along the path the world took. A later
 * installment's hazard depends on what happens after A (minor lateness, the start of an income shock, markets),
 * so it is not the probability of onset given what was knowable at A; and t_1 is the ex-ante hazard of an
 * installment already due at A, whose payment the model has seen (a paid one cannot reach 30 DPD).
 *
 * Months the truth does not cover, alike on both sides:
 *   - a window past maturity (it starts on or after maturity + 30 days, known at A): 0 on both sides;
 *   - a window without an installment before the truth's last one (the first installment is still ahead, or a
 *     short month put two installments in the neighbouring window): true 0, predicted h_k (its neighbour's truth
 *     holds both installments, the model spreads them by month);
 *   - a window before maturity after the loan left the truth (its first onset, a prepayment): censored — the
 *     true side holds the last truth before it (the hazard the loan had when it left, as if it had stayed at
 *     risk), the predicted side keeps h_k (the model's hazards are also conditional on staying at risk).
 * As-of dates whose six windows run past the world's end are left out, so that end never censors.
 */
import { DAYS_PER_MONTH } from '../core/months.ts';
import { riskWithin } from '../models/risk.ts';
import { type Agreement, agreement } from './stats.ts';
import type { LoanWindows } from './truth.ts';

/** Months of the cumulative risk. */
export const RISK_MONTHS = 6;

/** The three hazard vectors of one (loan, as-of) and how the truth ended inside the window. */
export interface RiskVectors {
  predicted: number[];
  truth: number[];
  oracle: number[];
  /** The loan left the truth before maturity inside the window (first onset or prepayment). */
  censored: boolean;
  /** At least one window lies past maturity. */
  matured: boolean;
}

/** Applies the rules of the module comment to one (loan, as-of)'s windows. */
export function riskVectors(x: LoanWindows): RiskVectors {
  const n = x.predicted.length;
  let last = -1;
  for (let k = 0; k < n; k++) if (x.truth[k] !== null) last = k;
  const predicted = x.predicted.slice();
  const truth = new Array<number>(n).fill(0);
  const carried = new Array<boolean>(n).fill(false);
  let censored = false;
  let matured = false;
  let held = firstTruth(x);
  for (let k = 0; k < n; k++) {
    const t = x.truth[k];
    if (!x.open[k]) {
      predicted[k] = 0;
      matured = true;
    } else if (t !== null && t !== undefined) {
      truth[k] = held = t;
    } else if (k > last || x.installments[k]! > 0) {
      // Left the truth before maturity (or an installment without its truth row): hold the last truth.
      truth[k] = held;
      carried[k] = true;
      censored = true;
    }
  }
  return { predicted, truth, oracle: oracleVector(x, truth, carried), censored, matured };
}

/**
 * The persistence oracle: it knows the true hazards set by the as-of date — the installment already due and the
 * next one not yet due (latent frailty and income shock included) — and holds the next one's for every later
 * window the truth covers (1 − (1 − h)^installments for a window of several), 0 where the truth side is 0. With no
 * installment after the as-of date in the truth (its first onset is under way), it holds the last truth known.
 */
function oracleVector(x: LoanWindows, truth: number[], carried: boolean[]): number[] {
  const n = truth.length;
  let head = -1;
  for (let k = 0; k < n && head < 0; k++) if (x.unseen[k] && x.truth[k] !== null) head = k;
  let last = -1;
  for (let k = 0; k < n; k++) if (x.truth[k] !== null) last = k;
  const h = head >= 0 ? (x.truth[head] as number) : (x.truth[last] as number);
  const upTo = head >= 0 ? head : last;
  return truth.map((t, k) => {
    if (k <= upTo || t === 0) return t;
    const m = x.installments[k]!;
    // One installment keeps the hazard exactly (1 − (1 − h) would round).
    return carried[k] || m <= 1 ? h : 1 - (1 - h) ** m;
  });
}

/** The first truth of the windows (a censored window before any truth holds it). */
function firstTruth(x: LoanWindows): number {
  for (const t of x.truth) if (t !== null) return t;
  return 0;
}

/** The comparison over many (loan, as-of). */
export interface RiskSummary {
  /** (loan, as-of) compared. */
  n: number;
  /** Of them, whose truth ended inside the window before maturity (held, see the module comment). */
  censored: number;
  /** Of them, with windows past maturity (0 on both sides). */
  matured: number;
  /** The champion's 6-month risk against the true one. */
  model: Agreement;
  /** The persistence oracle's against the true one. */
  oracle: Agreement;
  /**
   * The same over windows 2–6 alone: month 1's installment is already due at the as-of date, so the model has
   * seen whether it was paid while its true hazard is the ex-ante one; this isolates that mismatch.
   */
  months_2_6: { model: Agreement; oracle: Agreement };
}

/** 6-month risks of every (loan, as-of) and their agreement. */
export function riskAgreement(rows: readonly LoanWindows[]): RiskSummary {
  const days = RISK_MONTHS * DAYS_PER_MONTH;
  const late = (RISK_MONTHS - 1) * DAYS_PER_MONTH;
  const risks = () => ({
    p: new Float64Array(rows.length),
    t: new Float64Array(rows.length),
    o: new Float64Array(rows.length),
  });
  const all = risks();
  const tail = risks();
  let censored = 0;
  let matured = 0;
  rows.forEach((x, i) => {
    const v = riskVectors(x);
    all.p[i] = riskWithin(v.predicted, days);
    all.t[i] = riskWithin(v.truth, days);
    all.o[i] = riskWithin(v.oracle, days);
    tail.p[i] = riskWithin(v.predicted.slice(1), late);
    tail.t[i] = riskWithin(v.truth.slice(1), late);
    tail.o[i] = riskWithin(v.oracle.slice(1), late);
    censored += v.censored ? 1 : 0;
    matured += v.matured ? 1 : 0;
  });
  return {
    n: rows.length,
    censored,
    matured,
    model: agreement(all.p, all.t),
    oracle: agreement(all.o, all.t),
    months_2_6: { model: agreement(tail.p, tail.t), oracle: agreement(tail.o, tail.t) },
  };
}
