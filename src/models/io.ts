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
      const buf = await readFile(join(dir, group.paths[0] ?? bin));
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
