/**
 * The true functions of the synthetic world. Pure: the generator draws every delinquency onset and every
 * hang-up from these, and the backtest asks them "what would really have happened" for a slot a policy picks.
 */
import { DEFAULT_PARAMS } from './defaults.ts';
import { type CreditGrade, type HangupParams, type HazardParams, hourBand, type LoanType } from './params.ts';
import { type ContactTraits, missChance } from './traits.ts';

/** What the true monthly hazard depends on, for one loan in one month (the month of an installment's due date). */
export interface HazardContext {
  /** Credit grade at disbursement. */
  grade: CreditGrade;
  /** personal or corporate. */
  loanType: LoanType;
  /** Installment / TRUE monthly income, fraction (0.25 = a quarter of income); the declared income may be null. */
  burden: number;
  /** Installments paid 1–29 days late among the previous 6 of this loan (0…6; observable in repayments). */
  recentLate: number;
  /** Regional HPI change over the 6 months before the month, fraction (-0.08 = an 8 % fall). */
  hpiChange6m: number;
  /** Regional unemployment in the previous month minus its long-run rate, fraction (0.01 = one point). */
  unemploymentGap: number;
  /** Months since a latent income shock began (1 = its first month), 0 when none is under way. */
  shockMonth: number;
  /** Latent borrower frailty on the logit scale (mean 0). Default 0. */
  frailty?: number;
  /** True for a repeat borrower's later loan. Default false. */
  repeat?: boolean;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Logit of the true monthly hazard (exposed so tests and the backtest can decompose it). */
export function hazardLogit(ctx: HazardContext, p: HazardParams = DEFAULT_PARAMS.hazard): number {
  const fall = Math.max(0, -ctx.hpiChange6m);
  return (
    p.intercept +
    p.grade[ctx.grade] +
    p.loanType[ctx.loanType] +
    p.burden * Math.log(Math.max(ctx.burden, 0.01) / p.burdenRef) +
    p.recentLate * ctx.recentLate +
    p.hpiFall * fall +
    p.unemployment * ctx.unemploymentGap +
    // An income shock first shows as minor lateness (month 1) and only then raises the hazard.
    (ctx.shockMonth >= 2 ? p.shock : 0) +
    (ctx.repeat ? p.repeat : 0) +
    (ctx.frailty ?? 0)
  );
}

/**
 * The true probability that the loan first reaches 30+ days past due on this month's installment, given that it
 * has not before. A number in (0, 1).
 */
export function trueMonthlyHazard(ctx: HazardContext, p: HazardParams = DEFAULT_PARAMS.hazard): number {
  return logistic(hazardLogit(ctx, p));
}

/** What the true hang-up probability of one contact attempt depends on. */
export interface HangupContext {
  /** Local hour of the attempt in the borrower's zone, 8…20 (hours outside are clamped). */
  localHour: number;
  /** Local day of week, 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** phone or visit (other channels cannot be hung up on). Default phone. */
  channel?: 'phone' | 'visit';
  /** outbound (lender calls) or inbound (the borrower called). Default outbound. */
  direction?: 'outbound' | 'inbound';
  /** True for a collection call. Default false. */
  collection?: boolean;
  /** An SMS or email announcing the contact was delivered within the last 48 h. */
  preNotified: boolean;
  /** Earlier attempts to this borrower on the same local day (0 for the first). */
  attemptsToday: number;
  /** Days since the last phone, visit or app contact with this borrower (Infinity or a large number if none). */
  daysSinceLastContact: number;
  /** The loan is 30+ days past due at the time of the attempt. */
  delinquent: boolean;
  /** This is the borrower's first loan with the lender. */
  firstLoan: boolean;
  /** Earlier hang-ups on this loan (the effect is capped at 4). */
  pastHangups: number;
  /** Latent borrower temperament on the logit scale (mean 0). Default 0. */
  temperament?: number;
  /** Latent contact traits (persona by hour band); none = the population average persona-free world. */
  traits?: ContactTraits;
  /**
   * Conversations the borrower has had with the lender before this attempt. When given, an unannounced outbound
   * attempt carries the distrust term, fading with the conversations; omitted, no distrust term.
   */
  conversations?: number;
}

/** Logit of the true hang-up probability. */
export function hangupLogit(ctx: HangupContext, p: HangupParams = DEFAULT_PARAMS.hangup): number {
  const h = Math.min(20, Math.max(8, Math.floor(ctx.localHour)));
  const weekend = ctx.weekday === 0 || ctx.weekday === 6;
  const days = Number.isFinite(ctx.daysSinceLastContact) ? Math.max(0, ctx.daysSinceLastContact) : 1e6;
  return (
    p.intercept +
    (p.hour[h - 8] ?? 0) +
    (weekend ? p.weekend : 0) +
    p.channel[ctx.channel ?? 'phone'] +
    (ctx.direction === 'inbound' ? p.inbound : 0) +
    (ctx.collection ? p.collection : 0) +
    (ctx.preNotified ? p.preNotified : 0) +
    p.attemptsToday * ctx.attemptsToday +
    p.recency * Math.exp(-days / p.recencyDays) +
    (ctx.delinquent ? p.delinquent : 0) +
    (ctx.firstLoan ? p.firstLoan : 0) +
    p.pastHangups * Math.min(4, ctx.pastHangups) +
    (ctx.temperament ?? 0) +
    (ctx.traits ? (weekend ? ctx.traits.weekend : ctx.traits.band[hourBand(h)]!) : 0) +
    (ctx.conversations !== undefined && !ctx.preNotified && ctx.direction !== 'inbound'
      ? p.distrust * Math.exp(-Math.max(0, ctx.conversations) / p.distrustFade)
      : 0)
  );
}

/** The true probability that this attempt ends in a hang-up. A number in (0, 1). */
export function trueHangupProbability(ctx: HangupContext, p: HangupParams = DEFAULT_PARAMS.hangup): number {
  return logistic(hangupLogit(ctx, p));
}

/**
 * The true probability that an outbound phone attempt is answered: not hung up, and picked up at that hour
 * (the persona's miss chance by band). Without traits the pick-up chance is the world's average, 0.75.
 */
export function trueAnswerProbability(ctx: HangupContext, p: HangupParams = DEFAULT_PARAMS.hangup): number {
  const h = Math.min(20, Math.max(8, Math.floor(ctx.localHour)));
  const miss = ctx.traits ? missChance(ctx.traits, hourBand(h), ctx.weekday) : 0.25;
  return (1 - trueHangupProbability(ctx, p)) * (1 - miss);
}

/**
 * Expected hang-up probability of an attempt announced by a notice that is read with chance `read`: a read
 * notice has the pre-notified effect (and removes the distrust term), an unread one does not.
 */
export function expectedWithNotice(
  f: (c: HangupContext) => number,
  ctx: HangupContext,
  read: number,
): number {
  if (read <= 0) return f({ ...ctx, preNotified: false });
  if (read >= 1) return f({ ...ctx, preNotified: true });
  return read * f({ ...ctx, preNotified: true }) + (1 - read) * f({ ...ctx, preNotified: false });
}
