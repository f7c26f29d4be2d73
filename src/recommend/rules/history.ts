/**
 * Contact history reduced to what the contact rules need, per loan: local days of outbound calls, of unanswered
 * calls, and of the last phone conversation. Computed once per loan from its recent contacts.
 */
import type { RecentContact } from '../input.ts';
import { localDayOfUtc } from '../zone.ts';

/** Outcomes that count as a conversation (a live exchange). */
export const CONVERSATION_OUTCOMES: ReadonlySet<string> = new Set(['answered', 'promise_to_pay', 'hardship']);
/** Outcomes that count as an unanswered call attempt. */
export const UNANSWERED_OUTCOMES: ReadonlySet<string> = new Set(['no_answer', 'busy', 'voicemail', 'failed']);

/** Rule-relevant history of one loan. Day numbers are borrower-local. */
export interface ContactSummary {
  /** Local days of outbound phone attempts, ascending. */
  callDays: number[];
  /** Local days of unanswered outbound phone attempts, ascending. */
  unansweredDays: number[];
  /** Local day of the last phone conversation (either direction), or NaN. */
  lastConversationDay: number;
  /** UTC milliseconds of the last phone conversation, or NaN. */
  lastConversationMs: number;
}

const EMPTY: ContactSummary = {
  callDays: [],
  unansweredDays: [],
  lastConversationDay: Number.NaN,
  lastConversationMs: Number.NaN,
};

/** Summarizes a loan's recent contacts in its time zone. Shares one empty summary when there is no history. */
export function summarizeContacts(contacts: readonly RecentContact[], zone: string): ContactSummary {
  if (contacts.length === 0) return EMPTY;
  const s: ContactSummary = {
    callDays: [],
    unansweredDays: [],
    lastConversationDay: Number.NaN,
    lastConversationMs: Number.NaN,
  };
  for (const c of contacts) {
    if (c.channel !== 'phone') continue;
    const ms = Date.parse(c.at_utc);
    if (Number.isNaN(ms)) continue;
    const day = localDayOfUtc(zone, ms);
    const outbound = c.direction !== 'inbound';
    if (outbound) s.callDays.push(day);
    if (outbound && UNANSWERED_OUTCOMES.has(c.outcome)) s.unansweredDays.push(day);
    if (CONVERSATION_OUTCOMES.has(c.outcome) && !(ms <= s.lastConversationMs)) {
      s.lastConversationMs = ms;
      s.lastConversationDay = day;
    }
  }
  s.callDays.sort((a, b) => a - b);
  s.unansweredDays.sort((a, b) => a - b);
  return s;
}

/** How many of the ascending `days` fall in [from, to]. */
export function countIn(days: readonly number[], from: number, to: number): number {
  let n = 0;
  for (const d of days) if (d >= from && d <= to) n++;
  return n;
}
