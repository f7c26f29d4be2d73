/**
 * planFollowUps: the next follow-up of every loan, as Recommendation records.
 *
 *   prepare ─► intervals ─► score slots ─► dates ─► priority ─► capacity ─► borrowers ─► hours ─► notice ─► emit
 *   (input     (purpose,     (hang-up      (best     (risk,      (daily:     (one contact (hourly  (SMS/     (records,
 *    columns,   window)       model ×       weekday)  dpd, dl.)   moves,      per borrower cap,     app/      reasons)
 *    profiles)                own history)                        overflow)   and day)     rescore) email)
 *
 * Pure: inputs are plain data plus a batch hang-up scorer; no I/O, no clock. Each stage reads and writes the
 * typed-array columns of PlanState, so a million loans allocate a handful of arrays, not a million objects, until
 * the records are emitted (streamed when `onRecommendation` is given).
 */

import { dayOf, isoWeekday } from '../core/days.ts';
import { BadInputError } from '../core/errors.ts';
import { riskWithin } from '../models/risk.ts';
import { autoDailyCapacity, catchUpLatest, placeWithCapacity } from './capacity.ts';
import { emit } from './emit.ts';
import { assignHours, windowEnd } from './hours.ts';
import type { PlanInput, PlanResult } from './input.ts';
import { type IntervalIn, newIntervalOut, P_COLLECTION, P_MID, P_SKIP, planInterval } from './interval.ts';
import { noticeInstant, worthNotice } from './prenotify.ts';
import { type PlanState, prepare } from './prepare.ts';
import { priorityOf } from './priority.ts';
import { R } from './reasons.ts';
import { summarizeContacts } from './rules/history.ts';
import { type ScoreStats, scoreSlots, scoreWindows } from './score.ts';
import { chooseDate, type DateChoice } from './window.ts';

const PURPOSE_KEYS = ['first', 'mid_term', 'final', 'collection'] as const;

/** Plans the next follow-up of every loan. See the module comment for the stages. */
export async function planFollowUps(input: PlanInput): Promise<PlanResult> {
  const s = prepare(input);
  intervals(s, input);
  const st: ScoreStats = { slots: 0, calls: 0 };
  const batch = Math.max(168, input.batchSlots ?? 32_768);
  await scoreSlots(s, input.hangup, batch, st);
  dates(s, input);
  capacity(s);
  coordinate(s, input);
  const zoneOf = (i: number) => input.loans[i]!.time_zone;
  const slotOf = (i: number): [number, number, number] => {
    const hs = s.hourStart[i]!;
    return [isoWeekday(s.due[i]!), hs, windowEnd(s, i, hs)];
  };
  // Follow-ups moved to another hour are scored again there: the weekday table only knows the best window.
  await scoreWindows(s, assignHours(s, zoneOf), slotOf, 0, s.hang, input.hangup, batch, st);
  await notice(s, input, slotOf, batch, st);
  await input.beforeEmit?.();
  return emit(s, input, st);
}

