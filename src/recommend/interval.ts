/**
 * Next follow-up of one loan: its purpose, cycle and allowed window.
 *
 *   purpose: collection (past due) › first (not done, loan young) › final (the next mid-term would reach the final
 *            window) › mid_term
 *   window:  lifecycle bounds [lo, hi] of the purpose (the mid-term's longest wait capped by the loan's term);
 *            mid-term: preferred date = the previous follow-up + the interval whose cumulative predicted risk
 *            reaches the (market-adjusted) budget at the loan's forward risk rate, clamped into [lo, hi] — so the
 *            date moves continuously with risk, and a loan whose risk jumps is due at once;
 *            first/final: the latest date whose risk from today stays within budget, clamped (anchors win);
 *            earliest = preferred − flex_days, never before lo, the lead time or what the contact rules allow.
 *
 * Writes into a reusable `IntervalOut` so a million loans allocate nothing here.
 */
import { DAYS_PER_MONTH } from '../core/months.ts';
import { daysWithinBudget, forwardRate, riskWithin } from '../models/risk.ts';
import type { RulePack, SegmentPolicy } from './policy/schema.ts';
import { cadenceFor } from './policy/segment.ts';
import { R } from './reasons.ts';
import { earliestByRules } from './rules/earliest.ts';
import type { ContactSummary } from './rules/history.ts';

/** Purpose codes, index into REC_PURPOSES order: first, mid_term, final, collection. */
export const P_FIRST = 0;
export const P_MID = 1;
export const P_FINAL = 2;
export const P_COLLECTION = 3;
/** No follow-up: matured, or nothing due before maturity. */
export const P_SKIP = -1;

/** Facts about one loan, as day numbers. */
export interface IntervalIn {
  asOf: number;
  leadDays: number;
  overdueDays: number;
  disbursed: number;
  maturity: number;
  dpd: number;
  /** Completed follow-ups per purpose (first, mid_term, final, collection) and the last date of each (NaN if none). */
  done: Int32Array;
  lastOf: Float64Array;
  hazard: ArrayLike<number>;
  budget: number;
  /** Longest mid-term wait the loan's term allows (policy term_cadence), or Infinity. */
  termMaxDays: number;
  seg: SegmentPolicy;
  pack: RulePack;
  contacts: ContactSummary;
}

/** Result for one loan; reused between loans. */
export interface IntervalOut {
  purpose: number;
  cycle: number;
  lo: number;
  hi: number;
  hard: boolean;
  pref: number;
  earliest: number;
  latest: number;
  cadence: number;
  budgetDays: number;
  riskAtPref: number;
  /** Mid-term: the loan's forward monthly risk rate (−log survival per month) and the interval risk at pref. */
  rate: number;
  intervalRisk: number;
  ruleDay: number;
  lastDay: number;
  reasons: number;
}

/** A fresh output holder. */
export function newIntervalOut(): IntervalOut {
  return {
    purpose: P_SKIP,
    cycle: 0,
    lo: 0,
    hi: 0,
    hard: false,
    pref: 0,
    earliest: 0,
    latest: 0,
    cadence: 0,
    budgetDays: 0,
    riskAtPref: 0,
    rate: 0,
    intervalRisk: 0,
    ruleDay: Number.NaN,
    lastDay: Number.NaN,
    reasons: 0,
  };
}

const PURPOSE_BIT = [R.FIRST_DUE, R.MID_TERM_DUE, R.FINAL_DUE, R.COLLECTION_CADENCE];

