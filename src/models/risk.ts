/**
 * Cumulative delinquency risk from monthly hazards. The model gives h_1…h_H (probability of 30+ DPD onset in month
 * k given none before); F(t) = 1 − Π(1 − h_k). Within a month the hazard is spread evenly in log-survival, so
 * "risk within d days" is continuous and monotone in d, and its inverse (days until the budget is used up) is
 * exact. Beyond the horizon the last month's hazard is carried forward.
 */

import { DAYS_PER_MONTH } from '../core/months.ts';

function logSurv(h: number): number {
  // Clamp so a hazard of 1 (certain onset) stays finite.
  return Math.log1p(-Math.min(Math.max(h, 0), 0.999999));
}

/** Predicted probability of 30+ DPD onset within `days` days of the as-of date. */
export function riskWithin(hazard: ArrayLike<number>, days: number): number {
  if (days <= 0) return 0;
  const t = days / DAYS_PER_MONTH;
  const n = hazard.length;
  let ls = 0;
  let k = 0;
  for (; k < n && k + 1 <= t; k++) ls += logSurv(hazard[k] ?? 0);
  const last = hazard[n - 1] ?? 0;
  // Whole months beyond the horizon use the last hazard; then the fractional month.
  const whole = Math.floor(t);
  if (whole > n) ls += (whole - n) * logSurv(last);
  const frac = t - whole;
  if (frac > 0) ls += frac * logSurv(whole < n ? (hazard[whole] ?? 0) : last);
  return -Math.expm1(ls);
}

/**
 * Largest whole number of days d ≤ maxDays with riskWithin(hazard, d) ≤ budget (0 when even one day exceeds it).
 * Analytic inverse of the piecewise log-linear survival curve: no search, no allocation.
 */
export function daysWithinBudget(hazard: ArrayLike<number>, budget: number, maxDays: number): number {
  const target = Math.log1p(-Math.min(budget, 0.999999)); // log S allowed, ≤ 0
  const n = hazard.length;
  let ls = 0;
  const maxMonths = maxDays / DAYS_PER_MONTH;
  for (let k = 0; k < maxMonths + 1; k++) {
    const step = logSurv(k < n ? (hazard[k] ?? 0) : (hazard[n - 1] ?? 0));
    if (ls + step < target) {
      // Crosses inside month k: fraction of the month until log S reaches the target.
      const t = k + (step < 0 ? (target - ls) / step : 1);
      return Math.min(maxDays, Math.max(0, Math.floor(t * DAYS_PER_MONTH + 1e-9)));
    }
    ls += step;
  }
  return maxDays;
}

/**
 * The loan's forward risk rate per month on the log-survival scale, −log(1 − h_2): the next installment not yet
 * due at the as-of date (month 1's onset is an installment already due, whose payment the model has seen). That
 * is the risk a call now can still catch — a follow-up in the 30 days before a missed due date. With one month of
 * hazards, that month. (Averaging months 2–3 instead smooths the cadence but arrives late: the backtest's
 * pre-delinquency reach fell from 40 % to 39 %, and the oracle's from 44 % to 36 %.)
 */
export function forwardRate(hazard: ArrayLike<number>): number {
  return -logSurv(hazard[hazard.length > 1 ? 1 : 0] ?? 0);
}
