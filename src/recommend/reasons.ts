/**
 * Reason codes: machine codes (bit flags while planning, so a million rows carry them in one Uint32Array) and the
 * same reasons in words. Every recommendation carries at least one: its purpose code is always set.
 */
export const R = {
  FIRST_DUE: 1 << 0,
  MID_TERM_DUE: 1 << 1,
  FINAL_DUE: 1 << 2,
  COLLECTION_CADENCE: 1 << 3,
  OVERDUE: 1 << 4,
  LIVE_CONTACT_DEADLINE: 1 << 5,
  ANCHOR_WINS: 1 << 6,
  RISK_BUDGET: 1 << 7,
  RISK_WITHIN_BOUND: 1 << 8,
  RISK_FORCED_MIN: 1 << 9,
  MARKET_DOWNTURN: 1 << 10,
  RULE_QUIET_AFTER_CONVERSATION: 1 << 11,
  RULE_CALL_CAP: 1 << 12,
  RULE_UNANSWERED_CAP: 1 << 13,
  DEADLINE_UNREACHABLE: 1 << 14,
  NO_WORKING_DAY_IN_WINDOW: 1 << 15,
  BEST_WEEKDAY: 1 << 16,
  HANGUP_WINDOW: 1 << 17,
  PRENOTIFY: 1 << 18,
  CAPACITY_MOVED: 1 << 19,
  CAPACITY_OVERFLOW: 1 << 20,
  CAPACITY_HOUR_MOVED: 1 << 21,
  HOURLY_OVERFLOW: 1 << 22,
  TERM_CADENCE: 1 << 23,
  PERSONAL_WINDOW: 1 << 24,
  AFTER_FAILED_CALL: 1 << 25,
  WRITTEN_FOLLOW_UP: 1 << 26,
  COORDINATED: 1 << 27,
} as const;

/** A reason code name, e.g. `RISK_BUDGET`. */
export type ReasonCode = keyof typeof R;
const NAMES = Object.keys(R) as ReasonCode[];

/** Codes set in a bit mask, in declaration order. */
export function codesOf(mask: number): ReasonCode[] {
  const out: ReasonCode[] = [];
  for (const n of NAMES) if (mask & R[n]) out.push(n);
  return out;
}

/** Facts the words need; filled by the planner per recommendation. */
export interface ReasonFacts {
  purpose: string;
  asOf: string;
  dueOn: string;
  /** Lifecycle window of the purpose, YYYY-MM-DD, and its bounds in days. */
  lo: string;
  hi: string;
  /** Earliest allowed date: the window's start or the lead time after the as-of date, whichever is later. */
  floorOn: string;
  boundMin: number;
  boundMax: number;
  /** Previous follow-up (or disbursement) and maturity dates. */
  lastOn: string;
  maturityOn: string;
  dpd: number;
  cadence: number;
  budget: number;
  budgetDays: number;
  riskAtDue: number;
  marketChange: number;
  marketMultiplier: number;
  liveContactDpd: number;
  ruleDay: string;
  quietDays: number;
  callCap: string;
  calendar: string;
  weekdayName: string;
  weekdayScore: number;
  preferredWeekdayScore: number;
  hourStart: number;
  hourEnd: number;
  hang: number;
  hangWorst: number;
  worstHour: number;
  prenotifyChannel: string;
  hangNotified: number;
  movedFrom: string;
  /** Best start hour by hang-up risk when hourly capacity moved the call. */
  bestHour: number;
  /** Mid-term: forward risk per month, the risk accrued since the previous follow-up at the due date. */
  rate: number;
  intervalRisk: number;
  /** Longest wait the loan's term allows (days) and the term (months). */
  termMaxDays: number;
  termMonths: number;
  /** The borrower's own calls in the chosen band ("answered 4 of 5 calls 18:00–21:00"), empty without history. */
  personal: string;
  /** Chance the call is answered at the chosen window, and at the best window of the weakest weekday. */
  answer: number;
  answerWorst: number;
  /** Band avoided after a failed call, hang-ups in the lookback, the written channel, the joined loan. */
  failedBand: string;
  recentHangups: number;
  lookbackDays: number;
  writtenChannel: string;
  joinsLoan: string;
}

