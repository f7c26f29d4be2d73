/**
 * The simple practices the risk-based schedule is compared with, each given the same extras it has — the
 * reactive collection rule (a call in the month after a payment is missed, on the first allowed day after the
 * lead time, exactly as the planner's collection purpose does in the monthly replay), the practice's best single
 * call hour (chosen on the calls before the period), and an SMS the day before every call:
 *
 *   fixed   the seeds' cycle: first 30 days after disbursement, every 90 days, final 60 days before maturity
 *   tiered  the seeds' grade tiers: AAA/AA every 180 days, A/BBB/BB every 120, B/CCC every 90 (first and final
 *           as fixed)
 *   random  each month, as many lifecycle calls as the fixed practice makes, placed on loans drawn at random
 *           (seeded) among the current ones, on a random allowed day of the month — the floor
 *
 * Intervals are multiplied by `scale` so the volume can be matched; the fixed practice is never scaled (it sets
 * the volume).
 */

import { dayOf, isoWeekday } from '../core/days.ts';
import { mulberry32 } from '../core/prng.ts';
import { calendarForZone, type Policy } from '../recommend/index.ts';
import { isoUtc, utcMsOfLocal } from '../recommend/zone.ts';
import type { LoanOutcome } from './outcomes.ts';
import type { ReplayMonth } from './replay.ts';
import { type MadeContact, packOf } from './schedule.ts';

/** Interval between mid-term calls in days, by credit grade. */
export type Cadence = (grade: string) => number;

export const FIXED_CADENCE: Cadence = () => 90;
export const TIERED_CADENCE: Cadence = (g) =>
  g === 'AAA' || g === 'AA' ? 180 : g === 'B' || g === 'CCC' ? 90 : 120;

/** Shared context of the cycle practices. */
export interface CycleContext {
  policy: Policy;
  months: readonly ReplayMonth[];
  loans: readonly LoanOutcome[];
  /** The practice's single call hour (local). */
  hour: number;
  /** Days from the month start to the collection call's earliest day (the planner's min_lead_days). */
  leadDays: number;
}

function workingDay(policy: Policy, zone: string) {
  const pack = packOf(policy, zone);
  const cal = calendarForZone(pack.calendar, zone);
  return (d: number) => !pack.working_days_only || cal.isWorkingDay(d);
}

function call(o: LoanOutcome, day: number, hour: number, purpose: string): MadeContact {
  const s = utcMsOfLocal(o.time_zone, day, hour);
  const notice = utcMsOfLocal(o.time_zone, day - 1, hour);
  return {
    loan_id: o.loan_id,
    day,
    start_utc: isoUtc(s),
    end_utc: isoUtc(utcMsOfLocal(o.time_zone, day, hour + 1)),
    hour,
    hour_end: hour + 1,
    weekday: isoWeekday(day),
    purpose,
    prenotified: true,
    prenotify_at_utc: isoUtc(notice),
    notice_channel: 'sms',
    time_zone: o.time_zone,
    channel: 'phone',
  };
}

/** Month index of each month start, and the loans past due at it (the reactive rule's trigger). */
function lateByMonth(months: readonly ReplayMonth[]): Set<string>[] {
  return months.map((m) => new Set(m.loans.filter((l) => l.current_dpd > 0).map((l) => l.loan_id)));
}

/** The reactive rule's calls, and for each month the loans it covers (their lifecycle calls wait). */
function reactive(ctx: CycleContext, late: Set<string>[], byId: Map<string, LoanOutcome>): MadeContact[] {
  const out: MadeContact[] = [];
  ctx.months.forEach((m, k) => {
    const start = dayOf(m.asOf) + ctx.leadDays;
    for (const id of late[k]!) {
      const o = byId.get(id);
      if (!o) continue;
      const ok = workingDay(ctx.policy, o.time_zone);
      let d = start;
      while (!ok(d)) d++;
      if (d < m.endDay) out.push(call(o, d, ctx.hour, 'collection'));
    }
  });
  return out;
}

/** Index of the month holding `day`, or −1. */
function monthOf(months: readonly ReplayMonth[], day: number): number {
  for (let k = 0; k < months.length; k++) {
    if (day >= dayOf(months[k]!.asOf) && day < months[k]!.endDay) return k;
  }
  return -1;
}

/**
 * The contact rules apply to the simple practices too: a call within the rule pack's quiet days after the
 * previous call (taken as a conversation, as the replay does for every policy) moves to the first allowed working
 * day after them, or out of the period.
 */
