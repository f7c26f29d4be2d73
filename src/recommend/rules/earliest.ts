/**
 * The earliest day a rule pack allows the next call, given the loan's contact history. The planner opens the
 * allowed window no earlier than this, so no recommendation can break a frequency rule.
 */
import type { RulePack } from '../policy/schema.ts';
import { type ContactSummary, countIn } from './history.ts';

/** Which rule set the earliest day, if any. */
export type RuleDelay = 'quiet_after_conversation' | 'max_calls' | 'max_unanswered_per_day' | null;

/** Earliest allowed call day ≥ `from`, and the rule that pushed it (null when `from` itself is allowed). */
export function earliestByRules(
  pack: RulePack,
  h: ContactSummary,
  from: number,
): { day: number; rule: RuleDelay } {
  let day = from;
  let rule: RuleDelay = null;
  // Rules interact (a later day may hit another cap), so iterate until none moves the day; each pass only moves
  // forward and every rule is satisfied after its window, so this ends within a few passes.
  for (let pass = 0; pass < 8; pass++) {
    const start = day;
    const q = pack.quiet_days_after_conversation;
    if (q > 0 && !Number.isNaN(h.lastConversationDay) && day <= h.lastConversationDay + q) {
      day = h.lastConversationDay + q + 1;
      rule = 'quiet_after_conversation';
    }
    const cap = pack.max_calls;
    if (cap) {
      // The planned call itself counts: at most calls − 1 earlier calls in the window ending on its day.
      while (countIn(h.callDays, day - cap.days + 1, day) >= cap.calls) {
        day++;
        rule = 'max_calls';
      }
    }
    const un = pack.max_unanswered_per_day;
    if (un !== null) {
      while (countIn(h.unansweredDays, day, day) >= un) {
        day++;
        rule = 'max_unanswered_per_day';
      }
    }
    if (day === start) break;
  }
  return { day, rule };
}
