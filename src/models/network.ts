/**
 * The network, as a tfjs functional graph of named dense layers so it saves and loads as a plain layers-model:
 *
 *   x ─► hidden_0 ─► hidden_1 ─► … ─► deep ─┐
 *   x ─────────────────────────────► wide ──┴─(+)─► logits (H months, or 1)
 *
 * - `deep` starts at zero, so training starts from the linear model and the hidden layers only add what the
 *   linear part cannot say: the network nests the logistic baseline instead of competing with it.
 * - `hidden: []` without `wide` is not allowed; `hidden: []` with `wide` is the logistic-regression baseline.
 * graph.ts takes the graph apart at its first layer; the forward pass after it is graph.ts's `finish`.
 * Outputs are logits; the loss applies the sigmoid (numerically stable), prediction applies it after calibration.
 */
import * as tf from '@tensorflow/tfjs';
import { UsageError } from '../core/errors.ts';
import { finish, graphParts } from './graph.ts';

/** Architecture of one network. */
export interface NetConfig {
  /** Model input width (columns after preprocessing). */
  inputDim: number;
  /** Hidden layer widths of the deep path. [] = no deep path. */
  hidden: number[];
  /** Number of outputs (H for the hazard, 1 for a binary target). */
  outputs: number;
  /** Seed of the weight initializers. */
  seed: number;
  /** A linear path from the inputs straight to the score (wide & deep). Default true. */
  wide?: boolean;
  /** Initial output biases (logits), e.g. the base-rate log-odds so training starts at the prior. */
  outputBias?: number[];
}

const zeros = () => tf.initializers.zeros();

/** Builds the graph with seeded initializers. */
export function buildNet(cfg: NetConfig): tf.LayersModel {
  const wide = cfg.wide ?? true;
  if (!wide && cfg.hidden.length === 0)
    throw new UsageError(
      'network: expected a wide (linear) path or hidden layers; found neither (wide: false, hidden: [])',
    );
  const input = tf.input({ shape: [cfg.inputDim], name: 'x' });
  const paths: tf.SymbolicTensor[] = [];
  if (wide) {
    paths.push(
      tf.layers
        .dense({
          units: cfg.outputs,
          kernelInitializer: tf.initializers.glorotUniform({ seed: cfg.seed + 101 }),
          name: 'wide',
        })
        .apply(input) as tf.SymbolicTensor,
    );
  }
  if (cfg.hidden.length) {
    let h: tf.SymbolicTensor = input;
    cfg.hidden.forEach((units, i) => {
      h = tf.layers
        .dense({
          units,
          activation: 'relu',
          kernelInitializer: tf.initializers.heNormal({ seed: cfg.seed + i }),
          name: `hidden_${i}`,
        })
        .apply(h) as tf.SymbolicTensor;
    });
    paths.push(
      tf.layers
        .dense({
          units: cfg.outputs,
          // With a wide path the deep path starts silent (see the module comment).
          kernelInitializer: wide ? zeros() : tf.initializers.glorotUniform({ seed: cfg.seed + 101 }),
          useBias: !wide,
          name: 'deep',
        })
        .apply(h) as tf.SymbolicTensor,
    );
  }
  const out =
    paths.length === 1 ? paths[0]! : (tf.layers.add({ name: 'score' }).apply(paths) as tf.SymbolicTensor);
  const net = tf.model({ inputs: input, outputs: out });
  // The output bias (the base rate) sits on the wide path, else on the deep path.
  if (cfg.outputBias) setBias(net, wide ? 'wide' : 'deep', cfg.outputBias);
  return net;
}

function setBias(net: tf.LayersModel, layer: string, b: number[]): void {
  const l = net.getLayer(layer);
  const [kernel] = l.getWeights();
  l.setWeights([kernel as tf.Tensor, tf.tensor1d(b)]);
}

function layerOrNull(net: tf.LayersModel, name: string): tf.layers.Layer | null {
  return net.layers.find((l) => l.name === name) ?? null;
}

/**
 * Training-time forward pass of the graph built by `buildNet`, with inverted dropout after each hidden layer.
 * The dropout seed changes every step (tf.dropout with a fixed seed would draw the same mask for every batch).
 */
export function forwardTrain(
  net: tf.LayersModel,
  x: tf.Tensor2D,
  dropout: number,
  stepSeed: number,
): tf.Tensor2D {
  const parts = graphParts(net);
  if (!parts)
    throw new UsageError(
      'network: expected a graph with a `wide` or `hidden_0` layer (network.ts); found neither',
    );
  return finish(
    parts,
    (layerOrNull(net, 'wide')?.apply(x) as tf.Tensor2D | undefined) ?? null,
    (layerOrNull(net, 'hidden_0')?.apply(x) as tf.Tensor2D | undefined) ?? null,
    dropout > 0 ? { rate: dropout, seed: stepSeed } : undefined,
  );
}

/** Sum of squared kernel weights (biases excluded), for L2 regularization. */
export function kernelSquares(net: tf.LayersModel): tf.Scalar {
  const terms = net.layers.flatMap((l) => l.getWeights(false).slice(0, 1)).map((k) => tf.sum(tf.square(k)));
  return tf.addN(terms) as tf.Scalar;
}

/** Rows per predict call: the wasm backend's per-op overhead is amortized over big batches. */
export const PREDICT_BATCH = 16_384;

/**
 * Logits averaged over ensemble members, row-major n × outputs. `x` is the preprocessed input (n × d).
 */
export function predictLogits(nets: tf.LayersModel[], x: Float32Array, n: number, d: number): Float32Array {
  const k = (nets[0]?.outputs[0]?.shape[1] as number | undefined) ?? 1;
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += PREDICT_BATCH) {
    const rows = Math.min(PREDICT_BATCH, n - start);
    const chunk = tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(start * d, (start + rows) * d), [rows, d]);
      // batchSize must be given: tfjs-layers' default of 32 makes predict ~500× slower on wasm.
      const ys = nets.map((net) => net.predict(xb, { batchSize: rows }) as tf.Tensor2D);
      return ys.length === 1 ? (ys[0] as tf.Tensor2D) : tf.div(tf.addN(ys), ys.length);
    });
    out.set(chunk.dataSync() as Float32Array, start * k);
    chunk.dispose();
  }
  return out;
}
