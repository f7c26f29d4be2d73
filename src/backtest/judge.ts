/**
 * Judging a policy by the world's truth: every call a policy makes gets its TRUE hang-up and answer
 * probabilities (the borrower's latent persona, temperament and notice reading included; the context — days since
 * the previous contact, conversations and hang-ups so far — follows the policy's own earlier calls, in expectation),
 * and every 30+ DPD episode its pre-delinquency reach: the chance that at least one follow-up was ANSWERED while the
 * loan was still current in the 30 days before its first missed due date (onset − 30 days).
 *
 * Expectations, not draws: the same schedule always scores the same, and two policies differ only by their calls.
 * Per-loan sums are kept so the bootstrap (over loans, paired across policies) can re-weigh them.
 */

import { isoWeekday } from '../core/days.ts';
import { mulberry32 } from '../core/prng.ts';
import { expectedWithNotice, trueAnswerProbability, trueHangupProbability } from '../generate/truth.ts';
import type { LoanOutcome } from './outcomes.ts';
import type { MadeContact } from './schedule.ts';
import { callContext, currentOn, type PreHistory, readChance, type WorldTruth } from './world.ts';

/** Days of the pre-delinquency window before the first missed due date. */
export const REACH_DAYS = 30;

/** Per-loan sums of one policy, aligned with the loan list given to `judge`. */
export interface LoanSums {
  /** 1 when the loan has a counted episode. */
  episode: Uint8Array;
  /** Reach of that episode (0 when none). */
  reach: Float64Array;
  /** Phone attempts (joined calls excluded), true hang-ups and answers summed over them. */
  attempts: Float64Array;
  hang: Float64Array;
  answer: Float64Array;
  /** Every contact attempt counted in the volume (phone and written). */
  contacts: Float64Array;
}

/** Loans with a counted episode: first missed due date − 30 days on or after the period start, onset before its end. */
export function episodeLoans(loans: readonly LoanOutcome[], fromDay: number, toDay: number): LoanOutcome[] {
  return loans.filter((o) => o.onset - 30 - REACH_DAYS >= fromDay && o.onset < toDay);
}

/** Judges one policy's calls; `inst` holds the installments of the episode loans. */
export function judge(
  calls: readonly MadeContact[],
  loans: readonly LoanOutcome[],
  truth: WorldTruth,
  pre: ReadonlyMap<string, PreHistory>,
  inst: ReadonlyMap<string, { due: number; paid: number }[]>,
  fromDay: number,
  toDay: number,
): LoanSums {
  const n = loans.length;
  const ix = new Map(loans.map((o, i) => [o.loan_id, i]));
  const out: LoanSums = {
    episode: new Uint8Array(n),
    reach: new Float64Array(n),
    attempts: new Float64Array(n),
    hang: new Float64Array(n),
    answer: new Float64Array(n),
    contacts: new Float64Array(n),
  };
  const byLoan = new Map<number, MadeContact[]>();
  for (const c of calls) {
    const i = ix.get(c.loan_id);
    if (i === undefined) continue;
    const l = byLoan.get(i);
    if (l) l.push(c);
    else byLoan.set(i, [c]);
  }
  for (let i = 0; i < n; i++) {
    const o = loans[i]!;
    const isEpisode = o.onset - 30 - REACH_DAYS >= fromDay && o.onset < toDay;
    out.episode[i] = isEpisode ? 1 : 0;
    const list = (byLoan.get(i) ?? []).sort((a, b) => a.start_utc.localeCompare(b.start_utc));
    const t = truth.borrowers.get(o.borrower_id);
    const p = pre.get(o.loan_id);
    let conv = p?.conversations ?? 0;
    let hangs = p?.hangups ?? 0;
    let last = p?.lastDay ?? Number.NaN;
    let miss = 1; // chance no answered call fell in the reach window
    const missed = o.onset - 30;
    for (const c of list) {
      if (!c.joined) out.contacts[i]! += 1;
      if ((c.channel ?? 'phone') !== 'phone') {
        last = c.day;
        continue;
      }
      const he = c.hour_end ?? c.hour + 1;
      const read = c.prenotified ? readChance(t, c.notice_channel ?? 'sms') : 0;
      let ph = 0;
      let pa = 0;
      for (let h = c.hour; h < he; h++) {
        const ctx = callContext(o.firstLoan, t, {
          hour: h,
          isoWeekday: isoWeekday(c.day),
          collection: c.purpose === 'collection',
          daysSince: Number.isNaN(last) ? Number.POSITIVE_INFINITY : c.day - last,
          conversations: conv,
          pastHangups: hangs,
        });
        ph += expectedWithNotice(trueHangupProbability, ctx, read);
        pa += expectedWithNotice(trueAnswerProbability, ctx, read);
      }
      ph /= he - c.hour;
      pa /= he - c.hour;
      if (!c.joined) {
        out.attempts[i]! += 1;
        out.hang[i]! += ph;
        out.answer[i]! += pa;
      }
      if (
        isEpisode &&
        c.day >= missed - REACH_DAYS &&
        c.day < missed &&
        currentOn(inst.get(o.loan_id), c.day)
      )
        miss *= 1 - pa;
      conv += pa;
      hangs += ph;
      last = c.day;
    }
    if (isEpisode) out.reach[i] = 1 - miss;
  }
  return out;
}