function intervals(s: PlanState, input: PlanInput): void {
  const o = newIntervalOut();
  const done = new Int32Array(4);
  const lastOf = new Float64Array(4);
  const x: IntervalIn = {
    asOf: s.asOf,
    leadDays: s.policy.planning.min_lead_days,
    overdueDays: s.policy.planning.overdue_window_days,
    disbursed: 0,
    maturity: 0,
    dpd: 0,
    done,
    lastOf,
    hazard: [],
    budget: 0,
    termMaxDays: Number.POSITIVE_INFINITY,
    seg: s.segments[0]!,
    pack: s.policy.rule_packs[s.policy.default_pack]!,
    contacts: summarizeContacts([], 'UTC'),
  };
  for (let i = 0; i < s.n; i++) {
    const l = input.loans[i]!;
    for (let p = 0; p < 4; p++) {
      const ds = l.history[PURPOSE_KEYS[p]!] ?? [];
      done[p] = ds.length;
      let last = Number.NaN;
      for (const d of ds) {
        const v = dayOf(d);
        if (Number.isNaN(v)) {
          throw new BadInputError(
            `loan ${l.loan_id}: expected history.${PURPOSE_KEYS[p]} dates as YYYY-MM-DD, found ${JSON.stringify(d)}`,
            {
              place: { file: 'planner input', line: i + 1, column: `history.${PURPOSE_KEYS[p]}`, value: d },
            },
          );
        }
        // Follow-ups dated after the as-of date are not known at planning time.
        if (v <= s.asOf && !(v <= last)) last = v;
      }
      lastOf[p] = last;
    }
    x.disbursed = s.disbursed[i]!;
    x.maturity = s.maturity[i]!;
    x.dpd = l.current_dpd;
    x.hazard = l.hazard;
    x.budget = s.budget[i]!;
    x.termMaxDays = s.termMaxDays[i]!;
    x.seg = s.segments[s.seg[i]!]!;
    x.pack = s.packs[s.pack[i]!]!.rules;
    x.contacts = summarizeContacts(l.recent_contacts, l.time_zone);
    planInterval(x, o);
    s.purpose[i] = o.purpose;
    if (o.purpose === P_SKIP) continue;
    s.cycle[i] = o.cycle;
    s.lo[i] = o.lo;
    s.hi[i] = o.hi;
    s.hard[i] = o.hard ? 1 : 0;
    s.pref[i] = o.pref;
    s.earliest[i] = o.earliest;
    s.latest[i] = o.latest;
    s.cadence[i] = o.cadence;
    s.budgetDays[i] = o.budgetDays;
    s.ruleDay[i] = o.ruleDay;
    s.lastDay[i] = o.lastDay;
    s.rate[i] = o.rate;
    s.intervalRisk[i] = o.intervalRisk;
    let r = o.reasons;
    if (s.marketMult[i]! < 1 && o.purpose !== P_COLLECTION) r |= R.MARKET_DOWNTURN;
    if (o.purpose === P_MID && o.hi - o.lastDay === x.termMaxDays && x.termMaxDays < x.seg.mid_term.max_days)
      r |= R.TERM_CADENCE;
    const wa = s.policy.contact.written_after_hangups;
    if (wa !== null && o.purpose !== P_COLLECTION && (l.contact?.recent_hangups ?? 0) >= wa) {
      s.written[i] = 1;
      r |= R.WRITTEN_FOLLOW_UP;
    }
    if (s.avoidBand[i]! >= 0) r |= R.AFTER_FAILED_CALL;
    if (s.profiles[i] && (l.contact?.counts.attempts.some((a) => a > 0) ?? false)) r |= R.PERSONAL_WINDOW;
    s.reasons[i] = r;
  }
}

function dates(s: PlanState, input: PlanInput): void {
  const c: DateChoice = { day: 0, reasons: 0, outside: false };
  const search = s.policy.planning.weekday_search_days;
  for (let i = 0; i < s.n; i++) {
    if (s.purpose[i]! < 0) continue;
    const pk = s.packs[s.pack[i]!]!;
    chooseDate(
      s.earliest[i]!,
      s.pref[i]!,
      s.latest[i]!,
      search,
      pk.cal,
      pk.rules.working_days_only,
      s.weekdays,
      i,
      c,
    );
    if (c.day >= s.maturity[i]! && s.purpose[i] !== P_COLLECTION) {
      // No working day left before maturity (a holiday run-up): nothing is due on a repaid loan.
      s.purpose[i] = P_SKIP;
      continue;
    }
    s.chosen[i] = c.day;
    s.due[i] = c.day;
    s.reasons[i]! |= c.reasons;
    if (c.outside) {
      // Rules (working days) win; the window now ends on the chosen day and is no longer a hard deadline.
      s.latest[i] = c.day;
      s.hard[i] = 0;
    }
    let pd = s.pref[i]!;
    while (pk.rules.working_days_only && !pk.cal.isWorkingDay(pd) && pd > s.earliest[i]!) pd--;
    s.prefScore[i] = s.weekdays.bestFail[i * 7 + isoWeekday(pd) - 1]!;
    // Expected value of the call: the risk it can still catch, times the chance it is answered at all.
    const answer = 1 - Math.min(1, s.weekdays.bestFail[i * 7 + isoWeekday(c.day) - 1]!);
    const risk = riskWithin(input.loans[i]!.hazard, c.day - s.asOf) * (0.5 + 0.5 * answer);
    s.priority[i] = priorityOf(
      s.policy.priority,
      risk,
      s.budget[i]!,
      input.loans[i]!.current_dpd,
      s.hard[i] === 1,
      s.latest[i]! - s.asOf,
    );
  }
}

/**
 * One contact per borrower: follow-ups of the same borrower's loans due within `coordinate_days` of the earliest
 * one (and allowed on its day) join it — same day, same window (hours.ts copies the window) — instead of a second
 * call. The joined follow-up keeps its own record and purpose; its reason names the loan it joins. Runs after
 * capacity: joining only ever removes a call from a day (the joined one's own place is freed).
 */
