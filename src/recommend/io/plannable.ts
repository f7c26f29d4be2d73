/**
 * Loans the planner can plan. The warehouse may hold rows that today's ingest refuses (loaded by an older version,
 * or written by hand): an `infinity` maturity, a `Factory` zone. One such loan must not stop the plan of the whole
 * book, so it is set aside here, named with its column and value, and the rest is planned.
 * Reads: the planner's view of each loan. Writes: nothing.
 */

import { DATE_RANGE } from '../../contract/columns.ts';
import { isAcceptedZone } from '../../contract/zones.ts';
import { ISO_DATE } from '../../core/days.ts';
import type { PlannerLoan } from '../index.ts';

/** A loan left out of the plan, and why. */
export interface SkippedLoan {
  loan_id: string;
  column: string;
  value: string;
  reason: string;
}

function problem(l: PlannerLoan): Omit<SkippedLoan, 'loan_id'> | undefined {
  for (const column of ['disbursed_on', 'maturity_on'] as const) {
    const v = String(l[column]);
    if (!ISO_DATE.test(v) || v < DATE_RANGE.min || v > DATE_RANGE.max)
      return {
        column,
        value: v,
        reason: `expected a date between ${DATE_RANGE.min} and ${DATE_RANGE.max}`,
      };
  }
  if (!isAcceptedZone(l.time_zone))
    return { column: 'time_zone', value: l.time_zone, reason: 'expected a canonical IANA time zone' };
  return undefined;
}

/** Splits the planner's loans (and their state rows, aligned) into plannable ones and the skipped. */
export function plannable(
  loans: PlannerLoan[],
  stateRow: Int32Array,
): { loans: PlannerLoan[]; stateRow: Int32Array; skipped: SkippedLoan[] } {
  const skipped: SkippedLoan[] = [];
  const keep: number[] = [];
  loans.forEach((l, i) => {
    const p = problem(l);
    if (p) skipped.push({ loan_id: l.loan_id, ...p });
    else keep.push(i);
  });
  if (skipped.length === 0) return { loans, stateRow, skipped };
  return {
    loans: keep.map((i) => loans[i] as PlannerLoan),
    stateRow: Int32Array.from(keep, (i) => stateRow[i] as number),
    skipped,
  };
}
