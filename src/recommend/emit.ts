/**
 * Last stage: PlanState columns → Recommendation records with reason codes and words, plus the overflow report
 * and run statistics. Records are streamed to `onRecommendation` when given, else collected.
 */

import { REC_PURPOSES, type Recommendation } from '../contract/recommendation.ts';
import { dayOf, isoWeekday, ymdOf } from '../core/days.ts';
import { DAYS_PER_MONTH } from '../core/months.ts';
import { riskWithin } from '../models/risk.ts';
import { BAND_LABELS, bandOf } from './bands.ts';
import { utcHourOf, windowEnd } from './hours.ts';
import type { CapacityOverflow, PlanInput, PlanResult, PlanStats } from './input.ts';
import type { PlanState } from './prepare.ts';
import { codesOf, prenotifyWords, R, type ReasonFacts, wordsOf } from './reasons.ts';
import type { ScoreStats } from './score.ts';
import { isoUtc, utcIsoOfLocal, utcMsOfLocal } from './zone.ts';

const WEEKDAY = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Records between two turns of the event loop while emitting (a fraction of a second at a million loans). */
export const EMIT_YIELD_EVERY = 8192;

/**
 * Builds the records, the overflow list and the stats. Every EMIT_YIELD_EVERY loans it lets the event loop turn,
 * so a caller's SIGINT/SIGTERM handler runs during a long emission and the caller's `onRecommendation` can stop
 * the run by throwing (the planner itself stays free of signals and I/O).
 */
