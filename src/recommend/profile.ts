/**
 * Personal contact profile: what a borrower's own call history says about when they answer. Borrowers differ
 * (office hours, evenings, weekends) in ways the population hang-up model cannot see, so each borrower's
 * outcomes per time band are shrunk towards their segment's rates (empirical Bayes, `k` pseudo-attempts of the
 * segment) and turned into
 *   - a hang-up logit adjustment per band, relative to the whole book's rate in that band (which the model
 *     already reproduces on average), and
 *   - the chance a call that is not hung up is picked up, per band.
 * Pure: counts in, numbers out.
 */

import { BAND_COUNT, type BandCounts, type BandRates } from './bands.ts';
import type { ContactClasses } from './classes.ts';

/** Observable contact facts of one borrower, from the warehouse (src/recommend/io/planner-loans.ts). */
export interface ContactFacts {
  counts: BandCounts;
  /** Band of the last outbound phone attempt when it was hung up or not picked up; null otherwise. */
  last_failed_band: number | null;
  /** Hang-ups in the recent window (policy `contact.lookback_days`). */
  recent_hangups: number;
  /** The borrower has used the lender's app (an app contact in the history): notices go there. */
  app_user: boolean;
}

/** Priors the planner shrinks towards: the whole book, and each loan type. */
export interface ContactPriors {
  book: BandRates;
  by_type: Record<string, BandRates>;
  /**
   * Local hours (0–23) at which the book has enough past calls for the hang-up model to have learnt them; the
   * planner plans no call at another hour (a model asked about an hour it never saw answers with its intercept).
   * Empty = no restriction.
   */
  hours_seen?: number[];
  /** Latent contact classes fitted on the book (src/recommend/classes.ts); when given, they are the prior. */
  classes?: ContactClasses | null;
}

/** The profile the planner uses per loan. */
export interface ContactProfile {
  /** Added to the model's hang-up logit per band. */
  hangAdj: Float32Array;
  /** Chance a call that is not hung up is picked up, per band. */
  pickup: Float32Array;
}

const logit = (p: number) => {
  const q = Math.min(1 - 1e-4, Math.max(1e-4, p));
  return Math.log(q / (1 - q));
};

/** Rates of a set of counts (NaN-free: bands without attempts get `fallback`'s rate). */
export function ratesOf(c: BandCounts, fallback?: BandRates): BandRates {
  const hang: number[] = [];
  const pickup: number[] = [];
  for (let b = 0; b < BAND_COUNT; b++) {
    const n = c.attempts[b] ?? 0;
    const h = c.hangups[b] ?? 0;
    hang.push(n > 0 ? h / n : (fallback?.hang[b] ?? 0.2));
    pickup.push(n - h > 0 ? (c.pickups[b] ?? 0) / (n - h) : (fallback?.pickup[b] ?? 0.75));
  }
  return { hang, pickup };
}

/** The personal profile of one borrower: own counts shrunk towards `segment` with `k` pseudo-attempts. */
export function contactProfile(
  own: BandCounts,
  segment: BandRates,
  book: BandRates,
  k: number,
): ContactProfile {
  const hangAdj = new Float32Array(BAND_COUNT);
  const pickup = new Float32Array(BAND_COUNT);
  for (let b = 0; b < BAND_COUNT; b++) {
    const n = own.attempts[b] ?? 0;
    const h = own.hangups[b] ?? 0;
    const post = (h + k * segment.hang[b]!) / (n + k);
    hangAdj[b] = logit(post) - logit(book.hang[b]!);
    pickup[b] = ((own.pickups[b] ?? 0) + k * segment.pickup[b]!) / (n - h + k);
  }
  return { hangAdj, pickup };
}

/** The profile given by a set of rates directly (e.g. a borrower's class-mixture rates). */
export function profileOfRates(r: BandRates, book: BandRates): ContactProfile {
  const hangAdj = new Float32Array(BAND_COUNT);
  const pickup = new Float32Array(BAND_COUNT);
  for (let b = 0; b < BAND_COUNT; b++) {
    hangAdj[b] = logit(r.hang[b]!) - logit(book.hang[b]!);
    pickup[b] = r.pickup[b]!;
  }
  return { hangAdj, pickup };
}

/** Adjusted hang-up probability of a model prediction `p` in band `b`. */
export function adjustHang(p: number, profile: ContactProfile | null, b: number): number {
  // No adjustment leaves the model's probability exactly as it is (the logit clamp would move 0 and 1).
  if (!profile || profile.hangAdj[b] === 0) return p;
  const x = logit(p) + profile.hangAdj[b]!;
  return 1 / (1 + Math.exp(-x));
}
