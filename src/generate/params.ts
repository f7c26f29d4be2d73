/**
 * Every constant of the synthetic lending world, in one JSON-serializable object. The generator reads only
 * this; truth/params.json records it next to the seed so a run can be explained and replayed.
 */
import type { CREDIT_GRADES, LOAN_TYPES } from '../contract/tables.ts';

export type CreditGrade = (typeof CREDIT_GRADES)[number];
export type LoanType = (typeof LOAN_TYPES)[number];

/** One region of the world: ISO 3166-2:CN code, weight in the borrower mix, home zone and market drift. */
export interface RegionParams {
  /** ISO 3166-2:CN code, e.g. `CN-GD`. */
  code: string;
  /** Relative share of borrowers (any positive scale). */
  weight: number;
  /** IANA zone of most borrowers living there. */
  zone: string;
  /** Monthly drift of log HPI, e.g. 0.003 = +0.3 %/month. */
  hpiDrift: number;
  /** Long-run unemployment rate, fraction. */
  unemployment: number;
}

/** Coefficients of the true monthly hazard of first 30+ DPD onset (logit scale). */
export interface HazardParams {
  /** Logit intercept (grade BB, personal, median burden, calm market). */
  intercept: number;
  /** Logit offset per credit grade. */
  grade: Record<CreditGrade, number>;
  /** Logit offset per loan type. */
  loanType: Record<LoanType, number>;
  /** Logit per unit of log(burden / burdenRef). */
  burden: number;
  /** Reference burden (installment / monthly income), fraction. */
  burdenRef: number;
  /** Logit per installment paid 1–29 days late among the last 6. */
  recentLate: number;
  /** Logit per unit of 6-month HPI fall (0.10 = a 10 % fall), applied to falls only. */
  hpiFall: number;
  /** Logit per unit of unemployment above the region's long-run rate (0.01 = one point). */
  unemployment: number;
  /** Logit added from the second month of a latent income shock on. */
  shock: number;
  /** Logit offset for a repeat borrower's later loan (trust earned). */
  repeat: number;
  /** Standard deviation of the latent borrower frailty (logit). Kept small so the hazard stays learnable. */
  frailtySd: number;
}

/** Coefficients of the true hang-up probability of one phone attempt (logit scale). */
export interface HangupParams {
  /** Logit intercept: outbound phone, 10:00 weekday, no pre-notice, first attempt, long since last contact. */
  intercept: number;
  /** Logit offset per local hour 8…20 (index 0 = 08:xx). */
  hour: number[];
  /** Logit offset on Saturdays and Sundays. */
  weekend: number;
  /** Logit offset per channel (only phone attempts carry a hang-up truth; visits use it for refusals). */
  channel: Record<'phone' | 'visit', number>;
  /** Logit offset for inbound calls (the borrower called: hang-ups are rare). */
  inbound: number;
  /** Logit offset when an SMS or email announced the follow-up within the last 48 h. */
  preNotified: number;
  /** Logit per earlier attempt the same local day. */
  attemptsToday: number;
  /** Logit added for a contact right after another one, decaying as exp(-days / recencyDays). */
  recency: number;
  /** Decay scale of the recency effect, days. */
  recencyDays: number;
  /** Logit offset while the loan is 30+ days past due. */
  delinquent: number;
  /** Logit offset for collection calls (on top of delinquency). */
  collection: number;
  /** Logit offset for a borrower's first loan with the lender (no trust yet). */
  firstLoan: number;
  /** Logit per earlier hang-up on this loan (capped at 4). */
  pastHangups: number;
  /** Standard deviation of the latent borrower temperament (logit). */
  temperamentSd: number;
  /**
   * Contact personas: when a borrower can take a call. Latent (never in the data); each borrower draws one by
   * loan type, plus a personal jitter per hour band, so answer patterns are stable per borrower but not fixed
   * per segment.
   */
  personas: Record<string, PersonaParams>;
  /** Standard deviation of the personal jitter added to each hour band's hang-up offset (logit). */
  bandJitterSd: number;
  /**
   * Logit added to a call that was not announced (no notice read in the last 48 h) while the borrower has had
   * few conversations with the lender — the fear that an unannounced call is a scam. Fades as
   * exp(−conversations / distrustFade).
   */
  distrust: number;
  distrustFade: number;
  /** Chance a notice is read, by channel (only a read notice has the `preNotified` effect). */
  noticeRead: { sms: number; email: number; app: number };
  /** Standard deviation of a borrower's SMS read chance around `noticeRead.sms`. */
  smsReadSd: number;
  /** Share of borrowers who use the lender's app (they read app notices at `noticeRead.app`; others get none). */
  appShare: number;
}

/** Hour bands of the personas: 08–11, 12–13, 14–17, 18–20 local (index 0…3). */
export const HOUR_BANDS = [
  [8, 12],
  [12, 14],
  [14, 18],
  [18, 21],
] as const;

/** Band index (0…3) of a local hour; hours outside 08–20 fall in the nearest band. */
export function hourBand(localHour: number): number {
  if (localHour < 12) return 0;
  if (localHour < 14) return 1;
  if (localHour < 18) return 2;
  return 3;
}

