/**
 * The network: a shared MLP trunk and one linear output per target (H months for the hazard, 1 for hang-up).
 * Outputs are logits; the loss applies the sigmoid (numerically stable) and prediction applies it after calibration.
 * `hidden: []` is the logistic-regression baseline: same code, same loss, no hidden layer.
 */
import * as tf from '@tensorflow/tfjs';

/** Architecture of one network. */
export interface NetConfig {
  /** Model input width (columns after preprocessing). */
  inputDim: number;
  /** Hidden layer widths. Default [64, 32]; [] gives logistic regression. */
  hidden: number[];
  /** Number of outputs (H for the hazard, 1 for a binary target). */
  outputs: number;
  /** Seed of the weight initializers. */
  seed: number;
  /** Initial output biases (logits), e.g. the base-rate log-odds so training starts at the prior. */
  outputBias?: number[];
}

/** Builds a sequential dense network with seeded initializers. */
export function buildNet(cfg: NetConfig): tf.Sequential {
  const net = tf.sequential();
  let inputShape: number[] | undefined = [cfg.inputDim];
  cfg.hidden.forEach((units, i) => {
    net.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: cfg.seed + i }),
        ...(inputShape ? { inputShape } : {}),
      }),
    );
    inputShape = undefined;
  });
  net.add(
    tf.layers.dense({
      units: cfg.outputs,
      kernelInitializer: tf.initializers.glorotUniform({ seed: cfg.seed + 101 }),
      ...(inputShape ? { inputShape } : {}),
    }),
  );
  if (cfg.outputBias) {
    const out = net.layers[net.layers.length - 1] as tf.layers.Layer;
    const [kernel] = out.getWeights();
    out.setWeights([kernel as tf.Tensor, tf.tensor1d(cfg.outputBias)]);
  }
  return net;
}

/**
 * Training-time forward pass: layers applied one by one with inverted dropout after each hidden layer. The
 * dropout seed changes every step (tf.dropout with a fixed seed would draw the same mask for every batch).
 */
export function forwardTrain(
  net: tf.LayersModel,
  x: tf.Tensor2D,
  dropout: number,
  stepSeed: number,
): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  const last = net.layers.length - 1;
  net.layers.forEach((layer, i) => {
    h = layer.apply(h) as tf.Tensor2D;
    if (i < last && dropout > 0) h = tf.dropout(h, dropout, undefined, stepSeed * 7 + i) as tf.Tensor2D;
  });
  return h;
}

/** Sum of squared kernel weights (biases excluded), for L2 regularization. */
export function kernelSquares(net: tf.LayersModel): tf.Scalar {
  const terms = net.layers.map((l) =>
    tf.sum(tf.square((l.getWeights(false)[0] ?? tf.scalar(0)) as tf.Tensor)),
  );
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
