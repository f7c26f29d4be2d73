/**
 * checkRules: the contact-rule checker used by the tests and the backtest. Given a rule pack, planned contacts and
 * the contact history, it lists every violation: calls outside the pack's hours or off its working days, more
 * calls in the rolling window than allowed, calls too soon after a conversation, too many unanswered attempts a
 * day. It works from instants and zone rules, independently of how the planner built its windows.
 */

import { isoWeekday, ymdOf } from '../../core/days.ts';
import { calendarForZone, calendarSpecFor } from '../calendar.ts';
import type { RecentContact } from '../input.ts';
import type { RulePack } from '../policy/schema.ts';
import { localDayOfUtc, localOfUtc } from '../zone.ts';
import { CONVERSATION_OUTCOMES, UNANSWERED_OUTCOMES } from './history.ts';

/** A contact the plan would make. */
export interface PlannedContact {
  loan_id: string;
  /** Borrower's IANA zone. */
  time_zone: string;
  /** Start and end of the contact window, ISO 8601 UTC. */
  start_utc: string;
  end_utc: string;
  /** phone for calls; sms/email for notices (hours apply to every channel, caps to calls only). */
  channel: 'phone' | 'sms' | 'email' | 'visit' | 'app';
}

/** A past contact of a loan. */
export interface HistoryContact extends RecentContact {
  loan_id: string;
}

/** One broken rule. */
export interface RuleViolation {
  loan_id: string;
  /** Rule key in the pack, e.g. `call_hours`, `max_calls`. */
  rule:
    | 'call_hours'
    | 'working_days_only'
    | 'max_calls'
    | 'quiet_after_conversation'
    | 'max_unanswered_per_day';
  /** Start of the offending planned contact, ISO UTC. */
  at_utc: string;
  /** Expected vs found, in words. */
  message: string;
}

function minutesOfDay(zone: string, ms: number, startDay: number): number {
  const l = localOfUtc(zone, ms);
  return (l.day - startDay) * 1440 + l.hour * 60 + l.minute;
}

/** Every violation of `pack` by the planned contacts, given the history (any order, any loans). */
export function checkRules(
  pack: RulePack,
  planned: PlannedContact[],
  history: HistoryContact[],
): RuleViolation[] {
  const out: RuleViolation[] = [];
  const byLoan = new Map<string, HistoryContact[]>();
  for (const h of history) {
    const list = byLoan.get(h.loan_id) ?? [];
    list.push(h);
    byLoan.set(h.loan_id, list);
  }
  // Planned call days per loan, grouped once: a backtest checks millions of contacts at a time.
  const callDays = new Map<string, number[]>();
  for (const c of planned) {
    if (c.channel !== 'phone') continue;
    const list = callDays.get(c.loan_id) ?? [];
    list.push(localDayOfUtc(c.time_zone, Date.parse(c.start_utc)));
    callDays.set(c.loan_id, list);
  }
  for (const p of planned) {
    const s = Date.parse(p.start_utc);
    const e = Date.parse(p.end_utc);
    const day = localDayOfUtc(p.time_zone, s);
    const from = minutesOfDay(p.time_zone, s, day);
    const to = minutesOfDay(p.time_zone, e, day);
    const v = (rule: RuleViolation['rule'], message: string) =>
      out.push({ loan_id: p.loan_id, rule, at_utc: p.start_utc, message });
    const { start, end } = pack.call_hours;
    if (from < start * 60 || to > end * 60 || to < from) {
      v(
        'call_hours',
        `expected ${p.channel} within ${start}:00–${end}:00 local, found ${fmt(from)}–${fmt(to)} on ${ymdOf(day)}`,
      );
    }
    if (p.channel !== 'phone') continue;
    // The calendar is the borrower's: a `holidays:country` pack has one per country.
    if (pack.working_days_only && !calendarForZone(pack.calendar, p.time_zone).isWorkingDay(day)) {
      v(
        'working_days_only',
        `expected a working day of calendar ${calendarSpecFor(pack.calendar, p.time_zone)}, found ${ymdOf(day)} (ISO weekday ${isoWeekday(day)})`,
      );
    }
    const past = (byLoan.get(p.loan_id) ?? []).filter((h) => h.channel === 'phone');
    const pastDays = past
      .filter((h) => h.direction !== 'inbound')
      .map((h) => localDayOfUtc(p.time_zone, Date.parse(h.at_utc)));
    const plannedDays = callDays.get(p.loan_id) ?? [];
    if (pack.max_calls) {
      const { calls: n, days: w } = pack.max_calls;
      const inWin = [...pastDays, ...plannedDays].filter((d) => d > day - w && d <= day).length;
      if (inWin > n)
        v(
          'max_calls',
          `expected at most ${n} calls in ${w} days, found ${inWin} in the ${w} days ending ${ymdOf(day)}`,
        );
    }
    const q = pack.quiet_days_after_conversation;
    if (q > 0) {
      for (const h of past) {
        if (!CONVERSATION_OUTCOMES.has(h.outcome)) continue;
        const hm = Date.parse(h.at_utc);
        const hd = localDayOfUtc(p.time_zone, hm);
        if (hm < s && day - hd <= q) {
          v(
            'quiet_after_conversation',
            `expected no call within ${q} days after the conversation on ${ymdOf(hd)}, found one on ${ymdOf(day)}`,
          );
          break;
        }
      }
    }
    if (pack.max_unanswered_per_day !== null) {
      // A planned call may go unanswered: it counts against the daily cap with the day's unanswered attempts.
      const un = past.filter(
        (h) =>
          h.direction !== 'inbound' &&
          UNANSWERED_OUTCOMES.has(h.outcome) &&
          localDayOfUtc(p.time_zone, Date.parse(h.at_utc)) === day,
      ).length;
      const mine = plannedDays.filter((d) => d === day).length;
      if (un + mine > pack.max_unanswered_per_day) {
        v(
          'max_unanswered_per_day',
          `expected at most ${pack.max_unanswered_per_day} unanswered attempts on ${ymdOf(day)}, found ${un} plus ${mine} planned`,
        );
      }
    }
  }
  return out;
}

function fmt(min: number): string {
  const h = Math.floor(min / 60);
  const m = min - h * 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
