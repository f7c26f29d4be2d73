/**
 * The backtest's yardsticks for one schedule (the contacts it made over the period):
 *
 *   early-warning coverage  share of first 30+ DPD onsets in [from + 30 d, to) with a follow-up in the 30 days
 *                           before the onset (onsets earlier in the period would have part of their window before
 *                           the schedule started)
 *   median lead time        days from the EARLIEST follow-up in that 30-day window to the onset, over covered onsets
 *   contacts per loan-year  follow-up calls / loan-years in scope (open, not yet 30+ DPD) within the period
 *   expected hang-up rate   mean of the generator's TRUE hang-up probability at each call's slot (local hour,
 *                           weekday, notice, days since the schedule's previous call, collection or not, first
 *                           loan); the borrower's latent temperament is taken at its mean (0) and past hang-ups
 *                           as none, the same for both schedules
 *   rule violations         checkRules of the loan's rule pack, month by month, with earlier calls as history
 *   capacity overflow       calls above the policy's daily capacity (0 when capacity is unlimited)
 */
import { trueHangupProbability } from '../generate/truth.ts';
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

/** The yardsticks of one schedule. */
export interface ScheduleMetrics {
  /** Follow-up calls made in the period (in scope). */
  contacts: number;
  /** Loan-years in scope. */
  loan_years: number;
  contacts_per_loan_year: number;
  /** First onsets counted and those with a follow-up in the 30 days before. */
  onsets: number;
  covered: number;
  /** covered / onsets (0 when no onsets). */
  coverage: number;
  /** Coverage by lifecycle follow-ups only (first, mid-term, final; collection calls on 1–29 DPD loans left out). */
  coverage_lifecycle_only: number;
  /** Median days from the earliest follow-up in the window to the onset (NaN when none covered). */
  median_lead_days: number;
  /** Mean true hang-up probability over the calls. */
  expected_hangup_rate: number;
  /** Calls announced by SMS/email beforehand. */
  prenotified: number;
  /** Broken contact rules (must be 0), by rule. */
  violations: number;
  violations_by_rule: Record<string, number>;
  /** Calls above daily capacity. */
  capacity_overflow: number;
  /** Calls by purpose. */
  by_purpose: Record<string, number>;
}

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

/** All yardsticks of one schedule; `contacts` must already be in scope (see inScope). */
export function scheduleMetrics(
  contacts: readonly MadeContact[],
  loans: readonly LoanOutcome[],
  policy: Policy,
  fromDay: number,
  toDay: number,
): ScheduleMetrics {
  const byId = new Map(loans.map((o) => [o.loan_id, o]));
  const sorted = [...contacts].sort(
    (a, b) => a.start_utc.localeCompare(b.start_utc) || a.loan_id.localeCompare(b.loan_id),
  );
  const last = new Map<string, number>();
  let hang = 0;
  let pre = 0;
  const byPurpose: Record<string, number> = {};
  for (const c of sorted) {
    const o = byId.get(c.loan_id);
    const prev = last.get(c.loan_id);
    hang += trueHangupProbability({
      localHour: c.hour,
      weekday: c.weekday % 7,
      channel: 'phone',
      direction: 'outbound',
      collection: c.purpose === 'collection',
      preNotified: c.prenotified,
      attemptsToday: 0,
      daysSinceLastContact: prev === undefined ? Number.POSITIVE_INFINITY : c.day - prev,
      delinquent: false,
      firstLoan: o?.firstLoan ?? true,
      pastHangups: 0,
    });
    last.set(c.loan_id, c.day);
    if (c.prenotified) pre++;
    byPurpose[c.purpose] = (byPurpose[c.purpose] ?? 0) + 1;
  }
  const cov = coverage(contacts, loans, fromDay, toDay);
  const life = coverage(
    contacts.filter((c) => c.purpose !== 'collection'),
    loans,
    fromDay,
    toDay,
  );
  const years = loanYears(loans, fromDay, toDay);
  const v = violations(sorted, policy);
  return {
    contacts: contacts.length,
    loan_years: years,
    contacts_per_loan_year: years > 0 ? contacts.length / years : 0,
    onsets: cov.onsets,
    covered: cov.covered,
    coverage: cov.onsets ? cov.covered / cov.onsets : 0,
    coverage_lifecycle_only: life.onsets ? life.covered / life.onsets : 0,
    median_lead_days: median(cov.leads),
    expected_hangup_rate: sorted.length ? hang / sorted.length : 0,
    prenotified: pre,
    violations: Object.values(v).reduce((a, b) => a + b, 0),
    violations_by_rule: v,
    capacity_overflow: overflow(sorted, policy.capacity.daily),
    by_purpose: byPurpose,
  };
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

/** Calls above `daily` capacity per local day (0 when capacity is unlimited). */
function overflow(sorted: readonly MadeContact[], daily: number | null): number {
  if (daily === null) return 0;
  const perDay = new Map<number, number>();
  for (const c of sorted) perDay.set(c.day, (perDay.get(c.day) ?? 0) + 1);
  let x = 0;
  for (const n of perDay.values()) x += Math.max(0, n - daily);
  return x;
}

export { inScope };
