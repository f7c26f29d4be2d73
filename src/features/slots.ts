/**
 * Candidate-slot rows for the recommend stage: the hang-up model scored for every (loan × allowed slot).
 * The borrower-state part is computed ONCE per loan in DuckDB (the snapshot families at as_of), then crossed with
 * the slots in memory by copying typed-array values, so 1,000,000 loans × 100 slots never becomes a SQL join;
 * callers iterate `slotRowBatches` and score one batch at a time.
 * Row order of a crossed table is loan-major: row i·m + j is loan i with slot j (m = slots.length).
 */
import type { Warehouse } from '../warehouse/db.ts';
import { assembleFeatures } from './assemble.ts';
import { hangupManifestFrom, snapshotFamiliesOf, snapshotManifestOf } from './extras.ts';
import { hourCode, weekdayCode } from './families/context.ts';
import { readFeatureTable } from './read.ts';
import { checkDate } from './snapshot.ts';
import { buildSnapshotSpine } from './spine.ts';
import type { FeatureTable } from './types.ts';

/** One candidate contact slot in the borrower's local time. */
export interface Slot {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local hour 0–23 at which the attempt starts. */
  hour: number;
  /** Whether a delivered SMS/email announces the attempt within the 48 h before it. */
  prenotified: boolean;
  /** Channel of the attempt. Default 'phone'. */
  channel?: 'phone' | 'sms' | 'email' | 'visit' | 'app';
  /** Purpose of the follow-up. Default 'mid_term'. */
  purpose?: 'first' | 'mid_term' | 'final' | 'collection' | 'other';
}

/**
 * Borrower state at as_of for loans active then (optionally only `loanIds`): the snapshot features, one row per
 * loan ordered by loan_id. Written to temp table `fx_state` and read back as a FeatureTable.
 */
export async function buildBorrowerState(
  w: Warehouse,
  asOf: string,
  loanIds?: readonly string[],
): Promise<FeatureTable> {
  await buildSnapshotSpine(w, [checkDate(asOf, 'as-of date')], {
    name: 'fx_state_spine',
    ...(loanIds ? { loanIds } : {}),
  });
  await assembleFeatures(w, {
    spine: 'fx_state_spine',
    families: await snapshotFamiliesOf(w),
    out: 'fx_state',
    temp: true,
  });
  await w.run('DROP TABLE IF EXISTS fx_state_spine');
  try {
    return await readFeatureTable(w, 'fx_state', await snapshotManifestOf(w));
  } finally {
    await w.run('DROP TABLE IF EXISTS fx_state');
  }
}

/** The slot-dependent (context) columns of `loans` loans × slots; identical for every batch of the same size. */
interface SlotColumns {
  numeric: Record<string, Float64Array>;
  categorical: Record<string, (string | null)[]>;
}

function slotColumns(slots: readonly Slot[], loans: number): SlotColumns {
  const m = slots.length;
  const n = loans * m;
  const perSlot = <T>(f: (s: Slot) => T): T[] => {
    const one = slots.map(f);
    const dst = new Array<T>(n);
    for (let r = 0; r < n; r++) dst[r] = one[r % m] as T;
    return dst;
  };
  return {
    categorical: {
      local_hour: perSlot((s) => hourCode(s.hour)),
      weekday: perSlot((s) => weekdayCode(s.weekday)),
      channel: perSlot((s) => s.channel ?? 'phone'),
      purpose: perSlot((s) => s.purpose ?? 'mid_term'),
    },
    numeric: {
      prenotified_48h: Float64Array.from(perSlot((s) => (s.prenotified ? 1 : 0))),
      // A planned attempt is the first of its day.
      attempts_today: new Float64Array(n),
    },
  };
}

/**
 * Crosses loans [from, to) of a borrower-state table with every slot into hang-up rows (hangupManifestFrom).
 * `shared` context columns may be passed in (see slotRowBatches); they are then shared, not copied: read only.
 */
export function crossSlots(
  state: FeatureTable,
  slots: readonly Slot[],
  range: { from?: number; to?: number } = {},
  shared?: SlotColumns,
): FeatureTable {
  const from = range.from ?? 0;
  const to = Math.min(range.to ?? state.n, state.n);
  const m = slots.length;
  const n = Math.max(0, to - from) * m;
  const numeric: Record<string, Float64Array> = {};
  const categorical: Record<string, (string | null)[]> = {};
  const repeatNum = (src: Float64Array) => {
    const dst = new Float64Array(n);
    for (let i = from; i < to; i++) dst.fill(src[i] as number, (i - from) * m, (i - from + 1) * m);
    return dst;
  };
  const repeatAny = <T>(src: readonly T[]): T[] => {
    const dst = new Array<T>(n);
    for (let i = from, r = 0; i < to; i++) {
      const v = src[i] as T;
      for (let j = 0; j < m; j++) dst[r++] = v;
    }
    return dst;
  };
  for (const [k, v] of Object.entries(state.numeric)) numeric[k] = repeatNum(v);
  for (const [k, v] of Object.entries(state.categorical)) categorical[k] = repeatAny(v);
  const ctx =
    shared && (shared.numeric.attempts_today?.length ?? -1) === n ? shared : slotColumns(slots, to - from);
  Object.assign(numeric, ctx.numeric);
  Object.assign(categorical, ctx.categorical);
  const keys: FeatureTable['keys'] = { loan_id: repeatAny(state.keys.loan_id) };
  if (state.keys.as_of) keys.as_of = repeatAny(state.keys.as_of);
  return { manifest: hangupManifestFrom(state.manifest), n, keys, numeric, categorical };
}

/**
 * Yields crossed tables of `loansPerBatch` loans × all slots, in loan order. The context columns are built once
 * and shared by every full batch: treat batches as read-only.
 */
export function* slotRowBatches(
  state: FeatureTable,
  slots: readonly Slot[],
  loansPerBatch = Math.max(1, Math.floor(16_384 / Math.max(1, slots.length))),
): Generator<FeatureTable & { loanRange: [number, number] }> {
  const shared = slotColumns(slots, Math.min(loansPerBatch, state.n));
  for (let from = 0; from < state.n; from += loansPerBatch) {
    const to = Math.min(state.n, from + loansPerBatch);
    yield { ...crossSlots(state, slots, { from, to }, shared), loanRange: [from, to] };
  }
}

/** Hang-up rows for every active loan (or `loanIds`) at as_of × every slot. For large books use slotRowBatches. */
export async function buildSlotRows(
  w: Warehouse,
  asOf: string,
  slots: readonly Slot[],
  loanIds?: readonly string[],
): Promise<FeatureTable> {
  return crossSlots(await buildBorrowerState(w, asOf, loanIds), slots);
}
