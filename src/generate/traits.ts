/**
 * A borrower's latent contact traits: when they can take a call (a persona by loan type plus a personal jitter
 * per hour band), how often they read a notice by channel, and whether they use the lender's app. Drawn from a
 * stream of their own (the borrower's other draws keep their order). Written to truth/borrowers.csv;
 * no model reads them — the planner has to learn them from each borrower's contact history.
 */
import type { HangupParams, LoanType } from './params.ts';
import type { Rng } from './rng.ts';

/** What truth/borrowers.csv holds per borrower (besides the temperament). */
export interface ContactTraits {
  persona: string;
  /** Hang-up logit offset per hour band on weekdays (persona + personal jitter). */
  band: [number, number, number, number];
  /** Hang-up logit offset on weekends (persona). */
  weekend: number;
  /** Chance a call that is not hung up goes unanswered, per hour band on weekdays, and on weekends. */
  miss: [number, number, number, number];
  missWeekend: number;
  /** Chance a notice is read, by channel (app 0 for borrowers without the app). */
  read: { sms: number; email: number; app: number };
}

/** Draws one borrower's traits. */
export function drawTraits(rng: Rng, loanType: LoanType, p: HangupParams): ContactTraits {
  const weights: Record<string, number> = {};
  for (const [name, x] of Object.entries(p.personas)) weights[name] = x.share[loanType];
  const persona = rng.weighted(weights);
  const q = p.personas[persona]!;
  const band = q.band.map((b) => b + p.bandJitterSd * rng.normal()) as ContactTraits['band'];
  const sms = Math.min(0.98, Math.max(0.3, p.noticeRead.sms + p.smsReadSd * rng.normal()));
  const app = rng.chance(p.appShare) ? p.noticeRead.app : 0;
  return {
    persona,
    band,
    weekend: q.weekend,
    miss: [...q.miss] as ContactTraits['miss'],
    missWeekend: q.missWeekend,
    read: { sms, email: p.noticeRead.email, app },
  };
}

/** Chance an attempt that is not hung up goes unanswered, at a local hour and weekday (0 = Sunday). */
export function missChance(t: ContactTraits, band: number, weekday: number): number {
  return weekday === 0 || weekday === 6 ? t.missWeekend : t.miss[band]!;
}
