/**
 * The interface between features and models: a column-oriented feature table plus its manifest. Features are
 * produced in DuckDB SQL (src/features/) and handed to models (src/models/) as typed arrays, never as row objects.
 */

/** One feature as the model sees it. */
export interface FeatureSpec {
  /** Column name, snake_case, stable across versions. */
  name: string;
  /** numeric → standardized; categorical → one-hot over the training vocabulary (unknown → an "other" slot). */
  type: 'numeric' | 'categorical';
  /** Family it belongs to (repayment, contact, loan, market, context). */
  family: string;
  /** Words for reason codes: `{v}` is the formatted value, `{one|other}` the noun form that agrees with it, e.g.
   * "{v} late {payment|payments} in the last 6 months" (src/core/format.ts fillPhrase). */
  phrase: string;
  /** Unit for display: "%" a fraction shown as a percent (0.34 → 34%), "pp" a difference of fractions in
   * percentage points, or a word ("days", "months") the phrase spells out itself. Empty when unitless. */
  unit?: string;
  /** For a lender's extra column: where it came from (`loans.column AGE`). Presentation; outside the hash. */
  source?: string;
}

/** Names, types and a hash that travels with every model so a model refuses features it was not trained on. */
export interface FeatureManifest {
  /** Version of the feature code (bumped when a definition changes meaning). */
  version: string;
  features: FeatureSpec[];
  /** sha256 of the stable JSON of {version, features(name, type)}. */
  hash: string;
}

/** A column-oriented batch of feature rows. Numeric columns are Float64Array with NaN for missing. */
export interface FeatureTable {
  manifest: FeatureManifest;
  /** Number of rows. */
  n: number;
  /** Row keys: loan id per row (and as-of date for snapshot rows, contact id for attempt rows). */
  keys: { loan_id: string[]; as_of?: string[]; contact_id?: string[] };
  numeric: Record<string, Float64Array>;
  categorical: Record<string, (string | null)[]>;
}

/** Discrete-time survival labels for the delinquency hazard: one per snapshot row. */
export interface HazardLabels {
  /** Month (1…H) in which 30+ DPD onset happened, 0 when no onset was observed. */
  event: Int32Array;
  /** Months observed (0…H): the months whose outcome is known (censoring by maturity, prepayment, data end). */
  observed: Int32Array;
  /** Horizon H in months (default 6). */
  horizon: number;
}
