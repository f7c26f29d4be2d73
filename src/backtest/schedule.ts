/**
 * A contact a policy makes in the backtest, and the loan fields the schedules need. The policies themselves are in
 * cycles.ts (fixed, tiered, random) and replay.ts (the planner, risk-based and oracle).
 */

import { ymdOf } from '../core/days.ts';
import { type Policy, packFor, type RulePack } from '../recommend/index.ts';

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

/** `YYYY-MM-DD` of a local day number (re-exported for the metrics). */
export const ymd = ymdOf;
