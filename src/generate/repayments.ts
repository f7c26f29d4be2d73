/**
 * One loan's installments month by month: on time, 1–29 days late, or — drawn from the true hazard — the first
 * 30+ DPD onset, after which installments are paid 30–120 days late or stay unpaid until the loan cures.
 * Prepayment ends a loan early. Nothing dated after the world's end is known: such payments are null.
 *
 * Reads: borrower, loan, market. Writes: repayments rows, truth/hazard rows, the delinquency periods that drive
 * collection calls.
 */
import type { Repayment } from '../contract/tables.ts';
import { ymdOf } from '../core/days.ts';
import { addMonthsToDay, monthIndex, monthStartDay } from '../core/months.ts';
import type { Borrower, SimLoan, WorldFrame } from './borrower.ts';
import { GRADE_RANK } from './defaults.ts';
import { hpiChange6m, unemploymentGap } from './market.ts';
import type { Rng } from './rng.ts';
import { trueMonthlyHazard } from './truth.ts';

/** One row of truth/hazard.csv. */
export interface HazardRow {
  loan_id: string;
  /** First day of the installment's due month, `YYYY-MM-01`. */
  month: string;
  /** True probability of first 30+ DPD onset on this month's installment, given none before. */
  hazard: number;
}

/** A stretch of days during which the loan is 30+ days past due: [from, to), `to` = Infinity if unresolved. */
export interface DayRange {
  from: number;
  to: number;
}

/** What the simulation of one loan yields. */
export interface LoanHistory {
  repayments: Repayment[];
  hazards: HazardRow[];
  /** 30+ DPD periods, sorted and disjoint. */
  delinquent: DayRange[];
  /** Day the loan was prepaid, or null. */
  prepaidDay: number | null;
  /** Day of the installment that first went 30+ DPD, or null. */
  onsetDue: number | null;
}

const money = (x: number) => Math.round(x * 100) / 100;

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Outstanding principal after `k` installments of an annuity. */
function balanceAfter(loan: SimLoan, k: number): number {
  const r = loan.monthlyRate;
  const g = (1 + r) ** k;
  return Math.max(0, loan.row.principal * g - (loan.installment * (g - 1)) / r);
}

