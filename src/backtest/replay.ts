/**
 * The month-by-month replay of the risk-based schedule.
 *
 *   prepareMonths (once): at each month start, the planning step `recommend` uses (preparePlanning: score every
 *     active loan with the champions, the planner's view, the factored slot scorer); keep only contact history from
 *     BEFORE the backtest period,
 *     because within it the schedule under test makes the contacts
 *   replay (per risk-budget scale): month by month, plan every loan (planFollowUps) with the history the schedule
 *     has made so far; follow-ups due before the next month start are "made": appended to that history, which the
 *     next month's plan sees. Hang-up predictions are memoized per month and slot: they do not depend on the budget.
 *
 * Scores and hang-up features come from the warehouse as it is (the world's own contacts included): contacts do
 * not change repayment in the generated world, so the delinquency scores are the same under any schedule.
 */
import { dayOf } from '../core/days.ts';
import type { Logger } from '../core/log.ts';
import { addMonths } from '../core/months.ts';
import { expectedWithNotice, trueAnswerProbability, trueHangupProbability } from '../generate/truth.ts';
import { BAND_COUNT, bandOf } from '../recommend/bands.ts';
import {
  type FollowUpHistory,
  type HangupScorer,
  type PlannerLoan,
  type Policy,
  planFollowUps,
  type RecentContact,
  type SlotBatch,
} from '../recommend/index.ts';
import { preparePlanning } from '../recommend/io/planning.ts';
import type { ContactPriors, ContactProfile } from '../recommend/profile.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { inScope, type LoanOutcome } from './outcomes.ts';
import type { MadeContact } from './schedule.ts';
import { callContext, type PreHistory, readChance, type WorldTruth } from './world.ts';

/** One month start of the replay: the planner's loans (history before the period only) and a hang-up scorer. */
export interface ReplayMonth {
  asOf: string;
  /** Local day number of the next month start (follow-ups due before it are made this month). */
  endDay: number;
  loans: PlannerLoan[];
  hangup: HangupScorer;
  models: { delinquency: string; hangup: string };
  /** Rates per time band the personal profiles shrink towards (contact history before the period); none without calls. */
  contactPriors: ContactPriors | undefined;
  /** Profiles given directly (the oracle's true pick-up chances); none = computed from the history. */
  profiles?: (ContactProfile | null)[];
}

/** Scores and plans' inputs for each month start in `months` (YYYY-MM-01), contact history cut at months[0]. */
export async function prepareMonths(
  w: Warehouse,
  modelsDir: string,
  months: readonly string[],
  log: Logger,
  lookback = 60,
): Promise<ReplayMonth[]> {
  const from = months[0]!;
  const fromUtc = `${from}T00:00:00Z`;
  const out: ReplayMonth[] = [];
  for (const asOf of months) {
    // Personal profiles see only the calls made before the period: the replayed calls have no real outcomes.
    const planning = await preparePlanning(
      w,
      { modelsDir, asOf, lookbackDays: lookback, contactsBefore: fromUtc, reasons: false },
      log,
    );
    if (planning.hangFallback) throw new Error(`no champion hang-up model in ${modelsDir}`);
    const { loans, contactPriors } = planning;
    for (const l of loans) {
      const h: FollowUpHistory = {};
      for (const [k, ds] of Object.entries(l.history) as [keyof FollowUpHistory, string[]][]) {
        const before = ds.filter((d) => d < from);
        if (before.length) h[k] = before;
      }
      l.history = h;
      l.recent_contacts = l.recent_contacts.filter((c) => c.at_utc < fromUtc);
    }
    // The factored slot scorer, as `recommend` uses; its products stay alive for the replays of every policy and
    // scale, and are small beside the memo of scores.
    const predict = planning.hangup;
    out.push({
      asOf,
      endDay: dayOf(addMonths(asOf, 1)),
      loans,
      hangup: memoScorer(predict),
      models: planning.models,
      contactPriors,
    });
  }
  return out;
}

/** Wraps a scorer so each (loan, weekday, hour, channel, notice) slot is predicted once. */
export function memoScorer(score: HangupScorer): HangupScorer {
  const memo = new Map<number, number>();
  const key = (b: SlotBatch, j: number) =>
    (((b.loan[j]! * 8 + b.weekday[j]!) * 24 + b.hour[j]!) * 8 + b.channel[j]!) * 2 + b.prenotified[j]!;
  return async (b) => {
    const out = new Float32Array(b.size);
    const miss: number[] = [];
    for (let j = 0; j < b.size; j++) {
      const v = memo.get(key(b, j));
      if (v === undefined) miss.push(j);
      else out[j] = v;
    }
    if (miss.length) {
      const sub: SlotBatch = {
        size: miss.length,
        loan: Int32Array.from(miss, (j) => b.loan[j]!),
        weekday: Uint8Array.from(miss, (j) => b.weekday[j]!),
        hour: Uint8Array.from(miss, (j) => b.hour[j]!),
        channel: Uint8Array.from(miss, (j) => b.channel[j]!),
        prenotified: Uint8Array.from(miss, (j) => b.prenotified[j]!),
      };
      const p = await score(sub);
      miss.forEach((j, i) => {
        out[j] = p[i]!;
        memo.set(key(b, j), p[i]!);
      });
    }
    return out;
  };
}

