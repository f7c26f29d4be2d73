/**
 * After the planner, per follow-up: the next action from the last outcome (policy `next_actions`), then the script
 * and notice texts (src/scripts). Kept out of the planner so the planner stays a pure function of its inputs and
 * the backtest, which replays the planner alone, is unaffected.
 */

import type { Recommendation } from '../../contract/recommendation.ts';
import { sha256 } from '../../core/hash.ts';
import { composeTalk } from '../../scripts/compose.ts';
import type { ScriptLibrary } from '../../scripts/schema.ts';
import type { WorkCalendar } from '../calendar.ts';
import { calendarFor } from '../calendar.ts';
import type { PlannerLoan } from '../input.ts';
import { applyNextAction } from '../next-action.ts';
import type { Policy } from '../policy/schema.ts';
import type { TalkFactsRow } from './talk-facts.ts';

/**
 * Id of a follow-up as planned on one as-of date (as-of, loan, purpose, cycle). Not the run id: shards of one
 * day's plan and a re-run of the same day give a follow-up the same id, so outcomes join whichever run was sent.
 */
export function followupId(r: Pick<Recommendation, 'as_of' | 'loan_id' | 'purpose' | 'cycle'>): string {
  return `fu-${sha256(`${r.as_of}\u0000${r.loan_id}\u0000${r.purpose}\u0000${r.cycle}`).slice(0, 16)}`;
}

/** Counts for the run summary. */
export interface TalkStats {
  /** Follow-ups by next action. */
  next_actions: Record<string, number>;
  /** Follow-ups by script id. */
  scripts: Record<string, number>;
  /** SMS notices by segment count. */
  sms_segments: Record<string, number>;
}

/** Annotates records of one run; `stats` accumulates over calls. */
export function talker(policy: Policy, lib: ScriptLibrary, asOf: string) {
  const calendars = new Map<string, WorkCalendar>();
  const calendarOf = (spec: string) => {
    let c = calendars.get(spec);
    if (!c) {
      c = calendarFor(spec);
      calendars.set(spec, c);
    }
    return c;
  };
  const stats: TalkStats = { next_actions: {}, scripts: {}, sms_segments: {} };
  const bump = (m: Record<string, number>, k: string) => {
    m[k] = (m[k] ?? 0) + 1;
  };
  const annotate = (r: Recommendation, loan: PlannerLoan, f: TalkFactsRow | undefined): void => {
    r.followup_id = followupId(r);
    applyNextAction(r, loan, f?.last ?? null, { policy, asOf, calendarOf });
    Object.assign(
      r,
      composeTalk(lib, r, {
        loan_type: loan.loan_type,
        credit_grade: loan.credit_grade,
        maturity_on: loan.maturity_on,
        dpd: loan.current_dpd,
        next_due_on: f?.next_due_on ?? null,
        next_amount: f?.next_amount ?? null,
        overdue_amount: f?.overdue_amount ?? 0,
        ever_conversation: f?.ever_conversation ?? false,
        last_outcome: f?.last?.outcome ?? null,
        promised_on: f?.last?.promised_on ?? null,
      }),
    );
    bump(stats.next_actions, r.next_action ?? 'call');
    bump(stats.scripts, r.script_id ?? '');
    if (r.notice_segments !== null && r.notice_segments !== undefined)
      bump(stats.sms_segments, String(r.notice_segments));
  };
  return { annotate, stats };
}