/** Simulates the installments of `loan` due up to the world's end. */
export function simulateRepayments(rng: Rng, b: Borrower, loan: SimLoan, frame: WorldFrame): LoanHistory {
  const w = frame.params.world;
  const term = loan.row.term_months;
  const due: number[] = [];
  const paid: (number | null)[] = [];
  const amountPaid: (number | null)[] = [];
  const amountDue: number[] = [];
  const lateMinor: boolean[] = [];
  const hazards: HazardRow[] = [];
  let everOnset = false;
  let delinquent = false;
  let onsetDue: number | null = null;
  let prepaidDay: number | null = null;
  let open: number[] = [];
  for (let k = 1; k <= term; k++) {
    const d = addMonthsToDay(loan.disbursedDay, k);
    if (d > frame.endDay) break;
    const mi = monthIndex(d);
    const i = k - 1;
    due.push(d);
    amountDue.push(k === term ? money(balanceAfter(loan, k - 1) * (1 + loan.monthlyRate)) : loan.installment);
    paid.push(null);
    amountPaid.push(null);
    lateMinor.push(false);
    if (delinquent) {
      if (rng.chance(w.cureMonthly)) {
        // Cure: the borrower catches up on everything open and pays this installment on time.
        // Never before every open installment is 30 days overdue: the onset must show as 30+ DPD in the data.
        let cureDay = d - rng.int(0, 5);
        for (const j of open) cureDay = Math.max(cureDay, due[j]! + 30);
        for (const j of open) {
          paid[j] = cureDay;
          amountPaid[j] = amountDue[j]!;
        }
        open = [];
        delinquent = false;
      } else {
        if (rng.chance(w.unpaidWhileDelinquent)) open.push(i);
        else {
          paid[i] = d + rng.int(30, 120);
          amountPaid[i] = amountDue[i]!;
        }
        continue;
      }
    }
    const shockMonth = b.shock[mi - frame.market.firstMonth] ?? 0;
    if (!everOnset) {
      if (k < term && rng.chance(w.prepayMonthly + (GRADE_RANK[loan.grade] <= 1 ? w.prepayGoodGrade : 0))) {
        prepaidDay = Math.max(loan.disbursedDay + 1, d - rng.int(0, 10));
        paid[i] = prepaidDay;
        amountPaid[i] = money(amountDue[i]! + balanceAfter(loan, k));
        break;
      }
      let recentLate = 0;
      for (let j = Math.max(0, i - 6); j < i; j++) if (lateMinor[j]) recentLate++;
      const hazard = trueMonthlyHazard(
        {
          grade: loan.grade,
          loanType: b.loanType,
          burden: loan.installment / b.income,
          recentLate,
          hpiChange6m: hpiChange6m(frame.market, b.region, mi),
          unemploymentGap: unemploymentGap(frame.market, b.region, mi),
          shockMonth,
          frailty: b.frailty,
          repeat: loan.repeat,
        },
        frame.params.hazard,
      );
      hazards.push({ loan_id: loan.row.loan_id, month: ymdOf(monthStartDay(mi)), hazard });
      if (rng.chance(hazard)) {
        everOnset = true;
        delinquent = true;
        onsetDue = d;
        if (rng.chance(w.unpaidWhileDelinquent)) open.push(i);
        else {
          paid[i] = d + rng.int(30, 120);
          amountPaid[i] = amountDue[i]!;
        }
        continue;
      }
    }
    const pLate = logistic(
      w.lateBase + w.lateGradeStep * GRADE_RANK[loan.grade] + (shockMonth > 0 ? w.lateShock : 0),
    );
    if (rng.chance(pLate)) {
      // Minor lateness is mostly a few days: skewed toward 1.
      paid[i] = d + 1 + Math.floor(29 * rng.uniform() ** 2);
      lateMinor[i] = true;
    } else paid[i] = Math.max(loan.disbursedDay + 1, d - rng.int(0, 3));
    amountPaid[i] = rng.chance(w.partialShare) ? money(amountDue[i]! * rng.between(0.3, 0.9)) : amountDue[i]!;
  }
  const repayments: Repayment[] = [];
  const delinquentRaw: DayRange[] = [];
  for (let i = 0; i < due.length; i++) {
    // The future is not known: a payment after the world's end is still unpaid in the data.
    const pd = paid[i] ?? null;
    const p = pd !== null && pd <= frame.endDay ? pd : null;
    repayments.push({
      loan_id: loan.row.loan_id,
      installment_no: i + 1,
      due_on: ymdOf(due[i]!),
      amount_due: amountDue[i]!,
      paid_on: p === null ? null : ymdOf(p),
      amount_paid: p === null ? null : amountPaid[i]!,
    });
    if (pd === null || pd - due[i]! >= 30) delinquentRaw.push({ from: due[i]! + 30, to: pd ?? Infinity });
  }
  return { repayments, hazards, delinquent: mergePeriods(delinquentRaw), prepaidDay, onsetDue };
}

/** Union of periods, sorted. */
export function mergePeriods(ps: DayRange[]): DayRange[] {
  const s = [...ps].sort((a, b) => a.from - b.from);
  const out: DayRange[] = [];
  for (const p of s) {
    const last = out[out.length - 1];
    if (last && p.from <= last.to) last.to = Math.max(last.to, p.to);
    else out.push({ ...p });
  }
  return out;
}

/** True when `day` falls in one of the periods. */
export function inPeriods(ps: DayRange[], day: number): boolean {
  for (const p of ps) if (day >= p.from && day < p.to) return true;
  return false;
}