/** Computes purpose, cycle and window of the next follow-up into `o`. */
export function planInterval(x: IntervalIn, o: IntervalOut): void {
  const start = x.asOf + x.leadDays;
  o.reasons = 0;
  o.ruleDay = Number.NaN;
  if (x.maturity <= start) {
    o.purpose = P_SKIP;
    return;
  }
  const s = x.seg;
  let lastFu = Number.NaN;
  for (let p = 0; p < 3; p++) {
    const v = x.lastOf[p]!;
    if (!Number.isNaN(v) && !(v <= lastFu)) lastFu = v;
  }
  const last = Number.isNaN(lastFu) ? x.disbursed : lastFu;
  o.lastDay = last;
  const finalLo = x.maturity - s.final.max_days_before;
  const finalHi = x.maturity - s.final.min_days_before;

  if (x.dpd > 0) {
    collection(x, o, start);
    return;
  }
  if (x.done[P_FIRST] === 0 && x.asOf - x.disbursed <= s.first.catch_up_days) {
    o.purpose = P_FIRST;
    o.lo = x.disbursed + s.first.min_days;
    o.hi = x.disbursed + s.first.max_days;
  } else if (x.done[P_FINAL] === 0 && (last + s.mid_term.max_days >= finalLo || start >= finalLo)) {
    // The next mid-term would reach the final window, or the final window is already open (an overdue mid-term
    // does not push it out): the final follow-up takes its place (the anchor wins), late if it must be.
    o.purpose = P_FINAL;
    o.lo = finalLo;
    o.hi = finalHi;
  } else {
    o.purpose = P_MID;
    o.lo = last + s.mid_term.min_days;
    o.hi = last + Math.max(s.mid_term.min_days, Math.min(s.mid_term.max_days, x.termMaxDays));
    // After the final follow-up, nothing more is due when the next window opens only at maturity.
    if (o.lo >= x.maturity) {
      o.purpose = P_SKIP;
      return;
    }
  }
  o.cycle = x.done[o.purpose]! + 1;
  o.reasons |= PURPOSE_BIT[o.purpose]!;
  o.hard = true;
  if (o.purpose === P_MID) {
    midTerm(x, o, start, last);
    return;
  }
  // Risk is predicted from the as-of date: the budget lasts budgetDays from today.
  o.budgetDays = daysWithinBudget(x.hazard, x.budget, 3650);
  // The cadence that follows: the mid-term interval the budget allows, within its bounds.
  o.cadence = Math.min(s.mid_term.max_days, Math.max(s.mid_term.min_days, o.budgetDays));
  const riskLatest = x.asOf + o.budgetDays;
  if (o.hi < start) {
    // The deadline has passed: due at once, within the overdue window.
    o.reasons |= R.OVERDUE;
    o.lo = start;
    o.pref = start;
    o.earliest = start;
    o.latest = start + x.overdueDays;
  } else {
    let pref = Math.min(o.hi, riskLatest);
    if (pref === o.hi && riskLatest >= o.hi)
      o.reasons |= o.purpose === P_MID ? R.RISK_WITHIN_BOUND : R.ANCHOR_WINS;
    else o.reasons |= R.RISK_BUDGET;
    const floor = Math.max(o.lo, start);
    if (pref < floor) {
      pref = floor;
      o.reasons = (o.reasons & ~R.RISK_BUDGET) | R.RISK_FORCED_MIN;
    }
    o.pref = pref;
    o.earliest = Math.max(floor, pref - s.flex_days);
    // A risk-driven date is not a lifecycle deadline, but the window never extends past it (the budget holds).
    // Forced to the window's start, the budget is spent already: allow the overdue window for working days.
    o.latest = o.reasons & R.RISK_FORCED_MIN ? Math.min(o.hi, pref + x.overdueDays) : pref;
    o.hard = o.latest === o.hi;
  }
  applyRules(x, o);
  beforeMaturity(x, o);
  o.riskAtPref = riskWithin(x.hazard, o.pref - x.asOf);
}

/**
 * Nothing is planned on or after maturity: the window, and the preferred day in it, end the day before (contact
 * rules that open the window only after that leave the follow-up out: nothing is due on a repaid loan).
 */
function beforeMaturity(x: IntervalIn, o: IntervalOut): void {
  const last = x.maturity - 1;
  if (o.earliest > last) {
    o.purpose = P_SKIP;
    return;
  }
  if (o.latest > last) o.latest = last;
  if (o.pref > last) o.pref = last;
  if (o.hi > last) o.hi = last;
}

/**
 * Mid-term date from the risk accrued since the previous follow-up: at the loan's forward rate r (per month, on
 * the log-survival scale), the budget b lasts −log(1 − b)/r months after the previous follow-up. That interval,
 * clamped into the segment's bounds, is the cadence; a date already past is due at once (the risk has grown).
 */