/** Totals of a policy's sums under per-loan weights (all 1 when `w` is undefined). */
export function totals(s: LoanSums, w?: Float64Array) {
  let e = 0;
  let r = 0;
  let a = 0;
  let h = 0;
  let an = 0;
  let c = 0;
  for (let i = 0; i < s.episode.length; i++) {
    const k = w ? w[i]! : 1;
    if (k === 0) continue;
    e += k * s.episode[i]!;
    r += k * s.reach[i]!;
    a += k * s.attempts[i]!;
    h += k * s.hang[i]!;
    an += k * s.answer[i]!;
    c += k * s.contacts[i]!;
  }
  return {
    episodes: e,
    reach: e > 0 ? r / e : 0,
    hangup_rate: a > 0 ? h / a : 0,
    answered_rate: a > 0 ? an / a : 0,
    contacts: c,
  };
}

/** A 95 % percentile interval and the point estimate. */
export interface Interval {
  value: number;
  lo: number;
  hi: number;
}

/**
 * Paired bootstrap over loans (Poisson(1) weights, seeded): every replicate re-weighs all policies' loans alike,
 * and `stat` maps the policies' totals of the replicate to the numbers whose intervals are wanted.
 */
export function bootstrap(
  sums: Record<string, LoanSums>,
  stat: (t: Record<string, ReturnType<typeof totals>>) => Record<string, number>,
  replicates: number,
  seed: number,
): Record<string, Interval> {
  const names = Object.keys(sums);
  const n = sums[names[0]!]!.episode.length;
  const point = stat(Object.fromEntries(names.map((k) => [k, totals(sums[k]!)])));
  const draws: Record<string, number[]> = {};
  for (const k of Object.keys(point)) draws[k] = [];
  const u = mulberry32(seed);
  const w = new Float64Array(n);
  for (let b = 0; b < replicates; b++) {
    for (let i = 0; i < n; i++) {
      // Poisson(1) by inversion.
      let k = 0;
      let p = Math.exp(-1);
      let c = p;
      const v = u();
      while (v > c && k < 12) {
        k++;
        p /= k;
        c += p;
      }
      w[i] = k;
    }
    const s = stat(Object.fromEntries(names.map((k) => [k, totals(sums[k]!, w)])));
    for (const [k, v] of Object.entries(s)) if (Number.isFinite(v)) draws[k]!.push(v);
  }
  const out: Record<string, Interval> = {};
  for (const [k, v] of Object.entries(point)) {
    const d = draws[k]!.sort((a, b) => a - b);
    const q = (f: number) => (d.length ? d[Math.min(d.length - 1, Math.floor(f * d.length))]! : Number.NaN);
    out[k] = { value: v, lo: q(0.025), hi: q(0.975) };
  }
  return out;
}
