/**
 * Damaged model files through the library's loader: a weights file cut short or holding NaN/Infinity must give a
 * typed error naming the file (and the weight), never a tfjs stack trace or a model that predicts NaN.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { BadInputError } from '../../src/core/errors.ts';
import { trainHangupModel } from '../../src/models/hangup.ts';
import { loadModel, saveModel } from '../../src/models/registry.ts';
import { tempDir } from '../ingest/helpers.ts';
import { drawLabels, riskTable, thirds } from '../models/synthetic.ts';

describe('damaged model weights', async () => {
  const { table, logit } = riskTable(400, 3);
  const model = await trainHangupModel(table, drawLabels(logit, 4), thirds(table.n), {
    seed: 9,
    hidden: [4],
    epochs: 1,
    batchSize: 128,
    lr: 0.01,
    patience: 1,
  });
  async function saved(): Promise<{ dir: string; bin: string; bytes: Buffer }> {
    const dir = await saveModel(tempDir('hostile-model-'), model, {
      name: 'hangup',
      version: 'v1',
      dataHash: 'h',
      metrics: {},
      clock: fixedClock('2026-01-01T00:00:00Z'),
    });
    // The first member's files (src/models/registry.ts memberFiles).
    const bin = join(
      dir,
      JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths[0],
    );
    return { dir, bin, bytes: await readFile(bin) };
  }

  it('loads when intact', async () => {
    const { dir } = await saved();
    await expect(loadModel(dir, table.manifest)).resolves.toMatchObject({ kind: model.kind });
  });

  it('refuses truncated weights, naming the file and both sizes', async () => {
    const { dir, bin, bytes } = await saved();
    await writeFile(bin, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const e = await loadModel(dir, table.manifest).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadInputError);
    expect((e as Error).message).toBe(
      `model weights ${bin} hold ${Math.floor(bytes.length / 2)} bytes; expected ${bytes.length} for the ${
        JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).weightsManifest[0].weights.length
      } weights of its manifest (truncated or from another model)`,
    );
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses a %s weight, naming the weight and index', async (word, value) => {
    const { dir, bin, bytes } = await saved();
    const copy = Buffer.from(bytes);
    copy.writeFloatLE(value, 8);
    await writeFile(bin, copy);
    const e = await loadModel(dir, table.manifest).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadInputError);
    expect((e as Error).message).toMatch(
      new RegExp(`^model weights .*: weight \\S+ holds ${word} at index 2; expected finite numbers$`),
    );
  });
});
