/**
 * Stage 1 of the planner: validate the input and lay it out as typed-array columns (one slot per loan), with the
 * policy resolved once per segment and rule pack. Bad input fails fast with the loan, the field and the value.
 */

import { dayOf } from '../core/days.ts';
import { BadInputError } from '../core/errors.ts';
import { DAYS_PER_MONTH } from '../core/months.ts';
import { calendarForZone, calendarSpecFor, type WorkCalendar } from './calendar.ts';
import { mixtureRates } from './classes.ts';
import type { PlanInput, PlannerLoan } from './input.ts';
import type { Policy, RulePack, SegmentPolicy } from './policy/schema.ts';
import { marketMultiplier, packFor, segmentIndex, segmentTable } from './policy/segment.ts';
import { type ContactProfile, contactProfile, profileOfRates } from './profile.ts';
import { newWeekdayTable, type WeekdayTable } from './window.ts';
import { isValidZone } from './zone.ts';

/** A rule pack with its calendar, as the planner uses it. */
/** A rule pack with the calendar of one borrower country (a `holidays:country` pack has one per country). */
export interface PackRt {
  name: string;
  rules: RulePack;
  cal: WorkCalendar;
}

/** Column-oriented planner state, one slot per loan. Days are day numbers. */
export interface PlanState {
  n: number;
  asOf: number;
  policy: Policy;
  segments: SegmentPolicy[];
  packs: PackRt[];
  seg: Uint8Array;
  /** Index into `packs` (a pack × calendar pair; a book may span many countries). */
  pack: Uint16Array;
  disbursed: Int32Array;
  maturity: Int32Array;
  budget: Float64Array;
  marketMult: Float64Array;
  /** Purpose code (-1 = none), see interval.ts. */
  purpose: Int8Array;
  cycle: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  hard: Uint8Array;
  /** Preferred date from the interval, then the chosen date before capacity, then the final date. */
  pref: Int32Array;
  chosen: Int32Array;
  due: Int32Array;
  earliest: Int32Array;
  latest: Int32Array;
  cadence: Int32Array;
  budgetDays: Int32Array;
  ruleDay: Float64Array;
  lastDay: Int32Array;
  reasons: Uint32Array;
  /** Best-window risk of the weekday of the first allowed day at the preferred date (for BEST_WEEKDAY words). */
  prefScore: Float32Array;
  priority: Float32Array;
  moved: Uint8Array;
  /** Daily capacity in force (the policy's number, or what `auto` derived from this plan); null = unlimited. */
  dailyCap: number | null;
  overflow: Uint8Array;
  prenotify: Uint8Array;
  noticeMs: Float64Array;
  hangNotified: Float32Array;
  /** Chosen local start hour of the call window on the due date, and the mean hang-up risk over the window. */
  hourStart: Uint8Array;
  hang: Float32Array;
  /** Hourly capacity moved the window off its best hour / found no hour with room. */
  hourMoved: Uint8Array;
  hourOverflow: Uint8Array;
  weekdays: WeekdayTable;
  /** Personal contact profile per loan (null without contact priors). */
  profiles: (ContactProfile | null)[];
  /** Band (profile.ts) the next call avoids after a failed attempt there, −1 none. */
  avoidBand: Int8Array;
  /** 1 when the follow-up is written (app message or SMS) instead of a call, after repeated hang-ups. */
  written: Uint8Array;
  /** Longest mid-term wait allowed by the loan's term (policy term_cadence), Infinity when none applies. */
  termMaxDays: Float64Array;
  /** Mid-term: forward risk rate per month and the risk accrued since the previous follow-up at the due date. */
  rate: Float64Array;
  intervalRisk: Float64Array;
  /** Loan whose call this follow-up joins (same borrower, one contact), −1 none. */
  joins: Int32Array;
  /** Per local hour 0–23, 1 when the book has calls at that hour (contact priors); null = every hour. */
  hoursSeen: Uint8Array | null;
}

const EMPTY_COUNTS = { attempts: [0, 0, 0, 0, 0], hangups: [0, 0, 0, 0, 0], pickups: [0, 0, 0, 0, 0] };

function bad(i: number, loan: PlannerLoan, column: string, expected: string, value: unknown): never {
  throw new BadInputError(
    `loan ${loan.loan_id}: expected ${column} ${expected}, found ${JSON.stringify(value)}`,
    {
      place: { file: 'planner input', line: i + 1, column, value },
    },
  );
}

