/**
 * The graph of network.ts taken apart at its first layer. Everything that touches the raw input is linear
 * (`wide`, and `hidden_0` before its ReLU), so callers that know how the input decomposes can compute those
 * pre-activations cheaply — once per entity and per context (pair-scorer.ts), or as a low-rank change per
 * feature (explain.ts) — and let `finish` run the layers after them. Row gathers and column shifts are done in
 * JavaScript on plain arrays: the wasm backend's gather and strided slice are slower than its matrix product.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel (inputs × units) and bias of a dense layer. */
export interface Dense {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D | null;
}

/** One member network, split at the first layer. */
export interface GraphParts {
  wide: Dense | null;
  hidden: Dense | null;
  /** hidden_1, hidden_2, … */
  rest: tf.layers.Layer[];
  deep: tf.layers.Layer | null;
}

/** Splits a network.ts graph; null for any other graph (older sequential models). */
export function graphParts(net: tf.LayersModel): GraphParts | null {
  const layer = (name: string) => net.layers.find((l) => l.name === name) ?? null;
  const dense = (l: tf.layers.Layer | null): Dense | null => {
    if (!l) return null;
    const [kernel, bias] = l.getWeights() as [tf.Tensor2D, tf.Tensor1D | undefined];
    return { kernel, bias: bias ?? null };
  };
  const wide = dense(layer('wide'));
  const hidden = dense(layer('hidden_0'));
  if (!wide && !hidden) return null;
  const rest: tf.layers.Layer[] = [];
  for (let i = 1; layer(`hidden_${i}`); i++) rest.push(layer(`hidden_${i}`)!);
  return { wide, hidden, rest, deep: layer('deep') };
}

/** x·kernel (+ bias): a first-layer pre-activation. */
export function preActivation(d: Dense, x: tf.Tensor2D, withBias = true): tf.Tensor2D {
  const z = tf.matMul(x, d.kernel);
  return (withBias && d.bias ? tf.add(z, d.bias) : z) as tf.Tensor2D;
}

/**
 * Logits from the first layer's outputs: `wide` and `hidden` = ReLU(hidden_0 pre-activation), then the later
 * hidden layers, `deep` and the sum. With `dropout` (training), inverted dropout after every hidden layer, the
 * mask seeded per step and layer.
 */
export function finish(
  p: GraphParts,
  wide: tf.Tensor2D | null,
  hidden: tf.Tensor2D | null,
  dropout?: { rate: number; seed: number },
): tf.Tensor2D {
  const drop = (h: tf.Tensor2D, i: number) =>
    dropout ? (tf.dropout(h, dropout.rate, undefined, dropout.seed * 7 + i) as tf.Tensor2D) : h;
  const terms: tf.Tensor2D[] = [];
  if (wide) terms.push(wide);
  if (hidden && p.deep) {
    let h = drop(hidden, 0);
    p.rest.forEach((l, i) => {
      h = drop(l.apply(h) as tf.Tensor2D, i + 1);
    });
    terms.push(p.deep.apply(h) as tf.Tensor2D);
  }
  return terms.length === 1 ? terms[0]! : (tf.add(terms[0]!, terms[1]!) as tf.Tensor2D);
}

/** A first-layer pre-activation as a plain row-major array (rows × units). */
export interface Rows {
  data: Float32Array;
  units: number;
}

/** x·kernel (+ bias) read back into JavaScript. */
export function preActivationRows(d: Dense, x: tf.Tensor2D, withBias = true): Rows {
  const t = tf.tidy(() => preActivation(d, x, withBias));
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return { data, units: d.kernel.shape[1] };
}

/** The kernel as a plain row-major array (inputs × units), for per-column updates in JavaScript. */
export function kernelRows(d: Dense): Rows {
  return { data: d.kernel.dataSync() as Float32Array, units: d.kernel.shape[1] };
}

/** Logits from first-layer pre-activations held in JavaScript (see `finish`; the ReLU is applied here). */
export function finishRows(p: GraphParts, n: number, wide: Float32Array | null, hidden: Float32Array | null) {
  return tf.tidy(() =>
    finish(
      p,
      wide && p.wide ? tf.tensor2d(wide, [n, p.wide.kernel.shape[1]]) : null,
      hidden && p.hidden
        ? (tf.relu(tf.tensor2d(hidden, [n, p.hidden.kernel.shape[1]])) as tf.Tensor2D)
        : null,
    ),
  );
}
