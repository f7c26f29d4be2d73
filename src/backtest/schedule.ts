/**
 * Contacts a schedule makes in the backtest, and the fixed practice's schedule.
 *
 * Fixed practice (the lender's rule of thumb the risk-based schedule is compared with): first follow-up 30 days
 * after disbursement, then one every 90 days, and a final one 60 days before maturity (mid-terms stop before the
 * final). Dates that are not working days under the loan's rule pack move to the previous working day for the
 * first and final (deadlines) and to the next one for mid-terms; calls are placed 10:00–11:00 local, without
 * notice, as a call centre working through a list would.
 */

import { dayOf, isoWeekday, ymdOf } from '../recommend/days.ts';
import { calendarFor, type Policy, packFor, type RulePack } from '../recommend/index.ts';
import { isoUtc, utcMsOfLocal } from '../recommend/zone.ts';

/** One follow-up call a schedule makes. */
export interface MadeContact {
  loan_id: string;
  /** Borrower-local day number (days since 1970-01-01) of the call. */
  day: number;
  /** Call window, ISO 8601 UTC. */
  start_utc: string;
  end_utc: string;
  /** Local start hour 0–23 and ISO weekday 1–7 (Monday = 1). */
  hour: number;
  weekday: number;
  /** first | mid_term | final | collection. */
  purpose: string;
  /** An SMS/email announced the call 24–48 h before; its instant (ISO UTC) when so. */
  prenotified: boolean;
  prenotify_at_utc: string | null;
  time_zone: string;
  /** Local end hour of the call window (exclusive); default hour + 1. */
  hour_end?: number;
  /** phone (a call) or a written follow-up (sms, app); default phone. */
  channel?: 'phone' | 'sms' | 'app';
  /** Channel of the notice before the call, when prenotified (default sms). */
  notice_channel?: 'sms' | 'email' | 'app' | null;
  /** Joins another loan's call of the same borrower (one contact): not a separate attempt. */
  joined?: boolean;
}

/** The loan fields the schedules need. */
export interface ScheduleLoan {
  loan_id: string;
  time_zone: string;
  disbursed_on: string;
  maturity_on: string;
}

/** The rule pack that applies to a borrower zone (policy zone_packs / default_pack). */
export function packOf(policy: Policy, zone: string): RulePack {
  const name = packFor(policy, zone, null);
  const pack = policy.rule_packs[name];
  if (!pack) throw new Error(`policy has no rule pack ${name}`);
  return pack;
}

/** Fixed-practice intervals in days. */
export const FIXED = { firstAfter: 30, every: 90, finalBefore: 60, hour: 10 } as const;

/**
 * Every fixed-practice call of `loan` on days in [fromDay, toDay) (local day numbers). The whole lifecycle is laid
 * out from disbursement, so a loan entering the period mid-life continues its own 90-day rhythm.
 */
export function fixedSchedule(
  loan: ScheduleLoan,
  policy: Policy,
  fromDay: number,
  toDay: number,
): MadeContact[] {
  const pack = packOf(policy, loan.time_zone);
  const cal = calendarFor(pack.calendar);
  const working = (d: number) => !pack.working_days_only || cal.isWorkingDay(d);
  const back = (d: number) => {
    let x = d;
    while (!working(x)) x--;
    return x;
  };
  const fwd = (d: number) => {
    let x = d;
    while (!working(x)) x++;
    return x;
  };
  const dis = dayOf(loan.disbursed_on);
  const mat = dayOf(loan.maturity_on);
  const finalNominal = mat - FIXED.finalBefore;
  const first = dis + FIXED.firstAfter;
  const plan: [number, string][] = [];
  if (first < mat) plan.push([back(first), 'first']);
  for (let d = first + FIXED.every; d < finalNominal; d += FIXED.every) plan.push([fwd(d), 'mid_term']);
  if (finalNominal > first) plan.push([back(finalNominal), 'final']);
  const out: MadeContact[] = [];
  for (const [day, purpose] of plan) {
    if (day < fromDay || day >= toDay || day <= dis) continue;
    const s = utcMsOfLocal(loan.time_zone, day, FIXED.hour);
    const e = utcMsOfLocal(loan.time_zone, day, FIXED.hour + 1);
    out.push({
      loan_id: loan.loan_id,
      day,
      start_utc: isoUtc(s),
      end_utc: isoUtc(e),
      hour: FIXED.hour,
      weekday: isoWeekday(day),
      purpose,
      prenotified: false,
      prenotify_at_utc: null,
      time_zone: loan.time_zone,
    });
  }
  return out;
}

/** `YYYY-MM-DD` of a local day number (re-exported for the metrics). */
export const ymd = ymdOf;