/** Resolves the policy and lays out every loan; throws BadInputError on the first bad field. */
export function prepare(input: PlanInput): PlanState {
  const { policy, loans } = input;
  const asOf = dayOf(input.asOf);
  if (Number.isNaN(asOf))
    throw new BadInputError(`asOf: expected YYYY-MM-DD, found ${JSON.stringify(input.asOf)}`);
  const n = loans.length;
  const packNames = Object.keys(policy.rule_packs);
  // Filled as borrowers need them: one entry per (pack, resolved calendar) pair.
  const packs: PackRt[] = [];
  const s: PlanState = {
    n,
    asOf,
    policy,
    segments: segmentTable(policy),
    packs,
    seg: new Uint8Array(n),
    pack: new Uint16Array(n),
    disbursed: new Int32Array(n),
    maturity: new Int32Array(n),
    budget: new Float64Array(n),
    marketMult: new Float64Array(n),
    purpose: new Int8Array(n),
    cycle: new Int32Array(n),
    lo: new Int32Array(n),
    hi: new Int32Array(n),
    hard: new Uint8Array(n),
    pref: new Int32Array(n),
    chosen: new Int32Array(n),
    due: new Int32Array(n),
    earliest: new Int32Array(n),
    latest: new Int32Array(n),
    cadence: new Int32Array(n),
    budgetDays: new Int32Array(n),
    ruleDay: new Float64Array(n),
    lastDay: new Int32Array(n),
    reasons: new Uint32Array(n),
    prefScore: new Float32Array(n),
    priority: new Float32Array(n),
    moved: new Uint8Array(n),
    dailyCap: null,
    overflow: new Uint8Array(n),
    prenotify: new Uint8Array(n),
    noticeMs: new Float64Array(n).fill(Number.NaN),
    hangNotified: new Float32Array(n),
    hourStart: new Uint8Array(n),
    hang: new Float32Array(n),
    hourMoved: new Uint8Array(n),
    hourOverflow: new Uint8Array(n),
    weekdays: newWeekdayTable(n),
    profiles: new Array(n).fill(null),
    avoidBand: new Int8Array(n).fill(-1),
    written: new Uint8Array(n),
    termMaxDays: new Float64Array(n).fill(Number.POSITIVE_INFINITY),
    rate: new Float64Array(n),
    intervalRisk: new Float64Array(n),
    joins: new Int32Array(n).fill(-1),
    hoursSeen: null,
  };
  const hs = input.contactPriors?.hours_seen;
  if (hs && hs.length > 0) {
    s.hoursSeen = new Uint8Array(24);
    for (const h of hs) if (h >= 0 && h < 24) s.hoursSeen[h] = 1;
  }
  const priors = input.contactPriors;
  const k = policy.contact.prior_attempts;
  const zoneOk = new Map<string, boolean>();
  const packIx = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const l = loans[i]!;
    const sg = segmentIndex(l.loan_type, l.credit_grade);
    if (sg < 0) {
      const typeOk = l.loan_type === 'personal' || l.loan_type === 'corporate';
      if (!typeOk) bad(i, l, 'loan_type', 'personal or corporate', l.loan_type);
      bad(i, l, 'credit_grade', 'one of AAA, AA, A, BBB, BB, B, CCC', l.credit_grade);
    }
    s.seg[i] = sg;
    const disb = dayOf(l.disbursed_on);
    if (Number.isNaN(disb)) bad(i, l, 'disbursed_on', 'as YYYY-MM-DD', l.disbursed_on);
    const mat = dayOf(l.maturity_on);
    if (Number.isNaN(mat) || mat <= disb)
      bad(i, l, 'maturity_on', `as YYYY-MM-DD after ${l.disbursed_on}`, l.maturity_on);
    s.disbursed[i] = disb;
    s.maturity[i] = mat;
    let zok = zoneOk.get(l.time_zone);
    if (zok === undefined) {
      zok = isValidZone(l.time_zone);
      zoneOk.set(l.time_zone, zok);
    }
    if (!zok) bad(i, l, 'time_zone', 'an IANA time zone such as Asia/Shanghai', l.time_zone);
    const pname = packFor(policy, l.time_zone, l.rule_pack);
    // Own keys only: a loan's rule_pack text such as "toString" must not find an Object.prototype member.
    const rules = Object.hasOwn(policy.rule_packs, pname) ? policy.rule_packs[pname] : undefined;
    if (!rules) bad(i, l, 'rule_pack', `one of ${packNames.join(', ')}`, pname);
    const cspec = calendarSpecFor(rules.calendar, l.time_zone);
    const key = `${pname}\u0000${cspec}`;
    let pk = packIx.get(key);
    if (pk === undefined) {
      pk = packs.length;
      packs.push({ name: pname, rules, cal: calendarForZone(rules.calendar, l.time_zone) });
      packIx.set(key, pk);
    }
    s.pack[i] = pk;
    if (!(l.current_dpd >= 0)) bad(i, l, 'current_dpd', 'a number ≥ 0', l.current_dpd);
    const h = l.hazard;
    if (!h || h.length < 1) bad(i, l, 'hazard', 'monthly hazards h_1…h_H (H ≥ 1)', h);
    for (let k = 0; k < h.length; k++) {
      const v = h[k]!;
      if (!(v >= 0 && v <= 1)) bad(i, l, `hazard[${k}]`, 'a probability in [0, 1]', v);
    }
    const term = l.term_months ?? Math.round((mat - disb) / DAYS_PER_MONTH);
    for (const t of policy.term_cadence) {
      if (term <= t.max_term_months) {
        s.termMaxDays[i] = t.max_days;
        break;
      }
    }
    if (input.profiles) s.profiles[i] = input.profiles[i] ?? null;
    else if (priors) {
      const c = l.contact?.counts ?? EMPTY_COUNTS;
      if (priors.classes) {
        // The borrower's posterior over the book's contact classes: rates for every band, own calls included.
        s.profiles[i] = profileOfRates(mixtureRates(priors.classes, c, l.loan_type), priors.book);
      } else {
        const seg = priors.by_type[l.loan_type] ?? priors.book;
        s.profiles[i] = contactProfile(c, seg, priors.book, k);
      }
    }
    const fb = l.contact?.last_failed_band;
    if (s.profiles[i] && policy.contact.avoid_failed_band && fb !== null && fb !== undefined)
      s.avoidBand[i] = fb;
    const mult = marketMultiplier(policy, l.market_change ?? Number.NaN);
    s.marketMult[i] = mult;
    s.budget[i] = s.segments[sg]!.risk_budget * mult;
  }
  return s;
}
