import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { MismatchError } from '../../src/core/errors.ts';
import { auc } from '../../src/evaluate/auc.ts';
import { writeEvaluation } from '../../src/evaluate/evaluate.ts';
import { makeManifest } from '../../src/features/manifest.ts';
import { explain } from '../../src/models/explain.ts';
import { predictHangup, trainHangupModel } from '../../src/models/hangup.ts';
import { championVersion, loadChampion, loadModel, promote, saveModel } from '../../src/models/registry.ts';
import { drawLabels, riskTable, thirds } from './synthetic.ts';

const { table, logit } = riskTable(6000, 3);
const y = drawLabels(logit, 4);
const split = thirds(table.n);
const opts = { seed: 9, hidden: [16], epochs: 8, batchSize: 512, lr: 0.01, patience: 3 };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('hang-up network, registry and reason codes', async () => {
  const model = await trainHangupModel(table, y, split, opts);
  const p = predictHangup(model, table);

  it('learns the signal and is deterministic for a seed on one backend', async () => {
    const test: number[] = [];
    const yt: number[] = [];
    split.test.forEach((m, i) => {
      if (m) {
        test.push(p[i] as number);
        yt.push(y[i] as number);
      }
    });
    expect(auc(yt, test)).toBeGreaterThan(0.75);
    const again = await trainHangupModel(table, y, split, opts);
    expect(predictHangup(again, table)).toEqual(p);
    const w1 = model.nets[0]?.getWeights().map((w) => Array.from(w.dataSync()));
    const w2 = again.nets[0]?.getWeights().map((w) => Array.from(w.dataSync()));
    expect(w2).toEqual(w1);
    const other = await trainHangupModel(table, y, split, { ...opts, seed: 10 });
    expect(predictHangup(other, table)).not.toEqual(p);
  });

  it('save → load gives the same predictions; the card and champion pointer are written', async () => {
    const root = await mkdtemp(join(tmpdir(), 'followup-models-'));
    dirs.push(root);
    const dir = await saveModel(root, model, {
      name: 'hangup',
      version: 'v1',
      dataHash: 'abc',
      metrics: { auc: 0.8 },
      clock: fixedClock('2026-11-24T06:00:00Z'),
    });
    await writeEvaluation(dir, { auc: 0.8, ks: Number.NaN });
    const loaded = await loadModel(dir, table.manifest);
    expect(predictHangup(loaded, table)).toEqual(p);
    const card = JSON.parse(await readFile(join(dir, 'card.json'), 'utf8'));
    expect(card).toMatchObject({
      name: 'hangup',
      kind: 'hangup',
      manifestHash: table.manifest.hash,
      dataHash: 'abc',
      createdAt: '2026-11-24T06:00:00.000Z',
      training: { seed: 9, backend: model.training.backend },
    });
    expect(card.features.map((f: { name: string }) => f.name)).toEqual(['late', 'noise', 'channel']);
    const md = await readFile(join(dir, 'card.md'), 'utf8');
    expect(md).toContain(`| seed | 9 |`);
    expect(md).toContain(table.manifest.hash);
    expect(JSON.parse(await readFile(join(dir, 'evaluation.json'), 'utf8'))).toEqual({ auc: 0.8, ks: null });
    expect(await championVersion(root, 'hangup')).toBeUndefined();
    await promote(root, 'hangup', 'v1');
    expect(JSON.parse(await readFile(join(root, 'hangup', 'champion'), 'utf8'))).toEqual({ version: 'v1' });
    expect(predictHangup(await loadChampion(root, 'hangup'), table)).toEqual(p);
    await expect(promote(root, 'hangup', 'v2')).rejects.toThrow(/card\.json/);
  });

  it('refuses to load for a table with different features, naming them', async () => {
    const root = await mkdtemp(join(tmpdir(), 'followup-models-'));
    dirs.push(root);
    const dir = await saveModel(root, model, { name: 'hangup', version: 'v1' });
    const changed = makeManifest(
      [
        { name: 'late', type: 'numeric', family: 'repayment', phrase: '' },
        { name: 'hour', type: 'numeric', family: 'context', phrase: '' },
        { name: 'channel', type: 'numeric', family: 'contact', phrase: '' },
      ],
      'test-1',
    );
    const err = await loadModel(dir, changed).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MismatchError);
    expect((err as Error).message).toMatch(
      /added: hour; removed: noise; type changed: channel \(categorical → numeric\)/,
    );
  });

  it('reason codes name the feature that drives the risk, phrased with its value', () => {
    // rows 0..2: very late payers on a neutral channel → `late` must be the top reason
    const rows = { ...table, n: 3 };
    rows.numeric = { late: Float64Array.from([3, 2.5, 2]), noise: Float64Array.from([0, 0, 0]) };
    rows.categorical = { channel: ['email', 'email', 'call'] };
    const reasons = explain(model, rows, 3);
    for (const r of reasons) {
      expect(r[0]?.feature).toBe('late');
      expect(r[0]?.delta).toBeGreaterThan(0.1);
    }
    expect(reasons[0]?.[0]?.text).toBe('3 late payments in the last 6 months');
    // an sms row with an average lateness: the channel raises the risk, lateness does not
    const sms = {
      ...rows,
      n: 1,
      numeric: { late: Float64Array.from([-0.5]), noise: Float64Array.from([0]) },
    };
    sms.categorical = { channel: ['sms'] };
    const r2 = explain(model, sms, 3)[0] ?? [];
    expect(r2[0]?.feature).toBe('channel');
    expect(r2[0]?.text).toBe('contacted by sms');
    expect(r2.map((r) => r.feature)).not.toContain('late');
  });
});
