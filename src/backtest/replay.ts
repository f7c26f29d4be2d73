/**
 * The month-by-month replay of the risk-based schedule.
 *
 *   prepareMonths (once): at each month start, score every active loan with the champion delinquency model and
 *     build the planner's view of it (plannerLoans); keep only contact history from BEFORE the backtest period,
 *     because within it the schedule under test makes the contacts
 *   replay (per risk-budget scale): month by month, plan every loan (planFollowUps) with the history the schedule
 *     has made so far; follow-ups due before the next month start are "made": appended to that history, which the
 *     next month's plan sees. Hang-up predictions are memoized per month and slot: they do not depend on the budget.
 *
 * Scores and hang-up features come from the warehouse as it is (the world's own contacts included): contacts do
 * not change repayment in the generated world, so the delinquency scores are the same under any schedule.
 */
import { join } from 'node:path';
import type { Logger } from '../core/log.ts';
import { hangupManifest } from '../features/index.ts';
import { championVersion, loadModel, predictHangup } from '../models/index.ts';
import { addMonths } from '../ops/months.ts';
import { plannerLoans } from '../ops/planner-loans.ts';
import { scoreLoans } from '../ops/score.ts';
import { slotBatchTable } from '../ops/slot-table.ts';
import { dayOf } from '../recommend/days.ts';
import {
  type FollowUpHistory,
  type HangupScorer,
  type PlannerLoan,
  type Policy,
  planFollowUps,
  type RecentContact,
  type SlotBatch,
} from '../recommend/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { inScope, type LoanOutcome } from './outcomes.ts';
import type { MadeContact } from './schedule.ts';

/** One month start of the replay: the planner's loans (history before the period only) and a hang-up scorer. */
export interface ReplayMonth {
  asOf: string;
  /** Local day number of the next month start (follow-ups due before it are made this month). */
  endDay: number;
  loans: PlannerLoan[];
  hangup: HangupScorer;
  models: { delinquency: string; hangup: string };
}

/** Scores and plans' inputs for each month start in `months` (YYYY-MM-01), contact history cut at months[0]. */
export async function prepareMonths(
  w: Warehouse,
  modelsDir: string,
  months: readonly string[],
  log: Logger,
): Promise<ReplayMonth[]> {
  const hangVersion = await championVersion(modelsDir, 'hangup');
  if (!hangVersion) throw new Error(`no champion hang-up model in ${modelsDir}`);
  const hangModel = await loadModel(join(modelsDir, 'hangup', hangVersion), hangupManifest());
  const from = months[0]!;
  const fromUtc = `${from}T00:00:00Z`;
  const out: ReplayMonth[] = [];
  for (const asOf of months) {
    const scored = await scoreLoans(w, { modelsDir, asOf, reasons: false }, log);
    const { loans, stateRow } = await plannerLoans(w, asOf, scored);
    for (const l of loans) {
      const h: FollowUpHistory = {};
      for (const [k, ds] of Object.entries(l.history) as [keyof FollowUpHistory, string[]][]) {
        const before = ds.filter((d) => d < from);
        if (before.length) h[k] = before;
      }
      l.history = h;
      l.recent_contacts = l.recent_contacts.filter((c) => c.at_utc < fromUtc);
    }
    const predict = async (b: SlotBatch) =>
      predictHangup(hangModel, slotBatchTable(scored.state, stateRow, b));
    out.push({
      asOf,
      endDay: dayOf(addMonths(asOf, 1)),
      loans,
      hangup: memoScorer(predict),
      models: { delinquency: scored.version, hangup: hangVersion },
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

/** Replays the risk-based schedule under `policy`; returns the in-scope follow-ups it made. */
export async function replay(
  months: readonly ReplayMonth[],
  outcomes: ReadonlyMap<string, LoanOutcome>,
  policy: Policy,
): Promise<{ contacts: MadeContact[]; overflowDays: number }> {
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
      return { ...l, history, recent_contacts: [...l.recent_contacts, ...recent] };
    });
    const res = await planFollowUps({
      asOf: m.asOf,
      runId: `backtest-${m.asOf}`,
      loans,
      policy,
      hangup: m.hangup,
      modelVersions: m.models,
    });
    overflowDays += res.overflow.length;
    for (const r of res.recommendations) {
      const day = dayOf(r.due_on);
      const o = outcomes.get(r.loan_id);
      if (day >= m.endDay || !o || !inScope(o, day)) continue;
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
        time_zone: r.time_zone,
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
