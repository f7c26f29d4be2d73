/**
 * Scores rows that pair an entity (a loan's state) with a context (hour, weekday, channel, notice) without
 * building them. The planner asks the hang-up model about ~100 candidate slots per loan — ~100 M rows at bank
 * scale — yet every slot is one of a few thousand contexts. The first layer of the network is linear in the
 * input columns, and a feature's columns belong either to the entity or to the context, so
 *
 *   x·W + b = x_entity·W + (x_context·W + b)
 *
 * exactly. Both products are computed once (entities × units, contexts × units); a slot then costs two row
 * gathers and the layers after the first, instead of a preprocessing pass and a full-width product.
 * Works on the graph built by network.ts (split by graph.ts); other graphs get null and the caller builds rows
 * as before.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureTable } from '../features/types.ts';
import { applyCalibration } from './calibrate.ts';
import { type Dense, finish, type GraphParts, graphParts, preActivation } from './graph.ts';
import { transform } from './preprocess.ts';
import type { TrainedModel } from './types.ts';

/** Calibrated probabilities of (entity, context) pairs. */
export interface PairScorer {
  /**
   * Probability of pair j = (entity[j], context[j]) for j < n. An entity index of −1 means "no state": the
   * entity side is then a row whose features are all missing.
   */
  score(entity: Int32Array, context: Int32Array, n: number): Float32Array;
  /** Frees the precomputed products (tensors on the backend). */
  dispose(): void;
}

/** Rows per transform → product step when precomputing the entity side (bounds the n × width buffer). */
const CHUNK = 65_536;

interface FirstLayer {
  /** Entity rows × units, with one extra last row for the all-missing entity. */
  entity: tf.Tensor2D;
  /** Context rows × units, bias included. */
  context: tf.Tensor2D;
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
    const parts: tf.Tensor2D[] = [];
    for (const t of [entities, missing]) {
      for (let a = 0; a < t.n; a += CHUNK) {
        const b = Math.min(t.n, a + CHUNK);
        const x = side(transform(pre, t, a, b), false);
        parts.push(tf.tidy(() => preActivation(d, tf.tensor2d(x, [b - a, pre.width]), false)));
      }
    }
    const entity = tf.concat(parts) as tf.Tensor2D;
    for (const p of parts) p.dispose();
    const context = tf.tidy(() =>
      preActivation(d, tf.tensor2d(side(transform(pre, contexts), true), [contexts.n, pre.width])),
    );
    return { entity, context };
  };
  const members: Member[] = (graphs as GraphParts[]).map((parts) => ({
    parts,
    wide: first(parts.wide),
    hidden: first(parts.hidden),
  }));
  const nEntities = entities.n;
  return {
    score(entity, context, n) {
      const z = tf.tidy(() => {
        const ei = tf.tensor1d(
          Int32Array.from(entity.subarray(0, n), (e) => (e < 0 ? nEntities : e)),
          'int32',
        );
        const ci = tf.tensor1d(context.subarray(0, n), 'int32');
        const pair = (f: FirstLayer | null) =>
          f ? (tf.add(tf.gather(f.entity, ei), tf.gather(f.context, ci)) as tf.Tensor2D) : null;
        const logits = members.map((m) => finish(m.parts, pair(m.wide), pair(m.hidden)));
        return logits.length === 1 ? logits[0]! : tf.div(tf.addN(logits), logits.length);
      });
      const raw = z.dataSync() as Float32Array;
      z.dispose();
      return applyCalibration(model.calibration, raw, model.outputs);
    },
    dispose() {
      for (const m of members) {
        for (const f of [m.wide, m.hidden]) {
          f?.entity.dispose();
          f?.context.dispose();
        }
      }
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
