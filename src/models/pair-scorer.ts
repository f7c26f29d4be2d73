/**
 * Scores rows that pair an entity (a loan's state) with a context (hour, weekday, channel, notice) without
 * building them. The planner asks the hang-up model about ~100 candidate slots per loan — ~100 M rows at bank
 * scale — yet every slot is one of a few thousand contexts. The first layer of the network is linear in the
 * input columns, and a feature's columns belong either to the entity or to the context, so
 *
 *   x·W + b = x_entity·W + (x_context·W + b)
 *
 * exactly. Both products are computed once (entities × units, contexts × units); a slot then costs adding two
 * rows and the layers after the first, instead of a preprocessing pass and a full-width product.
 * Works on the graph built by network.ts (split by graph.ts); other graphs get null and the caller builds rows
 * as before.
 */
import * as tf from '@tensorflow/tfjs';
import { UsageError } from '../core/errors.ts';
import type { FeatureTable } from '../features/types.ts';
import { applyCalibration } from './calibrate.ts';
import { type Dense, finishRows, type GraphParts, graphParts, preActivationRows } from './graph.ts';
import { transform } from './preprocess.ts';
import type { TrainedModel } from './types.ts';

/** Calibrated probabilities of (entity, context) pairs. */
export interface PairScorer {
  /**
   * Probability of pair j = (entity[j], context[j]) for j < n. An entity index of −1 means "no state": the
   * entity side is then a row whose features are all missing.
   */
  score(entity: Int32Array, context: Int32Array, n: number): Float32Array;
  /** Releases the precomputed products. */
  dispose(): void;
}

/** Rows per transform → product step when precomputing the entity side (bounds the n × width buffer). */
const CHUNK = 65_536;

interface FirstLayer {
  /** Entity rows × units, with one extra last row for the all-missing entity. */
  entity: Float32Array;
  /** Context rows × units, bias included. */
  context: Float32Array;
  units: number;
}

interface Member {
  parts: GraphParts;
  wide: FirstLayer | null;
  hidden: FirstLayer | null;
}

/**
 * Precomputes the first-layer products of every member. `entities` and `contexts` are tables with the model's
 * full manifest; only the columns of their own side are read (the other side's values are ignored), and
 * `contextFeatures` names the features that belong to the context. Returns null for a graph it cannot factor.
 */
export function pairScorer(
  model: TrainedModel,
  entities: FeatureTable,
  contexts: FeatureTable,
  contextFeatures: ReadonlySet<string>,
): PairScorer | null {
  const graphs = model.nets.map(graphParts);
  if (graphs.some((g) => g === null)) return null;
  const pre = model.preprocess;
  const contextCols: number[] = [];
  const entityCols: number[] = [];
  for (const [name, [a, b]] of Object.entries(pre.spans)) {
    for (let c = a; c < b; c++) (contextFeatures.has(name) ? contextCols : entityCols).push(c);
  }
  // Keeps one side's columns of a row-major input and zeroes the other's.
  const side = (x: Float32Array, keepContext: boolean) => {
    const drop = keepContext ? entityCols : contextCols;
    for (let r = 0; r < x.length; r += pre.width) for (const c of drop) x[r + c] = 0;
    return x;
  };
  const missing = missingEntity(entities);
  const first = (d: Dense | null): FirstLayer | null => {
    if (!d) return null;
    const units = d.kernel.shape[1];
    const entity = new Float32Array((entities.n + 1) * units);
    let at = 0;
    for (const t of [entities, missing]) {
      for (let a = 0; a < t.n; a += CHUNK) {
        const b = Math.min(t.n, a + CHUNK);
        const x = tf.tensor2d(side(transform(pre, t, a, b), false), [b - a, pre.width]);
        entity.set(preActivationRows(d, x, false).data, at);
        x.dispose();
        at += (b - a) * units;
      }
    }
    const xc = tf.tensor2d(side(transform(pre, contexts), true), [contexts.n, pre.width]);
    const context = preActivationRows(d, xc).data;
    xc.dispose();
    return { entity, context, units };
  };
  const members: Member[] = (graphs as GraphParts[]).map((parts) => ({
    parts,
    wide: first(parts.wide),
    hidden: first(parts.hidden),
  }));
  const nEntities = entities.n;
  // The rows of a call are built in buffers kept from call to call (one per member and layer), not allocated
  // anew: the planner calls ~2,000 times at a million loans with ~8 MB of rows each, and every fresh typed array
  // counted as external memory, which made V8 run a young-generation collection every ~70 ms of planning that
  // found nothing to free. Every tensor made from them is disposed before `score` returns, so the next call may
  // overwrite them.
  const scratch = new Map<FirstLayer, Float32Array>();
  // Row j = entity row + context row, built in JavaScript (a wasm gather is slower than the whole network).
  const pair = (f: FirstLayer | null, entity: Int32Array, context: Int32Array, n: number) => {
    if (!f) return null;
    const u = f.units;
    let buf = scratch.get(f);
    if (!buf || buf.length < n * u) {
      buf = new Float32Array(n * u);
      scratch.set(f, buf);
    }
    const out = buf.length === n * u ? buf : buf.subarray(0, n * u);
    // The arrays in locals and four columns a step: the loop runs ~5 G times at a million loans, and this form
    // took it from 2.3 to 1.2 ns a column in a microbenchmark (64 units). Each sum is the same float sum as before.
    const E = f.entity;
    const C = f.context;
    const u4 = u - (u % 4);
    for (let j = 0; j < n; j++) {
      const e = entity[j]!;
      const eo = (e < 0 ? nEntities : e) * u;
      const co = context[j]! * u;
      const o = j * u;
      let k = 0;
      for (; k < u4; k += 4) {
        out[o + k] = E[eo + k]! + C[co + k]!;
        out[o + k + 1] = E[eo + k + 1]! + C[co + k + 1]!;
        out[o + k + 2] = E[eo + k + 2]! + C[co + k + 2]!;
        out[o + k + 3] = E[eo + k + 3]! + C[co + k + 3]!;
      }
      for (; k < u; k++) out[o + k] = E[eo + k]! + C[co + k]!;
    }
    return out;
  };
  return {
    score(entity, context, n) {
      if (members.length === 0)
        throw new UsageError('pair scorer: expected a live scorer; found one already disposed');
      const z = tf.tidy(() => {
        const logits = members.map((m) =>
          finishRows(m.parts, n, pair(m.wide, entity, context, n), pair(m.hidden, entity, context, n)),
        );
        return logits.length === 1 ? logits[0]! : tf.div(tf.addN(logits), logits.length);
      });
      const raw = z.dataSync() as Float32Array;
      z.dispose();
      return applyCalibration(model.calibration, raw, model.outputs);
    },
    dispose() {
      // The products are plain arrays; dropping them lets a long-lived scorer object stop holding ~256 MB.
      members.length = 0;
      scratch.clear();
    },
  };
}

/** A one-row table like `t` whose features are all missing. */
function missingEntity(t: FeatureTable): FeatureTable {
  return {
    manifest: t.manifest,
    n: 1,
    keys: { loan_id: [''] },
    numeric: Object.fromEntries(Object.keys(t.numeric).map((k) => [k, Float64Array.of(Number.NaN)])),
    categorical: Object.fromEntries(Object.keys(t.categorical).map((k) => [k, [null]])),
  };
}