export async function emit(s: PlanState, input: PlanInput, st: ScoreStats): Promise<PlanResult> {
  const { policy } = s;
  const runId = input.runId ?? `plan-${input.asOf}`;
  const recs: Recommendation[] = [];
  const stats: PlanStats = {
    loans: s.n,
    recommendations: 0,
    skipped: 0,
    by_purpose: {},
    moved: 0,
    overflow: 0,
    capacity_daily: s.dailyCap,
    hour_moved: 0,
    hourly_overflow: 0,
    conflicts: 0,
    prenotified: 0,
    scored_slots: st.slots,
    scorer_calls: st.calls,
  };
  const overflowByDay = new Map<number, number[]>();
  const plannedByDay = new Map<number, number>();
  const overflowByHour = new Map<number, number[]>();
  const plannedByHour = new Map<number, number>();
  /** The record of loan `i` (planned, purpose ≥ 0); counts it in the stats and the overflow lists. */
  const build = (i: number, purpose: number): Recommendation => {
    const l = input.loans[i]!;
    const pk = s.packs[s.pack[i]!]!;
    const seg = s.segments[s.seg[i]!]!;
    const due = s.due[i]!;
    const wd = isoWeekday(due);
    const ix = i * 7 + wd - 1;
    const hs = s.hourStart[i]!;
    const he = windowEnd(s, i, hs);
    const risk = riskWithin(l.hazard, due - s.asOf);
    const notice = s.prenotify[i] === 1;
    const written = s.written[i] === 1;
    const app = l.contact?.app_user === true;
    const noticeChannel = notice ? (app ? 'app' : l.sms_ok === false ? 'email' : 'sms') : null;
    const band = bandOf(hs, wd);
    const c = l.contact?.counts;
    const na = c?.attempts[band] ?? 0;
    const personal =
      c && na > 0
        ? `answered ${c.pickups[band]} of ${na} past ${na === 1 ? 'call' : 'calls'} ${band === 4 ? 'at weekends' : `at ${BAND_LABELS[band]}`}`
        : 'no past calls at this time';
    const fb = s.avoidBand[i]!;
    const mask = s.reasons[i]! | R.HANGUP_WINDOW;
    const name = REC_PURPOSES[purpose]!;
    const facts: ReasonFacts = {
      purpose: name.replace('_', '-'),
      asOf: input.asOf,
      dueOn: ymdOf(due),
      lo: ymdOf(s.lo[i]!),
      floorOn: ymdOf(Math.max(s.lo[i]!, s.asOf + policy.planning.min_lead_days)),
      hi: ymdOf(s.hi[i]!),
      boundMin:
        name === 'first'
          ? seg.first.min_days
          : name === 'final'
            ? seg.final.min_days_before
            : seg.mid_term.min_days,
      boundMax:
        name === 'first'
          ? seg.first.max_days
          : name === 'final'
            ? seg.final.max_days_before
            : seg.mid_term.max_days,
      lastOn: ymdOf(s.lastDay[i]!),
      maturityOn: l.maturity_on,
      dpd: l.current_dpd,
      cadence: s.cadence[i]!,
      budget: s.budget[i]!,
      budgetDays: s.budgetDays[i]!,
      riskAtDue: risk,
      marketChange: l.market_change ?? 0,
      marketMultiplier: s.marketMult[i]!,
      liveContactDpd: pk.rules.live_contact_by_dpd ?? 0,
      ruleDay: Number.isNaN(s.ruleDay[i]!) ? '' : ymdOf(s.ruleDay[i]!),
      quietDays: pk.rules.quiet_days_after_conversation,
      callCap: pk.rules.max_calls
        ? `${pk.rules.max_calls.calls} calls in ${pk.rules.max_calls.days} days`
        : '',
      calendar: pk.cal.spec,
      weekdayName: WEEKDAY[wd - 1]!,
      weekdayScore: s.weekdays.bestFail[ix]!,
      preferredWeekdayScore: s.prefScore[i]!,
      hourStart: hs,
      hourEnd: he,
      hang: s.hang[i]!,
      hangWorst: s.weekdays.worstScore[ix]!,
      worstHour: s.weekdays.worstHour[ix]!,
      prenotifyChannel: noticeChannel ?? '',
      hangNotified: s.hangNotified[i]!,
      bestHour: s.weekdays.bestStart[ix]!,
      movedFrom: ymdOf(s.chosen[i]!),
      rate: 1 - Math.exp(-s.rate[i]!),
      intervalRisk: s.intervalRisk[i]!,
      termMaxDays: s.termMaxDays[i]!,
      termMonths: l.term_months ?? Math.round((s.maturity[i]! - s.disbursed[i]!) / DAYS_PER_MONTH),
      personal,
      answer: 1 - Math.min(1, s.weekdays.bestFail[ix]!),
      answerWorst: 1 - Math.min(1, worstFail(s, i, wd)),
      failedBand: fb >= 0 ? BAND_LABELS[fb]! : '',
      recentHangups: l.contact?.recent_hangups ?? 0,
      lookbackDays: policy.contact.lookback_days,
      writtenChannel: app ? 'app message' : 'SMS',
      joinsLoan: s.joins[i]! >= 0 ? input.loans[s.joins[i]!]!.loan_id : '',
    };
    const rec: Recommendation = {
      run_id: runId,
      loan_id: l.loan_id,
      borrower_id: l.borrower_id,
      as_of: input.asOf,
      purpose: name,
      cycle: s.cycle[i]!,
      due_on: ymdOf(due),
      earliest_on: ymdOf(s.earliest[i]!),
      latest_on: ymdOf(s.latest[i]!),
      hard_deadline: s.hard[i] === 1,
      cadence_days: s.cadence[i]!,
      risk_at_due: round6(risk),
      risk_budget: round6(s.budget[i]!),
      time_zone: l.time_zone,
      hour_start: hs,
      hour_end: he,
      weekday: wd,
      window_start_utc: utcIsoOfLocal(l.time_zone, due, hs),
      window_end_utc: utcIsoOfLocal(l.time_zone, due, he),
      channel: written ? (app ? 'app' : 'sms') : 'phone',
      hangup_risk: round6(s.hang[i]!),
      hangup_risk_worst: round6(s.weekdays.worstScore[ix]!),
      prenotify: notice,
      prenotify_channel: noticeChannel,
      prenotify_at_utc: notice ? isoUtc(s.noticeMs[i]!) : null,
      prenotify_reason: notice ? prenotifyWords(facts) : null,
      priority: Math.round(s.priority[i]! * 10) / 10,
      reason_codes: codesOf(mask),
      reasons: wordsOf(mask, facts),
      moved: s.moved[i] === 1,
      delinquency_model: input.modelVersions.delinquency,
      hangup_model: input.modelVersions.hangup,
      policy_version: policy.policy_version,
    };
    stats.recommendations++;
    stats.by_purpose[name] = (stats.by_purpose[name] ?? 0) + 1;
    if (rec.moved) stats.moved++;
    if (notice) stats.prenotified++;
    if (mask & R.DEADLINE_UNREACHABLE) stats.conflicts++;
    if (purpose >= 0 && s.dailyCap !== null) plannedByDay.set(due, (plannedByDay.get(due) ?? 0) + 1);
    if (s.overflow[i]) {
      stats.overflow++;
      const list = overflowByDay.get(due) ?? [];
      list.push(i);
      overflowByDay.set(due, list);
    }
    if (s.hourMoved[i]) stats.hour_moved++;
    if (policy.capacity.hourly !== null) {
      const key = utcHourOf(s, l.time_zone, i, hs);
      plannedByHour.set(key, (plannedByHour.get(key) ?? 0) + 1);
      if (s.hourOverflow[i]) {
        stats.hourly_overflow++;
        const list = overflowByHour.get(key) ?? [];
        list.push(i);
        overflowByHour.set(key, list);
      }
    }
    return rec;
  };
  const finished = (i: number, purpose: number): Recommendation => {
    const rec = build(i, purpose);
    input.finish?.(rec, i);
    return rec;
  };
  // Records whose date `finish` may move are made first, so the export order knows where they land.
  const early = new Map<number, Recommendation>();
  if (input.order === 'export' && input.moves)
    for (let i = 0; i < s.n; i++) {
      if (i % EMIT_YIELD_EVERY === EMIT_YIELD_EVERY - 1) await new Promise<void>((r) => setImmediate(r));
      if (s.purpose[i]! >= 0 && input.moves(i)) early.set(i, finished(i, s.purpose[i]!));
    }
  const order = input.order === 'export' ? exportOrder(s, input, early) : undefined;
  for (let k = 0; k < s.n; k++) {
    if (k % EMIT_YIELD_EVERY === EMIT_YIELD_EVERY - 1) await new Promise<void>((r) => setImmediate(r));
    const i = order ? order[k]! : k;
    const purpose = s.purpose[i]!;
    if (purpose < 0) {
      stats.skipped++;
      continue;
    }
    const rec = early.get(i) ?? finished(i, purpose);
    if (input.onRecommendation) input.onRecommendation(rec, i);
    else recs.push(rec);
  }
  const ids = (rows: number[]) =>
    rows.sort((a, b) => s.priority[a]! - s.priority[b]! || a - b).map((r) => input.loans[r]!.loan_id);
  const daily: CapacityOverflow[] = [...overflowByDay.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([day, rows]) => ({
      date: ymdOf(day),
      hour_utc: null,
      capacity: s.dailyCap ?? 0,
      planned: plannedByDay.get(day) ?? rows.length,
      overflow: rows.length,
      loan_ids: ids(rows),
    }));
  const hourly: CapacityOverflow[] = [...overflowByHour.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([hour, rows]) => ({
      date: isoUtc(hour * 3_600_000).slice(0, 10),
      hour_utc: isoUtc(hour * 3_600_000),
      capacity: policy.capacity.hourly ?? 0,
      planned: plannedByHour.get(hour) ?? rows.length,
      overflow: rows.length,
      loan_ids: ids(rows),
    }));
  return { recommendations: recs, overflow: [...daily, ...hourly], stats };
}