function midTerm(x: IntervalIn, o: IntervalOut, start: number, last: number): void {
  const s = x.seg;
  const r = forwardRate(x.hazard);
  o.rate = r;
  const allowed =
    r > 0 ? (-Math.log1p(-Math.min(x.budget, 0.999999)) / r) * DAYS_PER_MONTH : Number.POSITIVE_INFINITY;
  const maxGap = o.hi - last;
  const gap = Math.min(maxGap, Math.max(s.mid_term.min_days, Math.floor(allowed)));
  o.budgetDays = Math.min(3650, Math.floor(allowed));
  o.cadence = gap;
  if (allowed >= maxGap) o.reasons |= R.RISK_WITHIN_BOUND;
  else if (allowed < s.mid_term.min_days) o.reasons |= R.RISK_FORCED_MIN;
  else o.reasons |= R.RISK_BUDGET;
  let pref = last + gap;
  if (o.hi < start) o.reasons |= R.OVERDUE;
  if (pref < start) pref = start;
  o.pref = pref;
  o.intervalRisk = -Math.expm1((-r * (pref - last)) / DAYS_PER_MONTH);
  o.earliest = Math.max(start, o.lo, pref - s.flex_days);
  if (o.earliest > pref) o.earliest = pref;
  // The bound is a lifecycle deadline; a risk-driven date is not, but the window never runs past it.
  o.latest = o.hi < start ? start + x.overdueDays : o.reasons & R.RISK_WITHIN_BOUND ? o.hi : pref;
  if (o.latest < pref) o.latest = pref;
  o.hard = o.latest === o.hi;
  applyRules(x, o);
  beforeMaturity(x, o);
  o.intervalRisk = -Math.expm1((-r * (o.pref - last)) / DAYS_PER_MONTH);
  o.riskAtPref = riskWithin(x.hazard, o.pref - x.asOf);
}

function collection(x: IntervalIn, o: IntervalOut, start: number): void {
  o.purpose = P_COLLECTION;
  o.cycle = x.done[P_COLLECTION]! + 1;
  o.reasons = R.COLLECTION_CADENCE;
  const c = cadenceFor(x.seg, x.dpd);
  o.cadence = c;
  const lastColl = x.lastOf[P_COLLECTION]!;
  const lo = Number.isNaN(lastColl) ? start : Math.max(start, lastColl + c);
  o.lo = lo;
  o.hi = lo + Math.max(1, Math.floor(c / 2));
  o.hard = false;
  const live = x.pack.live_contact_by_dpd;
  const delinquentSince = x.asOf - x.dpd;
  if (live !== null && !(x.contacts.lastConversationDay >= delinquentSince)) {
    // No live contact yet in this delinquency: the regulatory day-N deadline caps the window.
    const deadline = delinquentSince + live;
    o.reasons |= R.LIVE_CONTACT_DEADLINE;
    if (deadline < start) {
      o.reasons |= R.OVERDUE;
      o.lo = start;
      o.hi = start + Math.min(x.overdueDays, o.hi - lo);
    } else if (deadline <= o.hi) {
      o.hi = deadline;
      o.lo = Math.min(o.lo, deadline);
      o.hard = true;
    }
  }
  o.budgetDays = daysWithinBudget(x.hazard, x.budget, 3650);
  o.pref = o.lo;
  o.earliest = o.lo;
  o.latest = o.hi;
  applyRules(x, o);
  o.riskAtPref = riskWithin(x.hazard, o.pref - x.asOf);
}

const RULE_BIT = {
  quiet_after_conversation: R.RULE_QUIET_AFTER_CONVERSATION,
  max_calls: R.RULE_CALL_CAP,
  max_unanswered_per_day: R.RULE_UNANSWERED_CAP,
} as const;

/** Contact rules open the window no earlier than they allow; rules win over deadlines (and say so). */
function applyRules(x: IntervalIn, o: IntervalOut): void {
  const r = earliestByRules(x.pack, x.contacts, o.earliest);
  if (r.rule === null) return;
  o.reasons |= RULE_BIT[r.rule];
  o.ruleDay = r.day;
  o.earliest = r.day;
  if (o.pref < r.day) o.pref = r.day;
  if (o.latest < r.day) {
    if (o.hard) o.reasons |= R.DEADLINE_UNREACHABLE;
    o.latest = r.day;
    o.hard = false;
  }
}