/** One contact persona (office worker, daytime at home, business owner, flexible). */
export interface PersonaParams {
  /** Relative weight of the persona among personal and among corporate borrowers. */
  share: Record<LoanType, number>;
  /** Hang-up logit offset per hour band on weekdays (see HOUR_BANDS). */
  band: [number, number, number, number];
  /** Hang-up logit offset on Saturdays and Sundays (on top of the population's weekend effect). */
  weekend: number;
  /** Chance a call that is not hung up goes unanswered (no answer, busy, voicemail), per band on weekdays. */
  miss: [number, number, number, number];
  /** The same on Saturdays and Sundays. */
  missWeekend: number;
}

/** Everything else: the borrower mix, loan terms, payment behaviour, contact practice. */
export interface WorldParams {
  regions: RegionParams[];
  /** Share of borrowers living outside their region's zone (emigrants, cross-border), and where. */
  foreignZoneShare: number;
  foreignZones: string[];
  /** Share of loans that are personal (the rest corporate). */
  personalShare: number;
  /** Share of personal loans that are mortgages (long terms, collateral). */
  mortgageShare: number;
  /** Credit-grade mix per loan type (relative weights). */
  gradeMix: Record<LoanType, Record<CreditGrade, number>>;
  /** Nominal annual rate by grade, fraction; mortgages pay `mortgageRateDiscount` less. */
  rateByGrade: Record<CreditGrade, number>;
  mortgageRateDiscount: number;
  /** Term choices in months with weights, by product. */
  terms: Record<'personal' | 'mortgage' | 'corporate', Record<number, number>>;
  /** Median monthly income (CNY) by product and log-sigma. */
  incomeMedian: Record<'personal' | 'corporate', number>;
  incomeSigma: number;
  /** Median burden (installment / income) and its log-sigma; weaker grades borrow more. */
  burdenMedian: number;
  burdenSigma: number;
  burdenGradeStep: number;
  /** Share of loans whose declared income is missing. */
  incomeMissingShare: number;
  /** Share of borrowers who take a second, later loan. */
  repeatShare: number;
  /** Monthly chance that a latent income shock starts; multiplied by (1 + shockDownturn × HPI fall). */
  shockMonthly: number;
  shockDownturn: number;
  /** Shock length in months (inclusive range). */
  shockMonths: [number, number];
  /** Chance an installment is paid 1–29 days late: logistic of base + grade step × grade rank (+ shock). */
  lateBase: number;
  lateGradeStep: number;
  lateShock: number;
  /** Chance of a partial payment of an installment paid on time. */
  partialShare: number;
  /** Monthly chance of early repayment (prepayment), plus extra for AAA/AA. */
  prepayMonthly: number;
  prepayGoodGrade: number;
  /** Once 30+ DPD: chance per month of curing, chance an installment stays unpaid. */
  cureMonthly: number;
  unpaidWhileDelinquent: number;
  /** Follow-up practice: first within `firstWithinDays`, mid-term every [min, max] days, final before maturity. */
  firstWithinDays: number;
  midTermDays: [number, number];
  finalBeforeDays: [number, number];
  /** Multipliers of the mid-term interval (smaller = more often). */
  midTermCorporate: number;
  midTermWeakGrade: number;
  midTermDownturn: number;
  /** 6-month HPI fall beyond which a region counts as in a downturn (0.05 = 5 %). */
  downturnFall: number;
  /** Share of follow-ups announced beforehand by SMS (most) or email. */
  preNotifyShare: number;
  preNotifyCollection: number;
  /** Share of corporate mid-term follow-ups done as a site visit. */
  visitShare: number;
  /** Max same-day call attempts: follow-ups and collections; never more than `maxUnanswered` unanswered. */
  maxAttemptsFollowUp: number;
  maxAttemptsCollection: number;
  maxUnanswered: number;
  /** Collection cadence while 30+ DPD: gap between call days in the first 60 days and later (inclusive). */
  collectionGapEarly: [number, number];
  collectionGapLate: [number, number];
  /** Inbound contacts per month: normally and while delinquent. */
  inboundMonthly: number;
  inboundDelinquent: number;
  /** Monthly chance an app user contacts the lender through the app (messages, self-service requests). */
  appMonthly: number;
  /**
   * How strongly the hours of a borrower's own contacts (inbound calls, app use) follow their persona's good
   * bands: band weight ∝ exp(−inboundBandBias × the persona's hang-up offset in the band).
   */
  inboundBandBias: number;
  /** Relative weights of the local call hour 8…20 (index 0 = 08:xx) and of weekend days. */
  callHourWeights: number[];
  weekendShare: number;
  /** Agents in the pool. */
  agents: number;
}

/** Market paths: HPI random walks per region with seeded regional downturns, and unemployment. */
export interface MarketParams {
  /** Months of market history before the window starts (for the lagged HPI change). */
  historyMonths: number;
  /** Monthly log-HPI noise (sigma). */
  hpiSigma: number;
  /** Seeded downturns: how many regions, monthly HPI fall (range), length in months (range). */
  downturns: number;
  downturnFall: [number, number];
  downturnMonths: [number, number];
  /** Unemployment rise at the bottom of a downturn, fraction (0.03 = 3 points), and monthly noise sigma. */
  downturnUnemployment: number;
  unemploymentSigma: number;
}

/** The full parameter set. */
export interface GeneratorParams {
  hazard: HazardParams;
  hangup: HangupParams;
  market: MarketParams;
  world: WorldParams;
}
