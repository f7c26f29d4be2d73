/**
 * Model versions hash what made the model: data, the train config as given, and every setting the fit resolved
 * (src/train/version.ts). A default changed in code shows in the resolved settings, never in the config, so it
 * must still give a new version. Real fits on a small table; the "changed default" is a fit whose resolved
 * setting differs while the config handed to the version stays the same.
 */
import { describe, expect, it } from 'vitest';
import { selectChampion } from '../../src/models/champion.ts';
import { trainHangupModel } from '../../src/models/hangup.ts';
import type { TrainedModel, TrainOptions } from '../../src/models/types.ts';
import { effectiveSettings, modelVersion } from '../../src/train/version.ts';
import { drawLabels, riskTable, thirds } from '../models/synthetic.ts';

const { table, logit } = riskTable(1500, 5);
const y = drawLabels(logit, 6);
const split = thirds(table.n);
const fit = (o: TrainOptions) => trainHangupModel(table, y, split, { seed: 1, epochs: 2, ...o });

function version(network: TrainedModel, baseline: TrainedModel, margin = 0): string {
  return modelVersion({
    lastTest: '2025-06-01',
    name: 'hangup',
    dataHash: 'd'.repeat(64),
    config: { epochs: 2, seed: 1 },
    backend: 'wasm',
    network,
    baseline,
    selection: selectChampion(network, baseline, margin),
  });
}

describe('model versions', () => {
  it('records the resolved preprocessing and calibration settings of a fit', async () => {
    const m = await fit({ arch: 'mlp' });
    expect(m.training.preprocess).toEqual({ clip: 0.001, minCount: 20, maxVocab: 64, bins: 0 });
    expect(m.training.calibrate).toEqual({ platt: true, priorShift: false });
    expect(m.training.options).toMatchObject({ lr: 0.002, l2: 1e-4, dropout: 0.2, hidden: [64, 32] });
    const b = await fit({ arch: 'logistic', preprocess: { clip: 0.01 }, calibrate: false });
    expect(b.training.preprocess?.clip).toBe(0.01);
    expect(b.training.calibrate).toEqual({ platt: false, priorShift: false });
    expect(b.training.options.hidden).toEqual([]);
  }, 120_000);

  it('changes when a resolved setting changes under the same config, and only then', async () => {
    const network = await fit({ arch: 'mlp' });
    const baseline = await fit({ arch: 'logistic' });
    const v = version(network, baseline);
    expect(v).toMatch(/^2025-06-01-[0-9a-f]{10}$/);
    // The same fit again (deterministic seed) gives the same version: versions stay content hashes.
    expect(version(await fit({ arch: 'mlp' }), baseline)).toBe(v);
    // A default written out explicitly is the same setting.
    const explicit = await fit({ arch: 'mlp', lr: 0.002, preprocess: { clip: 0.001 } });
    expect(effectiveSettings(explicit)).toEqual(effectiveSettings(network));
    expect(version(explicit, baseline)).toBe(v);
    // As if the code's default learning rate, clip share or calibration had changed: same config, new version.
    for (const o of [
      { lr: 0.003 },
      { preprocess: { clip: 0.002 } },
      { priorShift: true },
    ] as TrainOptions[]) {
      const changed = await fit({ arch: 'mlp', ...o });
      expect(effectiveSettings(changed)).not.toEqual(effectiveSettings(network));
      expect(version(changed, baseline), JSON.stringify(o)).not.toBe(v);
    }
    const baseChanged = await fit({ arch: 'logistic', l2: 1e-3 });
    expect(version(network, baseChanged)).not.toBe(v);
    // The champion margin's default is a setting too.
    expect(version(network, baseline, 0.001)).not.toBe(v);
  }, 300_000);
});
