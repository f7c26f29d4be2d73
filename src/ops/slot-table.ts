/**
 * Hang-up feature rows for the planner's candidate slots: the borrower state of loan `batch.loan[j]` (snapshot
 * features at as_of, one row per loan) joined with the slot's context (local hour, weekday, channel, notice).
 * Column-oriented like the SlotBatch itself, so scoring a million loans' slots allocates per batch, not per slot.
 */
import { CHANNELS } from '../contract/tables.ts';
import { hourCode, weekdayCode } from '../features/families/context.ts';
import { hangupManifest } from '../features/index.ts';
import type { FeatureTable } from '../features/types.ts';
import type { SlotBatch } from '../recommend/index.ts';

// Codes made once: this loop runs for every candidate slot of every loan (~100 M at bank scale).
const HOUR_CODES = Array.from({ length: 24 }, (_, h) => hourCode(h));
const WEEKDAY_CODES = Array.from({ length: 8 }, (_, d) => weekdayCode(d));

/** `stateRow[i]` maps planner loan i to its row in `state` (−1 when the loan has no state row). */
export function slotBatchTable(
  state: FeatureTable,
  stateRow: Int32Array,
  batch: SlotBatch,
  purpose = 'mid_term',
): FeatureTable {
  const n = batch.size;
  const numeric: Record<string, Float64Array> = {};
  const categorical: Record<string, (string | null)[]> = {};
  const rowOf = new Int32Array(n);
  for (let j = 0; j < n; j++) rowOf[j] = stateRow[batch.loan[j]!]!;
  for (const [k, src] of Object.entries(state.numeric)) {
    const dst = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const r = rowOf[j]!;
      dst[j] = r < 0 ? Number.NaN : src[r]!;
    }
    numeric[k] = dst;
  }
  for (const [k, src] of Object.entries(state.categorical)) {
    const dst = new Array<string | null>(n);
    for (let j = 0; j < n; j++) {
      const r = rowOf[j]!;
      dst[j] = r < 0 ? null : src[r]!;
    }
    categorical[k] = dst;
  }
  const hour = new Array<string>(n);
  const weekday = new Array<string>(n);
  const channel = new Array<string>(n);
  const purposes = new Array<string>(n).fill(purpose);
  const pre = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    hour[j] = HOUR_CODES[batch.hour[j]!]!;
    weekday[j] = WEEKDAY_CODES[batch.weekday[j]!]!;
    channel[j] = CHANNELS[batch.channel[j]!] ?? 'phone';
    pre[j] = batch.prenotified[j]!;
  }
  categorical.local_hour = hour;
  categorical.weekday = weekday;
  categorical.channel = channel;
  categorical.purpose = purposes;
  numeric.prenotified_48h = pre;
  // A planned attempt is the first of its day.
  numeric.attempts_today = new Float64Array(n);
  const loanIds = new Array<string>(n);
  for (let j = 0; j < n; j++) loanIds[j] = rowOf[j]! < 0 ? '' : state.keys.loan_id[rowOf[j]!]!;
  return { manifest: hangupManifest(), n, keys: { loan_id: loanIds }, numeric, categorical };
}

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
