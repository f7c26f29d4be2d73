/**
 * Borrowers and their loans, as of disbursement. A borrower carries the latent parts of the world (true income,
 * frailty, temperament, income shocks); a loan carries what the lender records in `loans`.
 */
import type { Loan } from '../contract/tables.ts';
import { addMonthsToDay } from '../core/months.ts';
import { GRADE_RANK } from './defaults.ts';
import { hpiChange6m, type MarketPaths } from './market.ts';
import type { CreditGrade, GeneratorParams, LoanType } from './params.ts';
import type { Rng } from './rng.ts';
import type { ContactTraits } from './traits.ts';

/** The world's time frame, as day numbers and flat month indexes. */
export interface WorldFrame {
  /** First day of the window (day number). */
  startDay: number;
  /** Last day of the window, inclusive: nothing dated later is known. */
  endDay: number;
  market: MarketPaths;
  params: GeneratorParams;
}

/** A borrower: observable home and phone plus the latent parts only the truth knows. */
export interface Borrower {
  /** Borrower id, e.g. `B0000042`. */
  id: string;
  /** Region code (ISO 3166-2:CN). */
  region: string;
  /** IANA time zone of the borrower. */
  zone: string;
  /** E.164 phone. */
  phone: string;
  /** personal or corporate (a borrower's loans share it). */
  loanType: LoanType;
  /** True monthly income (CNY). */
  income: number;
  /** Latent hazard frailty (logit). */
  frailty: number;
  /** Latent hang-up temperament (logit). */
  temperament: number;
  /** Months into a latent income shock per market month (index = month − market.firstMonth); 0 = none. */
  shock: Uint8Array;
  /** Latent contact traits (persona, notice reading); set by generateBorrower from a stream of their own. */
  traits?: ContactTraits;
}

/** A loan with the simulation's private extras. */
export interface SimLoan {
  row: Loan;
  disbursedDay: number;
  maturityDay: number;
  /** Monthly installment (CNY, rounded to cents). */
  installment: number;
  /** Monthly interest rate, fraction. */
  monthlyRate: number;
  grade: CreditGrade;
  /** Mortgage (long personal loan secured on a home). */
  mortgage: boolean;
  /** True for a repeat borrower's later loan. */
  repeat: boolean;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Draws a borrower's observable and latent attributes. */
export function drawBorrower(rng: Rng, index: number, frame: WorldFrame): Borrower {
  const w = frame.params.world;
  const weights: Record<string, number> = {};
  for (const r of w.regions) weights[r.code] = r.weight;
  const region = rng.weighted(weights);
  const home = w.regions.find((r) => r.code === region)!;
  const zone = rng.chance(w.foreignZoneShare) ? rng.pick(w.foreignZones) : home.zone;
  const phone = `+861${rng.int(3, 9)}${pad(rng.int(0, 999_999_999), 9)}`;
  const loanType: LoanType = rng.chance(w.personalShare) ? 'personal' : 'corporate';
  const income = rng.logNormal(w.incomeMedian[loanType], w.incomeSigma);
  const frailty = frame.params.hazard.frailtySd * rng.normal();
  const temperament = frame.params.hangup.temperamentSd * rng.normal();
  // Income shocks: a monthly chance that rises with the regional HPI fall, lasting a few months.
  const m = frame.market;
  const shock = new Uint8Array(m.months);
  let end = -1;
  for (let i = 0; i < m.months; i++) {
    if (i < end) {
      shock[i] = shock[i - 1]! + 1;
      continue;
    }
    const fall = Math.max(0, -hpiChange6m(m, region, m.firstMonth + i));
    if (rng.chance(w.shockMonthly * (1 + w.shockDownturn * fall))) {
      shock[i] = 1;
      end = i + rng.int(w.shockMonths[0], w.shockMonths[1]);
    }
  }
  return { id: `B${pad(index + 1, 7)}`, region, zone, phone, loanType, income, frailty, temperament, shock };
}

function round(x: number, step: number): number {
  return Math.round(x / step) * step;
}

/** Draws one loan of `b` disbursed on `disbursedDay`. `seq` numbers the borrower's loans from 1. */
export function drawLoan(
  rng: Rng,
  b: Borrower,
  frame: WorldFrame,
  disbursedDay: number,
  seq: number,
  prevGrade: CreditGrade | null,
): SimLoan {
  const w = frame.params.world;
  const mortgage = b.loanType === 'personal' && rng.chance(w.mortgageShare);
  let grade = rng.weighted(w.gradeMix[b.loanType]);
  if (prevGrade) {
    // A repeat borrower's grade moves at most one notch from the first loan's.
    const grades = Object.keys(GRADE_RANK) as CreditGrade[];
    const r = Math.min(6, Math.max(0, GRADE_RANK[prevGrade] + rng.int(-1, 1)));
    grade = grades[r]!;
  }
  const rank = GRADE_RANK[grade];
  const term = Number(rng.weighted(w.terms[mortgage ? 'mortgage' : b.loanType]));
  const rate = Math.max(
    0.01,
    w.rateByGrade[grade] - (mortgage ? w.mortgageRateDiscount : 0) + 0.004 * rng.normal(),
  );
  const annualRate = Math.round(rate * 10_000) / 10_000;
  const r = annualRate / 12;
  const burden = Math.min(
    0.9,
    Math.max(0.03, rng.logNormal(w.burdenMedian * (1 + w.burdenGradeStep * (rank - 3)), w.burdenSigma)),
  );
  const annuity = (1 - (1 + r) ** -term) / r;
  const principal = Math.max(1000, round(burden * b.income * annuity, 100));
  const installment = Math.round((principal / annuity) * 100) / 100;
  let collateral: number | null = null;
  if (mortgage) collateral = round(principal / rng.between(0.5, 0.8), 100);
  else if (b.loanType === 'corporate' && rng.chance(0.7))
    collateral = round(principal * rng.between(1.1, 2), 100);
  else if (rng.chance(0.1)) collateral = round(principal * rng.between(0.8, 1.3), 100);
  const declared = rng.chance(w.incomeMissingShare) ? null : round(b.income * (1 + 0.05 * rng.normal()), 100);
  const maturityDay = addMonthsToDay(disbursedDay, term);
  const row: Loan = {
    loan_id: `L${b.id.slice(1)}-${seq}`,
    borrower_id: b.id,
    loan_type: b.loanType,
    disbursed_on: '',
    maturity_on: '',
    principal,
    annual_rate: annualRate,
    term_months: term,
    credit_grade: grade,
    region: b.region,
    time_zone: b.zone,
    phone: b.phone,
    collateral_value: collateral,
    income: declared,
  };
  return { row, disbursedDay, maturityDay, installment, monthlyRate: r, grade, mortgage, repeat: seq > 1 };
}

/** Shock month (0 = none) of borrower `b` in flat month `mi`. */
export function shockMonthAt(b: Borrower, frame: WorldFrame, mi: number): number {
  return b.shock[mi - frame.market.firstMonth] ?? 0;
}
