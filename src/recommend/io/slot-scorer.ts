/**
 * Hang-up feature rows for the planner's candidate slots: the borrower state of loan `batch.loan[j]` (snapshot
 * features at as_of, one row per loan) joined with the slot's context (local hour, weekday, channel, notice).
 * Column-oriented like the SlotBatch itself, so scoring a million loans' slots allocates per batch, not per slot.
 */
import { CHANNELS } from '../../contract/tables.ts';
import { hourCode, weekdayCode } from '../../features/families/context.ts';
import { CONTEXT_FAMILY } from '../../features/families/index.ts';
import { hangupManifestFrom } from '../../features/index.ts';
import type { FeatureTable } from '../../features/types.ts';
import { pairScorer, predictHangup, type TrainedModel } from '../../models/index.ts';
import type { HangupScorer, SlotBatch } from '../index.ts';

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
  return {
    manifest: hangupManifestFrom(state.manifest),
    n,
    keys: { loan_id: loanIds },
    numeric,
    categorical,
  };
}

/** Context rows: every (hour 0–23, weekday code 0–7, channel, notice) a slot can have. */
const HOURS = 24;
const WEEKDAYS = 8;

/** Row of a slot's context in `slotContexts()`. */
function contextIndex(hour: number, weekday: number, channel: number, prenotified: number): number {
  return ((hour * WEEKDAYS + weekday) * CHANNELS.length + channel) * 2 + (prenotified ? 1 : 0);
}

/**
 * Every slot context as a hang-up feature table (entity features missing: the pair scorer reads only the
 * context columns of it), with the same codes `slotBatchTable` writes.
 */
export function slotContexts(state: FeatureTable, purpose = 'mid_term'): FeatureTable {
  const n = HOURS * WEEKDAYS * CHANNELS.length * 2;
  const hour = new Array<string>(n);
  const weekday = new Array<string>(n);
  const channel = new Array<string>(n);
  const pre = new Float64Array(n);
  for (let h = 0; h < HOURS; h++)
    for (let d = 0; d < WEEKDAYS; d++)
      for (let c = 0; c < CHANNELS.length; c++)
        for (const p of [0, 1]) {
          const i = contextIndex(h, d, c, p);
          hour[i] = HOUR_CODES[h]!;
          weekday[i] = WEEKDAY_CODES[d]!;
          channel[i] = CHANNELS[c]!;
          pre[i] = p;
        }
  return {
    manifest: hangupManifestFrom(state.manifest),
    n,
    keys: { loan_id: new Array<string>(n).fill('') },
    numeric: {
      ...Object.fromEntries(Object.keys(state.numeric).map((k) => [k, new Float64Array(n).fill(Number.NaN)])),
      prenotified_48h: pre,
      attempts_today: new Float64Array(n),
    },
    categorical: {
      ...Object.fromEntries(Object.keys(state.categorical).map((k) => [k, new Array<null>(n).fill(null)])),
      local_hour: hour,
      weekday,
      channel,
      purpose: new Array<string>(n).fill(purpose),
    },
  };
}

/** The loan states as hang-up feature rows whose context columns are placeholders (ignored by the pair scorer). */
function entityTable(state: FeatureTable): FeatureTable {
  const n = state.n;
  return {
    manifest: hangupManifestFrom(state.manifest),
    n,
    keys: state.keys,
    numeric: { ...state.numeric, prenotified_48h: new Float64Array(n), attempts_today: new Float64Array(n) },
    categorical: {
      ...state.categorical,
      ...Object.fromEntries(
        ['local_hour', 'weekday', 'channel', 'purpose'].map((k) => [k, new Array(n).fill(null)]),
      ),
    },
  };
}

/**
 * The planner's hang-up scorer over `state` (one row per loan; `stateRow` maps planner loans to it): the pair
 * scorer when the model's graph factors (src/models/pair-scorer.ts), else full rows from `slotBatchTable`.
 * Call `dispose` when planning is done.
 */
export function slotScorer(
  model: TrainedModel,
  state: FeatureTable,
  stateRow: Int32Array,
): { score: HangupScorer; dispose: () => void; factored: boolean } {
  const contextFeatures = new Set(CONTEXT_FAMILY.features.map((f) => f.name));
  const pairs = pairScorer(model, entityTable(state), slotContexts(state), contextFeatures);
  if (!pairs) {
    return {
      score: async (batch) => predictHangup(model, slotBatchTable(state, stateRow, batch)),
      dispose: () => {},
      factored: false,
    };
  }
  let entity = new Int32Array(0);
  let context = new Int32Array(0);
  return {
    score: async (batch) => {
      const n = batch.size;
      if (entity.length < n) {
        entity = new Int32Array(n);
        context = new Int32Array(n);
      }
      for (let j = 0; j < n; j++) {
        entity[j] = stateRow[batch.loan[j]!]!;
        context[j] = contextIndex(
          batch.hour[j]!,
          batch.weekday[j]!,
          batch.channel[j]!,
          batch.prenotified[j]!,
        );
      }
      return pairs.score(entity, context, n);
    },
    dispose: () => pairs.dispose(),
    factored: true,
  };
}