/**
 * A share as a percentage with up to two decimals, trailing zeros dropped, as `${(Math.round(x * 10_000) / 100).toString()} %` spells it
 * (1.18 %, 0.3 %, 2 %), without its division and double-to-text conversion: the number is a whole count of
 * hundredths, written out digit by digit. That conversion was 3.6 s of the emission at a million loans (several
 * percentages in every follow-up's reasons). Counts past 10¹² (and NaN, ±∞) take the original spelling.
 */
export function pct(x: number): string {
  const c = Math.round(x * 10_000);
  if (!(Math.abs(c) < 1e12)) return `${(c / 100).toString()} %`;
  const a = Math.abs(c);
  const frac = a % 100;
  const digits = frac === 0 ? '' : frac % 10 === 0 ? `.${frac / 10}` : frac < 10 ? `.0${frac}` : `.${frac}`;
  return `${c < 0 ? '-' : ''}${(a - frac) / 100}${digits} %`;
}
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;
const times = (n: number) => (n === 1 ? 'once' : `${n} times`);
const mid = (f: ReasonFacts) => f.purpose === 'mid-term';

const WORDS: Record<ReasonCode, (f: ReasonFacts) => string> = {
  FIRST_DUE: (f) => `first follow-up due within ${f.boundMax} days of disbursement (by ${f.hi})`,
  MID_TERM_DUE: (f) =>
    `mid-term follow-up ${f.boundMin}–${f.boundMax} days after the previous one (${f.lastOn})`,
  FINAL_DUE: (f) => `final follow-up ${f.boundMin}–${f.boundMax} days before maturity (${f.maturityOn})`,
  COLLECTION_CADENCE: (f) => `${f.dpd} days past due: collection contact every ${f.cadence} days`,
  OVERDUE: (f) => `the ${f.purpose} follow-up was due by ${f.hi} and is overdue: planned at once`,
  RISK_BUDGET: (f) =>
    mid(f)
      ? `predicted 30+ DPD risk ${pct(f.rate)} a month reaches the ${pct(f.budget)} budget ${days(f.budgetDays)} after the previous follow-up (${f.lastOn}), inside the ${f.boundMin}–${f.boundMax}-day bounds: due ${f.dueOn}`
      : `predicted 30+ DPD risk reaches the ${pct(f.budget)} budget after ${days(f.budgetDays)}`,
  RISK_WITHIN_BOUND: (f) =>
    mid(f)
      ? `predicted 30+ DPD risk ${pct(f.rate)} a month stays within the ${pct(f.budget)} budget up to the ${f.boundMax}-day bound (${pct(f.intervalRisk)} since ${f.lastOn})`
      : `predicted 30+ DPD risk stays within the ${pct(f.budget)} budget up to the ${f.boundMax}-day bound (${pct(f.riskAtDue)} at ${f.dueOn})`,
  RISK_FORCED_MIN: (f) =>
    mid(f)
      ? `predicted 30+ DPD risk ${pct(f.rate)} a month spends the ${pct(f.budget)} budget in ${days(f.budgetDays)}, sooner than the ${f.boundMin}-day minimum: due ${f.dueOn}`
      : `predicted 30+ DPD risk reaches the ${pct(f.budget)} budget after ${days(f.budgetDays)}, before the earliest allowed date ${f.floorOn}: due then (${pct(f.riskAtDue)} at due)`,
  TERM_CADENCE: (f) => `a ${f.termMonths}-month loan waits at most ${days(f.termMaxDays)} between follow-ups`,
  PERSONAL_WINDOW: (f) =>
    `${f.personal}: answer chance ${pct(f.answer)} at ${hh(f.hourStart)}–${hh(f.hourEnd)}${f.answerWorst < f.answer - 0.005 ? ` vs ${pct(f.answerWorst)} on the weakest weekday` : ''}`,
  AFTER_FAILED_CALL: (f) =>
    `the last call ${f.failedBand === 'weekends' ? 'at a weekend' : `at ${f.failedBand}`} failed: another time, and a written notice first`,
  WRITTEN_FOLLOW_UP: (f) =>
    `hung up ${times(f.recentHangups)} in ${days(f.lookbackDays)}: a written follow-up by ${f.writtenChannel} instead of a call`,
  COORDINATED: (f) => `one contact with the borrower's loan ${f.joinsLoan} on ${f.dueOn}, not a second call`,
  MARKET_DOWNTURN: (f) =>
    `regional house prices changed ${pct(f.marketChange)}: risk budget × ${f.marketMultiplier}`,
  LIVE_CONTACT_DEADLINE: (f) => `live contact required by day ${f.liveContactDpd} of delinquency (${f.hi})`,
  RULE_QUIET_AFTER_CONVERSATION: (f) =>
    `no call within ${f.quietDays} days after the last conversation: earliest ${f.ruleDay}`,
  RULE_CALL_CAP: (f) => `call cap of ${f.callCap} reached: earliest ${f.ruleDay}`,
  RULE_UNANSWERED_CAP: (f) => `daily cap of unanswered attempts reached: earliest ${f.ruleDay}`,
  DEADLINE_UNREACHABLE: (f) =>
    `contact rules allow no call before ${f.ruleDay}, after the ${f.purpose} deadline ${f.hi}: rules win, deadline missed`,
  NO_WORKING_DAY_IN_WINDOW: (f) =>
    `no working day of calendar ${f.calendar} in the window: first working day ${f.dueOn}`,
  BEST_WEEKDAY: (f) =>
    `${f.weekdayName} has a better chance of an answer (${pct(1 - f.weekdayScore)} vs ${pct(1 - f.preferredWeekdayScore)} on the latest allowed day)`,
  HANGUP_WINDOW: (f) => {
    const call = `call ${hh(f.hourStart)}–${hh(f.hourEnd)}${f.prenotifyChannel ? ` after an ${f.prenotifyChannel.toUpperCase()}` : ''}`;
    return f.hangWorst - f.hang < 0.005
      ? `hang-up risk ${pct(f.hang)} at every allowed hour: ${call}`
      : `hang-up risk ${pct(f.hangWorst)} at ${hh(f.worstHour)}, ${pct(f.hang)} at ${hh(f.hourStart)}: ${call}`;
  },
  PRENOTIFY: (f) => prenotifyWords(f),
  CAPACITY_MOVED: (f) => `call center full on ${f.movedFrom}: moved to ${f.dueOn}`,
  CAPACITY_OVERFLOW: (f) => `call center over capacity on ${f.dueOn} with no free day in the allowed window`,
  CAPACITY_HOUR_MOVED: (f) =>
    `call center full at ${hh(f.bestHour)} on ${f.dueOn}: call ${hh(f.hourStart)}–${hh(f.hourEnd)} instead (hang-up risk ${pct(f.hang)})`,
  HOURLY_OVERFLOW: (f) => `call center over its hourly capacity at every allowed hour on ${f.dueOn}`,
  ANCHOR_WINS: (f) =>
    `the ${f.purpose} follow-up window (${f.lo} to ${f.hi}) takes precedence over the risk-based date`,
};

/** Words for the pre-notification (also the Recommendation's prenotify_reason). */
export function prenotifyWords(f: ReasonFacts): string {
  return `hang-up risk ${pct(f.hang)} without notice, ${pct(f.hangNotified)} with it: ${f.prenotifyChannel.toUpperCase()} 24 h before`;
}

/** Reasons in words for a mask, same order as `codesOf`. */
export function wordsOf(mask: number, facts: ReasonFacts): string[] {
  return codesOf(mask).map((c) => WORDS[c](facts));
}
