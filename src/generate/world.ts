/**
 * One borrower's slice of the world: the borrower, their loans (one, sometimes a later second), each loan's
 * installments, true hazards and contacts. Pure given (seed, index, frame): borrowers are independent, so the
 * world is generated in any block size with the same bytes.
 */
import type { Loan, Repayment } from '../contract/tables.ts';
import { ymdOf } from '../core/days.ts';
import { drawBorrower, drawLoan, type WorldFrame } from './borrower.ts';
import { type ContactDraft, simulateContacts } from './contacts.ts';
import { type HazardRow, simulateRepayments } from './repayments.ts';
import { Rng } from './rng.ts';
import { type ContactTraits, drawTraits } from './traits.ts';

const STREAM_BORROWER = 2;
/** Contact traits have a stream of their own: adding them left every loan and repayment as it was. */
const STREAM_TRAITS = 3;

/** Everything one borrower contributes to the output files. */
export interface BorrowerSlice {
  loans: Loan[];
  repayments: Repayment[];
  hazards: HazardRow[];
  /** Contacts of all the borrower's loans, each loan's in time order. */
  contacts: ContactDraft[];
  /** The borrower's latent contact traits and temperament (truth/borrowers.csv). */
  borrower: { id: string; temperament: number; traits: ContactTraits };
}

/** Generates borrower number `index` (0-based). */
export function generateBorrower(seed: number, index: number, frame: WorldFrame): BorrowerSlice {
  const rng = new Rng(seed, STREAM_BORROWER, index);
  const w = frame.params.world;
  const b = drawBorrower(rng, index, frame);
  b.traits = drawTraits(new Rng(seed, STREAM_TRAITS, index), b.loanType, frame.params.hangup);
  const lastDisbursal = frame.endDay - 30;
  const days = [rng.int(frame.startDay, Math.max(frame.startDay, lastDisbursal))];
  if (rng.chance(w.repeatShare)) {
    const second = days[0]! + rng.int(180, 720);
    if (second <= lastDisbursal) days.push(second);
  }
  const slice: BorrowerSlice = {
    loans: [],
    repayments: [],
    hazards: [],
    contacts: [],
    borrower: { id: b.id, temperament: b.temperament, traits: b.traits },
  };
  let prevGrade = null;
  for (let s = 0; s < days.length; s++) {
    const loan = drawLoan(rng, b, frame, days[s]!, s + 1, prevGrade);
    prevGrade = loan.grade;
    loan.row.disbursed_on = ymdOf(loan.disbursedDay);
    loan.row.maturity_on = ymdOf(loan.maturityDay);
    const hist = simulateRepayments(rng, b, loan, frame);
    slice.loans.push(loan.row);
    for (const r of hist.repayments) slice.repayments.push(r);
    for (const h of hist.hazards) slice.hazards.push(h);
    for (const c of simulateContacts(rng, b, loan, hist, frame)) slice.contacts.push(c);
  }
  return slice;
}