/**
 * Loan indices in the export's order (export/plan.ts: due date, window start in UTC, loan id; a loan has one
 * follow-up, so purpose and cycle never decide), the skipped loans last; `made` holds the records already made
 * (and finished), whose own dates count. Loan ids compare by code point, as DuckDB compares UTF-8 text.
 */
function exportOrder(s: PlanState, input: PlanInput, made: ReadonlyMap<number, Recommendation>): Int32Array {
  const due = new Float64Array(s.n);
  const start = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) {
    if (s.purpose[i]! < 0) continue;
    const r = made.get(i);
    due[i] = r ? dayOf(r.due_on) : s.due[i]!;
    start[i] = r
      ? Date.parse(r.window_start_utc)
      : utcMsOfLocal(input.loans[i]!.time_zone, s.due[i]!, s.hourStart[i]!);
  }
  const skipped = (i: number) => (s.purpose[i]! < 0 ? 1 : 0);
  return Int32Array.from({ length: s.n }, (_, i) => i).sort(
    (a, b) =>
      skipped(a) - skipped(b) ||
      due[a]! - due[b]! ||
      start[a]! - start[b]! ||
      byCodePoint(input.loans[a]!.loan_id, input.loans[b]!.loan_id),
  );
}

/** Code-point order of two strings (UTF-16 order differs only where a surrogate pair meets U+E000–U+FFFF). */
export function byCodePoint(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return lift(x) - lift(y);
  }
  return a.length - b.length;
}

/** Surrogates above U+E000–U+FFFF, everything else as it is. */
function lift(c: number): number {
  return c < 0xd800 ? c : c < 0xe000 ? c + 0x2000 : c - 0x800;
}

/**
 * Largest failure chance over the loan's weekdays' best windows — the weakest weekday, for the words. Windows
 * carrying a penalty (a band that just failed, an hour the model never saw: fail ≥ 1) are not chances and are left
 * out; the chosen day's own value when nothing else is comparable.
 */
function worstFail(s: PlanState, i: number, wd: number): number {
  let w = s.weekdays.bestFail[i * 7 + wd - 1]!;
  for (let d = 0; d < 7; d++) {
    const f = s.weekdays.bestFail[i * 7 + d]!;
    if (f < 1) w = Math.max(w, f);
  }
  return w;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
