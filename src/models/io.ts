/**
 * A small tfjs IO handler for the local file system: writes `<stem>.json` (topology + weights manifest) and
 * `<weights>.bin`, and loads them back. tfjs-node's `file://` handler is not available on the wasm backend.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BadInputError } from '../core/errors.ts';

/** An IO handler for `dir/<json>` and `dir/<bin>`; defaults model.json and weights.bin. */
export function fileIO(dir: string, json = 'model.json', bin = 'weights.bin'): tf.io.IOHandler {
  return {
    async save(artifacts) {
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [bin], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, bin), new Uint8Array(weights));
      await writeFile(join(dir, json), `${JSON.stringify(modelJson)}\n`);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load() {
      const path = join(dir, json);
      let parsed: tf.io.ModelJSON;
      try {
        parsed = JSON.parse(await readFile(path, 'utf8')) as tf.io.ModelJSON;
      } catch (e) {
        throw new BadInputError(`cannot read the model topology ${path}: ${(e as Error).message}`, {
          place: { file: path },
          cause: e,
        });
      }
      const group = parsed.weightsManifest[0];
      if (!group)
        throw new BadInputError(`model file ${path} has no weights manifest`, { place: { file: path } });
      const binPath = join(dir, group.paths[0] ?? bin);
      let buf: Buffer;
      try {
        buf = await readFile(binPath);
      } catch (e) {
        throw new BadInputError(`cannot read the model weights ${binPath}: ${(e as Error).message}`, {
          place: { file: binPath },
          cause: e,
        });
      }
      checkWeights(binPath, buf, group.weights);
      const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
      return {
        modelTopology: parsed.modelTopology,
        format: parsed.format,
        generatedBy: parsed.generatedBy,
        weightSpecs: group.weights,
        weightData,
      };
    },
  };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * A weights file cut short (a copy interrupted, a full disk) would load as garbage or throw deep inside tfjs, and
 * a NaN or infinite weight (an overwritten file, a diverged fit) makes every prediction NaN. Both are refused with
 * the file and the weight named.
 */
function checkWeights(path: string, buf: Buffer, specs: tf.io.WeightsManifestEntry[]): void {
  let expected = 0;
  for (const w of specs) expected += (BYTES[w.dtype ?? 'float32'] ?? 4) * w.shape.reduce((a, b) => a * b, 1);
  if (buf.byteLength !== expected)
    throw new BadInputError(
      `model weights ${path} hold ${buf.byteLength} bytes; expected ${expected} for the ${specs.length} weights of its manifest (truncated or from another model)`,
      { place: { file: path }, hint: 'restore the model folder or retrain with `followup train`' },
    );
  let at = 0;
  for (const w of specs) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if ((w.dtype ?? 'float32') === 'float32') {
      const values = new Float32Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + n * 4));
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new BadInputError(
          `model weights ${path}: weight ${w.name} holds ${values[bad]} at index ${bad}; expected finite numbers`,
          {
            place: { file: path, column: w.name },
            hint: 'restore the model folder or retrain with `followup train`',
          },
        );
    }
    at += (BYTES[w.dtype ?? 'float32'] ?? 4) * n;
  }
}