/** Per-loan history the replayed schedule has built. */
interface Made {
  history: FollowUpHistory;
  recent: RecentContact[];
}

/**
 * The oracle's months: the same loans and planner, but each loan's hazards are the generator's TRUE hazards of
 * its coming installments, the hang-up scorer is the TRUE hang-up probability (persona, temperament, notice read
 * chance), and the pick-up chance per band is the borrower's true one.
 */
export function oracleMonths(
  months: readonly ReplayMonth[],
  truth: WorldTruth,
  outcomes: ReadonlyMap<string, LoanOutcome>,
  pre: ReadonlyMap<string, PreHistory>,
): ReplayMonth[] {
  return months.map((m) => {
    const [y, mo] = m.asOf.split('-').map(Number) as [number, number];
    const monthKey = (k: number) => {
      const mi = y * 12 + (mo - 1) + k;
      return `${Math.floor(mi / 12)}-${String((mi % 12) + 1).padStart(2, '0')}-01`;
    };
    const loans = m.loans.map((l) => {
      const th = truth.hazard.get(l.loan_id);
      const H = l.hazard.length;
      const hz = new Float32Array(H);
      // Model month k's onsets come from installments due in month (as-of month + k − 2).
      for (let k = 1; k <= H; k++) hz[k - 1] = th?.get(monthKey(k - 2)) ?? 0;
      return { ...l, hazard: hz };
    });
    const profiles = loans.map((l) => {
      const t = truth.borrowers.get(l.borrower_id);
      if (!t) return null;
      const pickup = new Float32Array(BAND_COUNT);
      for (let b = 0; b < 4; b++) pickup[b] = 1 - t.traits.miss[b]!;
      pickup[4] = 1 - t.traits.missWeekend;
      return { hangAdj: new Float32Array(BAND_COUNT), pickup };
    });
    const hangup: HangupScorer = async (b) => {
      const out = new Float32Array(b.size);
      for (let j = 0; j < b.size; j++) {
        const l = loans[b.loan[j]!]!;
        const t = truth.borrowers.get(l.borrower_id);
        const o = outcomes.get(l.loan_id);
        const p = pre.get(l.loan_id);
        const read = b.prenotified[j] ? readChance(t, l.contact?.app_user ? 'app' : 'sms') : 0;
        out[j] = expectedWithNotice(
          trueHangupProbability,
          callContext(o?.firstLoan ?? true, t, {
            hour: b.hour[j]!,
            isoWeekday: b.weekday[j]!,
            collection: l.current_dpd > 0,
            delinquent: l.current_dpd >= 30,
            daysSince: Number.POSITIVE_INFINITY,
            conversations: p?.conversations ?? 0,
            pastHangups: p?.hangups ?? 0,
          }),
          read,
        );
      }
      return out;
    };
    return { ...m, loans, hangup: memoScorer(hangup), profiles };
  });
}

/**
 * The world answering the replayed calls: each call the policy makes gets an outcome drawn (seeded per loan and
 * day) from the world's TRUE hang-up and pick-up chances, and the outcome joins the borrower's contact history
 * the next month's plan reads — as a real deployment learns from its own calls. The planner sees outcomes only,
 * never the truth behind them.
 */
export interface Feedback {
  truth: WorldTruth;
  pre: ReadonlyMap<string, PreHistory>;
}

/** What a borrower's history gained from the replayed calls. */
interface Learnt {
  counts: { attempts: number[]; hangups: number[]; pickups: number[] };
  lastFailedBand: number | null;
  hangupDays: number[];
}

