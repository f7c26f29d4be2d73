/**
 * Next action from the last outcome: the policy's `next_actions` table maps the outcome of a loan's last contact
 * attempt to what its planned follow-up does. Runs on each planned record, after the planner:
 *
 *   last outcome ─► rule ─► call / written / call_other_band / retry_in_window   (label what the planner did)
 *                        └► check_call  (moved to promised_on + days_after)      ─► reason PROMISE_CHECK
 *                        └► review_task (moved to contact day + days_after; no call, no notice) ─► HARDSHIP_REVIEW
 *                        └► escalate    (handed to the assignee)                 ─► ESCALATED
 *
 * Hang-ups are the planner's own business (another band, a notice first, a written follow-up after
 * contact.written_after_hangups): this table names that action, it does not decide it a second time. A moved
 * follow-up keeps its identity and window hours, lands on the first day the rule pack allows (working days,
 * frequency rules) and does not re-enter capacity planning — a few rows a day. Pure: no I/O, no clock.
 */

import type { Recommendation } from '../contract/recommendation.ts';
import { dayOf, isoWeekday, ymdOf } from '../core/days.ts';
import { calendarSpecFor, type WorkCalendar } from './calendar.ts';
import type { PlannerLoan } from './input.ts';
import type { NextActionRule, Policy } from './policy/schema.ts';
import { packFor } from './policy/segment.ts';
import { noticeInstant } from './prenotify.ts';
import { earliestByRules } from './rules/earliest.ts';
import { summarizeContacts } from './rules/history.ts';
import { isoUtc, utcIsoOfLocal } from './zone.ts';

/** The loan's last contact attempt within the lookback, notices the lender sent excluded. */
export interface LastContact {
  outcome: string;
  /** Borrower-local day of the attempt, YYYY-MM-DD. */
  on: string;
  /** The promised payment date (promise_to_pay), YYYY-MM-DD, or null. */
  promised_on: string | null;
}

export interface NextActionContext {
  policy: Policy;
  asOf: string;
  calendarOf: (spec: string) => WorkCalendar;
}

/** The policy's rule for the loan's last outcome, if any. */
function ruleFor(last: LastContact | null, policy: Policy): NextActionRule | undefined {
  const table: Partial<Record<string, NextActionRule>> = policy.next_actions;
  return last ? table[last.outcome] : undefined;
}

/** True when applyNextAction may move the follow-up's date: a promise to check, a hardship to review. */
export function nextActionMoves(last: LastContact | null, policy: Policy): boolean {
  const rule = ruleFor(last, policy);
  return rule?.action === 'review_task' || (rule?.action === 'check_call' && !!last?.promised_on);
}

/** Sets `next_action` and `assignee` of a planned follow-up, moving it when its rule says so. */
export function applyNextAction(
  r: Recommendation,
  loan: PlannerLoan,
  last: LastContact | null,
  ctx: NextActionContext,
): void {
  const planned = r.channel === 'phone' ? 'call' : 'written';
  r.next_action = planned;
  r.assignee = 'agent';
  const rule = ruleFor(last, ctx.policy);
  if (!last || !rule) return;
  r.assignee = rule.assignee ?? 'agent';
  const say = (code: string, words: string) => {
    r.reason_codes.push(code);
    r.reasons.push(words);
  };
  switch (rule.action) {
    case 'call':
      r.next_action = planned;
      return;
    case 'call_other_band':
    case 'retry_in_window':
      // The planner already avoided the failed band (or went written after repeated hang-ups): name it.
      if (planned === 'call' && r.reason_codes.includes('AFTER_FAILED_CALL')) r.next_action = rule.action;
      return;
    case 'written':
      r.next_action = 'written';
      if (r.channel === 'phone') {
        r.channel = loan.contact?.app_user ? 'app' : 'sms';
        clearNotice(r);
        say(
          'WRITTEN_BY_OUTCOME',
          `last contact ${last.on} ended ${last.outcome}: the policy makes the follow-up written (${r.channel})`,
        );
      }
      return;
    case 'escalate':
      r.next_action = 'escalate';
      say(
        'ESCALATED',
        `${last.outcome.replace('_', ' ')} on ${last.on}: escalated to the ${r.assignee.replace('_', ' ')} by policy`,
      );
      return;
    case 'check_call': {
      if (!last.promised_on) {
        say(
          'PROMISE_WITHOUT_DATE',
          `promise to pay on ${last.on} gave no date: the planned follow-up stands`,
        );
        return;
      }
      const days = rule.days_after ?? 1;
      const target = dayOf(last.promised_on) + days;
      const landed = move(r, loan, target, true, ctx);
      // A follow-up the planner made written (repeated hang-ups) checks the promise in writing.
      r.next_action = planned === 'call' ? 'check_call' : 'written';
      say(
        'PROMISE_CHECK',
        `promise to pay on ${last.on} for ${last.promised_on}: check call ${r.due_on}${landed === target ? `, ${days} day${days === 1 ? '' : 's'} after the promised date` : ', the first day the rules allow after the promised date'}`,
      );
      return;
    }
    case 'review_task': {
      move(r, loan, dayOf(last.on) + (rule.days_after ?? 1), false, ctx);
      r.next_action = 'review_task';
      clearNotice(r);
      say(
        'HARDSHIP_REVIEW',
        `cash-flow trouble reported on ${last.on}: grace or restructuring review by the ${r.assignee.replace('_', ' ')} on ${r.due_on}, not a call`,
      );
      return;
    }
  }
}

function clearNotice(r: Recommendation): void {
  r.prenotify = false;
  r.prenotify_channel = null;
  r.prenotify_at_utc = null;
  r.prenotify_reason = null;
}

/**
 * Moves the follow-up to the first allowed day on or after `target` (never before the planning lead time) and
 * returns that day. A call also obeys the rule pack's frequency rules; every contact waits for a working day when
 * the pack says so. The window hours stay; a notice moves with the call or is dropped when none fits.
 */
function move(
  r: Recommendation,
  loan: PlannerLoan,
  target: number,
  isCall: boolean,
  ctx: NextActionContext,
): number {
  const asOf = dayOf(ctx.asOf);
  const pack = ctx.policy.rule_packs[packFor(ctx.policy, loan.time_zone, loan.rule_pack)]!;
  const cal = ctx.calendarOf(calendarSpecFor(pack.calendar, loan.time_zone));
  let day = Math.max(target, asOf + ctx.policy.planning.min_lead_days);
  for (let pass = 0; pass < 4; pass++) {
    const start = day;
    if (isCall) day = earliestByRules(pack, summarizeContacts(loan.recent_contacts, loan.time_zone), day).day;
    // A year of holidays at most; calendars always have working days.
    for (let k = 0; k < 366 && pack.working_days_only && !cal.isWorkingDay(day); k++) day++;
    if (day === start) break;
  }
  r.due_on = ymdOf(day);
  r.earliest_on = r.due_on;
  r.latest_on = r.due_on;
  r.hard_deadline = false;
  r.weekday = isoWeekday(day);
  r.window_start_utc = utcIsoOfLocal(loan.time_zone, day, r.hour_start);
  r.window_end_utc = utcIsoOfLocal(loan.time_zone, day, r.hour_end);
  if (r.prenotify) {
    const t = noticeInstant(
      loan.time_zone,
      day,
      r.hour_start,
      pack.call_hours.start,
      pack.call_hours.end,
      asOf,
    );
    if (Number.isNaN(t)) clearNotice(r);
    else r.prenotify_at_utc = isoUtc(t);
  }
  return day;
}