function coordinate(s: PlanState, input: PlanInput): void {
  const span = s.policy.contact.coordinate_days;
  const byBorrower = new Map<string, number[]>();
  let multi = false;
  for (let i = 0; i < s.n; i++) {
    if (s.purpose[i]! < 0) continue;
    const b = input.loans[i]!.borrower_id;
    const list = byBorrower.get(b);
    if (list) {
      list.push(i);
      multi = true;
    } else byBorrower.set(b, [i]);
  }
  if (!multi) return;
  for (const list of byBorrower.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => s.due[a]! - s.due[b]! || a - b);
    let lead = list[0]!;
    for (let j = 1; j < list.length; j++) {
      const i = list[j]!;
      const d = s.due[lead]!;
      const sameDay = s.due[i] === d;
      // A written follow-up and a call are different contacts; a call joins only a call.
      if (s.written[i] !== s.written[lead]) {
        if (!sameDay) lead = i;
        continue;
      }
      if (sameDay || (s.due[i]! - d <= span && s.earliest[i]! <= d && s.pack[i] === s.pack[lead])) {
        s.due[i] = d;
        s.joins[i] = lead;
        s.reasons[i]! |= R.COORDINATED;
      } else lead = i;
    }
  }
}

function capacity(s: PlanState): void {
  const active = new Uint8Array(s.n);
  for (let i = 0; i < s.n; i++) active[i] = s.purpose[i]! >= 0 ? 1 : 0;
  const setting = s.policy.capacity.daily;
  const cap = setting === 'auto' ? autoDailyCapacity(s.chosen, active, s.asOf) : setting;
  s.dailyCap = cap;
  if (cap === null) return;
  // Follow-ups due now (overdue catch-ups, risk already over budget) may spread over as many working days as the
  // capacity needs, instead of all overflowing the first days of a short window.
  const start = s.asOf + s.policy.planning.min_lead_days;
  // A regulatory deadline (live contact by day N of delinquency) is never widened: rules win over capacity.
  const keep = new Uint8Array(s.n);
  for (let i = 0; i < s.n; i++) keep[i] = s.reasons[i]! & R.LIVE_CONTACT_DEADLINE ? 1 : 0;
  const spread = catchUpLatest(
    s.latest,
    active,
    start,
    s.policy.planning.overdue_window_days,
    cap,
    s.maturity,
    keep,
  );
  // The widened window is the follow-up's allowed window from now on (emitted as latest_on).
  if (spread) s.latest.set(spread);
  const out = placeWithCapacity({
    n: s.n,
    pref: s.chosen,
    earliest: s.earliest,
    latest: s.latest,
    priority: s.priority,
    active,
    capacity: cap,
    group: s.pack,
    allowed: (i, d) => {
      const pk = s.packs[s.pack[i]!]!;
      return !pk.rules.working_days_only || pk.cal.isWorkingDay(d);
    },
  });
  s.due.set(out.day);
  s.moved.set(out.moved);
  s.overflow.set(out.overflow);
  for (let i = 0; i < s.n; i++) {
    if (out.moved[i]) s.reasons[i]! |= R.CAPACITY_MOVED;
    if (out.overflow[i]) s.reasons[i]! |= R.CAPACITY_OVERFLOW;
  }
}

async function notice(
  s: PlanState,
  input: PlanInput,
  slotOf: (i: number) => [number, number, number],
  batch: number,
  st: ScoreStats,
): Promise<void> {
  const { threshold, min_gain } = s.policy.prenotify;
  const ask: number[] = [];
  for (let i = 0; i < s.n; i++) {
    if (s.purpose[i]! < 0) continue;
    const l = input.loans[i]!;
    if (s.written[i] === 1) continue;
    if (l.sms_ok === false && l.email_ok !== true && !l.contact?.app_user) continue;
    if (s.hang[i]! > threshold || s.reasons[i]! & R.AFTER_FAILED_CALL) ask.push(i);
  }
  await scoreWindows(s, ask, slotOf, 1, s.hangNotified, input.hangup, batch, st);
  for (const i of ask) {
    // After a failed call a written contact comes first, whatever the model says (SMS/app first, then call).
    const forced = (s.reasons[i]! & R.AFTER_FAILED_CALL) !== 0;
    if (!forced && !worthNotice(s.hang[i]!, s.hangNotified[i]!, threshold, min_gain)) continue;
    const [, hs] = slotOf(i);
    const { start, end } = s.packs[s.pack[i]!]!.rules.call_hours;
    const t = noticeInstant(input.loans[i]!.time_zone, s.due[i]!, hs, start, end, s.asOf);
    if (Number.isNaN(t)) continue;
    s.prenotify[i] = 1;
    s.noticeMs[i] = t;
    s.reasons[i]! |= R.PRENOTIFY;
  }
}