function seeded(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

/** The loan's contact facts with what the replayed calls taught (counts add up; the last outcome wins). */
function withLearnt(l: PlannerLoan, x: Learnt | undefined, day: number, lookback: number): PlannerLoan {
  if (!x) return l;
  const base = l.contact ?? {
    counts: { attempts: [0, 0, 0, 0, 0], hangups: [0, 0, 0, 0, 0], pickups: [0, 0, 0, 0, 0] },
    last_failed_band: null,
    recent_hangups: 0,
    app_user: false,
  };
  const add = (a: number[], b: number[]) => a.map((v, i) => v + (b[i] ?? 0));
  return {
    ...l,
    contact: {
      counts: {
        attempts: add(base.counts.attempts, x.counts.attempts),
        hangups: add(base.counts.hangups, x.counts.hangups),
        pickups: add(base.counts.pickups, x.counts.pickups),
        ...(base.counts.inbound ? { inbound: base.counts.inbound } : {}),
      },
      last_failed_band: x.lastFailedBand,
      recent_hangups: x.hangupDays.filter((d) => day - d <= lookback).length,
      app_user: base.app_user,
    },
  };
}

/** Replays the schedule under `policy` month by month; returns the in-scope follow-ups it made. */
export async function replay(
  months: readonly ReplayMonth[],
  outcomes: ReadonlyMap<string, LoanOutcome>,
  policy: Policy,
  feedback?: Feedback,
): Promise<{ contacts: MadeContact[]; overflowDays: number }> {
  const learnt = new Map<string, Learnt>();
  const made = new Map<string, Made>();
  const contacts: MadeContact[] = [];
  let overflowDays = 0;
  for (const m of months) {
    const asOfMs = Date.parse(`${m.asOf}T00:00:00Z`);
    const loans = m.loans.map((l) => {
      const x = made.get(l.loan_id);
      if (!x) return l;
      const history: FollowUpHistory = { ...l.history };
      for (const [k, ds] of Object.entries(x.history) as [keyof FollowUpHistory, string[]][])
        history[k] = [...(history[k] ?? []), ...ds];
      // The rules look back at most ~60 days (planner-loans RECENT_DAYS).
      const recent = x.recent.filter((c) => asOfMs - Date.parse(c.at_utc) <= 60 * 86_400_000);
      return withLearnt(
        { ...l, history, recent_contacts: [...l.recent_contacts, ...recent] },
        learnt.get(l.borrower_id),
        dayOf(m.asOf),
        policy.contact.lookback_days,
      );
    });
    const res = await planFollowUps({
      asOf: m.asOf,
      runId: `backtest-${m.asOf}`,
      loans,
      policy,
      hangup: m.hangup,
      modelVersions: m.models,
      ...(m.contactPriors ? { contactPriors: m.contactPriors } : {}),
      ...(m.profiles ? { profiles: m.profiles } : {}),
    });
    overflowDays += res.overflow.length;
    for (const r of res.recommendations) {
      const day = dayOf(r.due_on);
      const o = outcomes.get(r.loan_id);
      if (day >= m.endDay || !o || !inScope(o, day)) continue;
      if (feedback && r.channel === 'phone' && !r.reason_codes.includes('COORDINATED')) {
        const t = feedback.truth.borrowers.get(o.borrower_id);
        const p = feedback.pre.get(o.loan_id);
        const read = r.prenotify ? readChance(t, r.prenotify_channel ?? 'sms') : 0;
        const ctx = callContext(o.firstLoan, t, {
          hour: r.hour_start,
          isoWeekday: r.weekday,
          collection: r.purpose === 'collection',
          daysSince: Number.POSITIVE_INFINITY,
          conversations: p?.conversations ?? 0,
          pastHangups: p?.hangups ?? 0,
        });
        const ph = expectedWithNotice(trueHangupProbability, ctx, read);
        const pa = expectedWithNotice(trueAnswerProbability, ctx, read);
        const u = seeded(`${o.loan_id}|${r.due_on}`);
        const band = bandOf(r.hour_start, r.weekday);
        const x = learnt.get(o.borrower_id) ?? {
          counts: { attempts: [0, 0, 0, 0, 0], hangups: [0, 0, 0, 0, 0], pickups: [0, 0, 0, 0, 0] },
          lastFailedBand: null,
          hangupDays: [],
        };
        // Every call is learnt from, collection calls too (as in the warehouse's profiles).
        x.counts.attempts[band]!++;
        if (u < ph) {
          x.counts.hangups[band]!++;
          x.hangupDays.push(day);
          x.lastFailedBand = band;
        } else if (u < ph + pa) {
          x.counts.pickups[band]!++;
          x.lastFailedBand = null;
        } else x.lastFailedBand = band;
        learnt.set(o.borrower_id, x);
      }
      contacts.push({
        loan_id: r.loan_id,
        day,
        start_utc: r.window_start_utc,
        end_utc: r.window_end_utc,
        hour: r.hour_start,
        weekday: r.weekday,
        purpose: r.purpose,
        prenotified: r.prenotify,
        prenotify_at_utc: r.prenotify ? r.prenotify_at_utc : null,
        notice_channel: r.prenotify_channel,
        time_zone: r.time_zone,
        hour_end: r.hour_end,
        channel: r.channel === 'app' ? 'app' : r.channel === 'sms' ? 'sms' : 'phone',
        joined: r.reason_codes.includes('COORDINATED'),
      });
      const x = made.get(r.loan_id) ?? { history: {}, recent: [] };
      const done = x.history[r.purpose] ?? [];
      done.push(r.due_on);
      x.history[r.purpose] = done;
      x.recent.push({
        at_utc: r.window_start_utc,
        channel: r.channel,
        outcome: 'answered',
        direction: 'outbound',
      });
      made.set(r.loan_id, x);
    }
  }
  return { contacts, overflowDays };
}
