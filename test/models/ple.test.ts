/**
 * Piecewise-linear encodings of numeric inputs (preprocess.ts `bins`): the encoding itself, and that what reads the
 * network's first layer per feature — reason codes and the factored pair scorer — stays exact with it.
 */
import { describe, expect, it } from 'vitest';
import { makeManifest } from '../../src/features/manifest.ts';
import type { FeatureTable } from '../../src/features/types.ts';
import { explain } from '../../src/models/explain.ts';
import { predictHangup, trainHangupModel } from '../../src/models/hangup.ts';
import { pairScorer } from '../../src/models/pair-scorer.ts';
import { DEFAULT_PLE_BINS, fitPreprocess, referenceRow, transform } from '../../src/models/preprocess.ts';
import { drawLabels, riskTable, thirds } from './synthetic.ts';

function numbers(x: number[], flag?: number[]): FeatureTable {
  return {
    manifest: makeManifest(
      [
        { name: 'x', type: 'numeric', family: 't', phrase: 'x {v}' },
        { name: 'flag', type: 'numeric', family: 't', phrase: 'flag {v}' },
      ],
      'ple',
    ),
    n: x.length,
    keys: { loan_id: x.map((_, i) => `L${i}`) },
    numeric: { x: Float64Array.from(x), flag: Float64Array.from(flag ?? x.map((_, i) => i % 2)) },
    categorical: {},
  };
}

describe('piecewise-linear encoding', () => {
  const train = numbers(Array.from({ length: 100 }, (_, i) => i));
  const rows = Int32Array.from({ length: 100 }, (_, i) => i);

  it('bins at training quantiles: 0 below a bin, 1 above it, the position inside it; the value column stays', () => {
    const s = fitPreprocess(train, rows, { clip: 0, bins: 4 });
    expect(s.numeric[0]!.edges).toEqual([0, 24, 49, 74, 99]);
    // A 0/1 feature gets no bins: its value column already says all of it.
    expect(s.numeric[1]!.edges).toBeUndefined();
    expect(s.columns).toEqual(['x', 'x:bin1', 'x:bin2', 'x:bin3', 'x:bin4', 'flag']);
    const t = numbers([30, -5, 500, 49], [0, 1, 0, 1]);
    const x = transform(s, t);
    const row = (i: number) => Array.from(x.subarray(i * s.width + 1, i * s.width + 5));
    expect(row(0)[0]).toBe(1);
    expect(row(0)[1]).toBeCloseTo(6 / 25, 6);
    expect(row(0).slice(2)).toEqual([0, 0]);
    expect(row(1)).toEqual([0, 0, 0, 0]);
    expect(row(2)).toEqual([1, 1, 1, 1]);
    expect(row(3)).toEqual([1, 1, 0, 0]);
    // The standardized value is the same column as without bins: a model on these inputs contains the linear one.
    const plain = fitPreprocess(train, rows, { clip: 0 });
    const xp = transform(plain, t);
    for (let i = 0; i < t.n; i++) expect(x[i * s.width]).toBe(xp[i * plain.width]);
    // The reference row encodes the training median the same way.
    const ref = referenceRow(s);
    expect(Array.from(ref.subarray(1, 5))).toEqual(
      Array.from(transform(s, numbers([s.numeric[0]!.median], [s.numeric[1]!.median])).subarray(1, 5)),
    );
  });

  it('is continuous and non-decreasing in the value', () => {
    const s = fitPreprocess(train, rows, { clip: 0, bins: 8 });
    const grid = Array.from({ length: 1201 }, (_, i) => -10 + i * 0.1);
    const x = transform(
      s,
      numbers(
        grid,
        grid.map(() => 0),
      ),
    );
    let last = -1;
    for (let i = 0; i < grid.length; i++) {
      let sum = 0;
      for (let c = 1; c <= 8; c++) sum += x[i * s.width + c]!;
      expect(sum).toBeGreaterThanOrEqual(last);
      expect(sum - Math.max(last, 0)).toBeLessThan(0.1 / 12 + 1e-6); // no jump: a 0.1 step moves it ≤ 0.1 / 12
      last = sum;
    }
  });
});

const PLE = { bins: 8 };

describe('a network on piecewise-linear inputs', () => {
  const { table, logit } = riskTable(4000, 21);
  const y = drawLabels(logit, 22);
  const split = thirds(table.n);

  it('gets the bins when asked (not by default), and its reason codes stay exact', async () => {
    const model = await trainHangupModel(table, y, split, { seed: 2, epochs: 8, preprocess: PLE });
    const plain = await trainHangupModel(table, y, split, { seed: 2, epochs: 1 });
    expect(DEFAULT_PLE_BINS).toBe(0);
    expect(model.preprocess.columns.filter((c) => c.startsWith('late:bin')).length).toBe(8);
    expect(plain.preprocess.columns.some((c) => c.includes(':bin'))).toBe(false);
    const fast = explain(model, table, 3);
    const slow = explain(model, table, 3, 'perturb');
    let worst = 0;
    for (const [i, rs] of fast.entries())
      for (const r of rs) {
        const other = slow[i]!.find((s) => s.feature === r.feature);
        worst = Math.max(worst, Math.abs(r.delta - (other?.delta ?? Number.POSITIVE_INFINITY)));
      }
    expect(worst).toBeLessThan(1e-5);
    expect(fast.filter((r) => r.length > 0).length).toBeGreaterThan(table.n / 4);
  });

  it('the factored pair scorer equals full rows: the bins of a feature stay on its side of the split', async () => {
    const model = await trainHangupModel(table, y, split, { seed: 3, epochs: 8, preprocess: PLE });
    expect(model.preprocess.columns).toContain('late:bin8');
    const contexts = ['sms', 'call', 'email'];
    const ctx: FeatureTable = {
      ...table,
      n: 3,
      keys: { loan_id: ['c0', 'c1', 'c2'] },
      numeric: { late: new Float64Array(3), noise: new Float64Array(3) },
      categorical: { channel: contexts },
    };
    const s = pairScorer(model, table, ctx, new Set(['channel']));
    expect(s).not.toBeNull();
    const n = 600;
    const entity = Int32Array.from({ length: n }, (_, j) => (j * 7) % table.n);
    const context = Int32Array.from({ length: n }, (_, j) => j % 3);
    const fast = s!.score(entity, context, n);
    s!.dispose();
    const full = predictHangup(model, {
      ...table,
      n,
      keys: { loan_id: Array.from(entity, (e) => `L${e}`) },
      numeric: {
        late: Float64Array.from(entity, (e) => table.numeric.late![e]!),
        noise: Float64Array.from(entity, (e) => table.numeric.noise![e]!),
      },
      categorical: { channel: Array.from(context, (c) => contexts[c]!) },
    });
    let worst = 0;
    for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(fast[j]! - full[j]!));
    expect(worst).toBeLessThan(1e-5);
    expect(Math.max(...full) - Math.min(...full)).toBeGreaterThan(0.05);
  });
});
