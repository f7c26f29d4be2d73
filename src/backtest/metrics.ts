/**
 * Yardsticks shared by the backtest's policies (src/backtest/run.ts; the truth-based ones are in judge.ts):
 *
 *   early-warning coverage  share of first 30+ DPD onsets in [from + 30 d, to) with a follow-up in the 30 days
 *                           before the onset (the older, looser yardstick: any call counts, also to a loan already
 *                           late, answered or not)
 *   loan-years              loan-years in scope (open, not yet 30+ DPD) within the period
 *   rule violations         checkRules of the loan's rule pack, month by month, with earlier calls as history
 */
import {
  checkRules,
  type HistoryContact,
  type PlannedContact,
  type Policy,
  packFor,
} from '../recommend/index.ts';
import { inScope, type LoanOutcome } from './outcomes.ts';
import { type MadeContact, packOf } from './schedule.ts';

/** Days of the early-warning window before an onset. */
export const WARNING_DAYS = 30;

/** Median of a list (NaN when empty). */
export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Early-warning coverage and lead times of `contacts` for the onsets of `loans` in [fromDay + 30, toDay). */
export function coverage(
  contacts: readonly MadeContact[],
  loans: readonly LoanOutcome[],
  fromDay: number,
  toDay: number,
): { onsets: number; covered: number; leads: number[] } {
  const days = new Map<string, number[]>();
  for (const c of contacts) {
    const l = days.get(c.loan_id) ?? [];
    l.push(c.day);
    days.set(c.loan_id, l);
  }
  let onsets = 0;
  let covered = 0;
  const leads: number[] = [];
  for (const o of loans) {
    if (!(o.onset >= fromDay + WARNING_DAYS && o.onset < toDay)) continue;
    onsets++;
    let earliest = Number.POSITIVE_INFINITY;
    for (const d of days.get(o.loan_id) ?? [])
      if (d >= o.onset - WARNING_DAYS && d < o.onset && d < earliest) earliest = d;
    if (Number.isFinite(earliest)) {
      covered++;
      leads.push(o.onset - earliest);
    }
  }
  return { onsets, covered, leads };
}

/** Loan-years each loan spends in scope within [fromDay, toDay). */
export function loanYears(loans: readonly LoanOutcome[], fromDay: number, toDay: number): number {
  let d = 0;
  for (const o of loans) {
    const a = Math.max(fromDay, o.dis + 1);
    const b = Math.min(toDay, o.mat, o.closed, o.onset);
    if (b > a) d += b - a;
  }
  return d / 365.25;
}

/** Rule violations month by month (UTC month of the call), earlier calls of the schedule as answered history. */
export function violations(sorted: readonly MadeContact[], policy: Policy): Record<string, number> {
  const out: Record<string, number> = {};
  const months = new Map<string, MadeContact[]>();
  for (const c of sorted) {
    const k = c.start_utc.slice(0, 7);
    const l = months.get(k) ?? [];
    l.push(c);
    months.set(k, l);
  }
  const history: HistoryContact[] = [];
  for (const k of [...months.keys()].sort()) {
    const list = months.get(k)!;
    const byPack = new Map<string, PlannedContact[]>();
    for (const c of list) {
      if (c.joined) continue;
      const name = packFor(policy, c.time_zone, null);
      const l = byPack.get(name) ?? [];
      l.push({
        loan_id: c.loan_id,
        time_zone: c.time_zone,
        start_utc: c.start_utc,
        end_utc: c.end_utc,
        channel: c.channel ?? 'phone',
      });
      // The notice is a contact too: the hours rule applies to it.
      if (c.prenotify_at_utc)
        l.push({
          loan_id: c.loan_id,
          time_zone: c.time_zone,
          start_utc: c.prenotify_at_utc,
          end_utc: c.prenotify_at_utc,
          channel: c.notice_channel === 'app' ? 'app' : c.notice_channel === 'email' ? 'email' : 'sms',
        });
      byPack.set(name, l);
    }
    for (const planned of byPack.values()) {
      for (const r of checkRules(packOf(policy, planned[0]!.time_zone), planned, history))
        out[r.rule] = (out[r.rule] ?? 0) + 1;
    }
    for (const c of list)
      if (!c.joined)
        history.push({
          loan_id: c.loan_id,
          at_utc: c.start_utc,
          channel: c.channel ?? 'phone',
          outcome: 'answered',
          direction: 'outbound',
        });
  }
  return out;
}

export { inScope };
