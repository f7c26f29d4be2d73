/**
 * The shape of a feature family: its specs and one set-based SQL query over a spine table. Every family reads the
 * spine `(rid, loan_id, as_of, cutoff)` and returns one row per rid with exactly the columns named in its specs.
 *
 * Point in time: repayment, loan and market facts are known when dated on or before `as_of` (end of that day);
 * contacts are known when `started_at < cutoff` (for snapshots cutoff = as_of + 1 day at 00:00 UTC, for attempt
 * rows cutoff = the attempt's own start).
 */
import type { FeatureSpec } from '../types.ts';

export interface FeatureFamily {
  /** Family name, also the prefix of its scratch table `fx_<name>`. */
  name: string;
  /** Its features in output order. */
  features: FeatureSpec[];
  /** SELECT returning `rid` plus one column per feature, reading the spine table named `spine`. */
  sql(spine: string): string;
}

/** Shorthand for a numeric feature spec. */
export function num(family: string, name: string, phrase: string, unit = ''): FeatureSpec {
  return unit ? { name, type: 'numeric', family, phrase, unit } : { name, type: 'numeric', family, phrase };
}

/** Shorthand for a categorical feature spec. */
export function cat(family: string, name: string, phrase: string): FeatureSpec {
  return { name, type: 'categorical', family, phrase };
}
