/**
 * Out-of-time split over as-of months: the earliest share trains, the next validates (early stopping and
 * calibration), the latest tests. Months are split, not rows, so no borrower-month leaks across periods.
 */
import { UsageError } from '../core/errors.ts';

export interface MonthSplit {
  train: string[];
  valid: string[];
  test: string[];
  /** First month of validation and of test: the boundaries passed to splitByAsOf. */
  validFrom: string;
  testFrom: string;
}

export function splitMonths(months: readonly string[], validShare = 0.2, testShare = 0.2): MonthSplit {
  const m = [...months].sort();
  if (m.length < 3)
    throw new UsageError(`an out-of-time split needs at least 3 as-of months; found ${m.length}`);
  const nTest = Math.max(1, Math.round(m.length * testShare));
  const nValid = Math.max(1, Math.round(m.length * validShare));
  const nTrain = m.length - nTest - nValid;
  if (nTrain < 1) throw new UsageError(`too few as-of months (${m.length}) to train, validate and test`);
  return {
    train: m.slice(0, nTrain),
    valid: m.slice(nTrain, nTrain + nValid),
    test: m.slice(nTrain + nValid),
    validFrom: m[nTrain]!,
    testFrom: m[nTrain + nValid]!,
  };
}
