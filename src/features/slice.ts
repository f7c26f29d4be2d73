/** Row ranges of a feature table, for scoring in batches without copying numeric columns. */
import type { FeatureTable } from './types.ts';

/** Rows [from, to) of a feature table (typed-array views, no copy of numeric data). */
export function sliceTable(t: FeatureTable, from: number, to: number): FeatureTable {
  const keys: FeatureTable['keys'] = { loan_id: t.keys.loan_id.slice(from, to) };
  if (t.keys.as_of) keys.as_of = t.keys.as_of.slice(from, to);
  if (t.keys.contact_id) keys.contact_id = t.keys.contact_id.slice(from, to);
  return {
    manifest: t.manifest,
    n: to - from,
    keys,
    numeric: Object.fromEntries(Object.entries(t.numeric).map(([k, v]) => [k, v.subarray(from, to)])),
    categorical: Object.fromEntries(Object.entries(t.categorical).map(([k, v]) => [k, v.slice(from, to)])),
  };
}