function keepRules(ctx: CycleContext, calls: MadeContact[], byId: Map<string, LoanOutcome>): MadeContact[] {
  const to = ctx.months[ctx.months.length - 1]!.endDay;
  const byLoan = new Map<string, MadeContact[]>();
  for (const c of calls) {
    const l = byLoan.get(c.loan_id);
    if (l) l.push(c);
    else byLoan.set(c.loan_id, [c]);
  }
  const out: MadeContact[] = [];
  for (const [id, list] of byLoan) {
    const o = byId.get(id)!;
    const quiet = packOf(ctx.policy, o.time_zone).quiet_days_after_conversation;
    list.sort((a, b) => a.day - b.day);
    if (quiet === 0) {
      out.push(...list);
      continue;
    }
    const ok = workingDay(ctx.policy, o.time_zone);
    let prev = Number.NEGATIVE_INFINITY;
    for (const c of list) {
      let d = c.day;
      if (d - prev <= quiet) {
        d = prev + quiet + 1;
        while (!ok(d)) d++;
      }
      if (d >= to) continue;
      out.push(d === c.day ? c : call(o, d, c.hour, c.purpose));
      prev = d;
    }
  }
  return out;
}

/** Every call of a cycle practice with mid-term interval `cadence(grade) × scale`. */
export function cycleCalls(ctx: CycleContext, cadence: Cadence, scale: number): MadeContact[] {
  const byId = new Map(ctx.loans.map((o) => [o.loan_id, o]));
  const late = lateByMonth(ctx.months);
  const out = reactive(ctx, late, byId);
  const from = dayOf(ctx.months[0]!.asOf);
  const to = ctx.months[ctx.months.length - 1]!.endDay;
  for (const o of ctx.loans) {
    if (o.mat <= from || o.dis >= to) continue;
    const ok = workingDay(ctx.policy, o.time_zone);
    const back = (d: number) => {
      let x = d;
      while (!ok(x)) x--;
      return x;
    };
    const fwd = (d: number) => {
      let x = d;
      while (!ok(x)) x++;
      return x;
    };
    const every = Math.max(14, Math.round(cadence(o.credit_grade) * scale));
    const finalNominal = o.mat - 60;
    const first = o.dis + 30;
    const plan: [number, string][] = [];
    if (first < o.mat) plan.push([back(first), 'first']);
    for (let d = first + every; d < finalNominal; d += every) plan.push([fwd(d), 'mid_term']);
    if (finalNominal > first) plan.push([back(finalNominal), 'final']);
    for (const [day, purpose] of plan) {
      if (day < from || day >= to || day <= o.dis) continue;
      const k = monthOf(ctx.months, day);
      // A loan in collection that month gets the collection call, not its lifecycle call.
      if (k >= 0 && late[k]!.has(o.loan_id)) continue;
      out.push(call(o, day, ctx.hour, purpose));
    }
  }
  return keepRules(ctx, out, byId);
}

/**
 * The random floor: month by month, `perMonth[k]` lifecycle calls on loans drawn at random (seeded) among the
 * month's current loans, each on a random allowed day of the month; plus the reactive rule.
 */
export function randomCalls(ctx: CycleContext, perMonth: readonly number[], seed: number): MadeContact[] {
  const byId = new Map(ctx.loans.map((o) => [o.loan_id, o]));
  const late = lateByMonth(ctx.months);
  const out = reactive(ctx, late, byId);
  const u = mulberry32(seed);
  ctx.months.forEach((m, k) => {
    const start = dayOf(m.asOf);
    const pool = m.loans.filter((l) => l.current_dpd === 0 && byId.has(l.loan_id)).map((l) => l.loan_id);
    const want = Math.min(perMonth[k] ?? 0, pool.length);
    // Partial Fisher–Yates: the first `want` of a seeded shuffle.
    for (let j = 0; j < want; j++) {
      const r = j + Math.floor(u() * (pool.length - j));
      [pool[j], pool[r]] = [pool[r]!, pool[j]!];
      const o = byId.get(pool[j]!)!;
      const ok = workingDay(ctx.policy, o.time_zone);
      let d = start + Math.floor(u() * (m.endDay - start));
      let tries = 0;
      while (!ok(d) && tries++ < 40) d = start + Math.floor(u() * (m.endDay - start));
      if (!ok(d) || d <= o.dis || d >= o.mat) continue;
      out.push(call(o, d, ctx.hour, 'mid_term'));
    }
  });
  return keepRules(ctx, out, byId);
}

/** Lifecycle (non-collection) calls per replay month. */
export function lifecyclePerMonth(months: readonly ReplayMonth[], calls: readonly MadeContact[]): number[] {
  const n = new Array(months.length).fill(0);
  for (const c of calls) {
    if (c.purpose === 'collection') continue;
    const k = monthOf(months, c.day);
    if (k >= 0) n[k]++;
  }
  return n;
}
