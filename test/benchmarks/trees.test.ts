/**
 * The tree reference of the benchmarks (src/benchmarks/trees.ts): measured in the same run on the same training
 * rows when a python3 with xgboost is importable, "not measured" (never a constant) when not.
 */
import { describe, expect, it } from 'vitest';
import { findPython, treeReference } from '../../src/benchmarks/trees.ts';
import { makeManifest } from '../../src/features/manifest.ts';
import type { FeatureTable } from '../../src/features/types.ts';
import { drawLabels, gaussian, thirds } from '../models/synthetic.ts';

/** A numeric signal with missing values, a categorical one, and a noise column. */
function world(n: number) {
  const g = gaussian(5);
  const x = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? Number.NaN : g()));
  const noise = Float64Array.from({ length: n }, () => g());
  const channel = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'sms' : i % 3 === 1 ? 'call' : null));
  const logit = Float64Array.from(
    { length: n },
    (_, i) => -1 + 2 * (Number.isNaN(x[i]!) ? 0 : x[i]!) + (channel[i] === 'sms' ? 1 : 0),
  );
  const table: FeatureTable = {
    manifest: makeManifest(
      [
        { name: 'x', type: 'numeric', family: 't', phrase: 'x {v}' },
        { name: 'noise', type: 'numeric', family: 't', phrase: 'noise {v}' },
        { name: 'channel', type: 'categorical', family: 't', phrase: 'by {v}' },
      ],
      'trees-test',
    ),
    n,
    keys: { loan_id: Array.from({ length: n }, (_, i) => `L${i}`) },
    numeric: { x, noise },
    categorical: { channel },
  };
  return { table, y: drawLabels(logit, 6) };
}

describe('tree reference', () => {
  it('fits on the training rows only and reports the test rows only, or says it was not measured', async () => {
    const { table, y } = world(3000);
    const split = thirds(table.n);
    // Validation labels inverted: were those rows fitted on or scored into the test figure, the AUC would fall.
    for (let i = 0; i < table.n; i++) if (split.valid[i]) y[i] = 1 - y[i]!;
    const r = await treeReference(table, y, split, { threads: 2 });
    // This checks whichever the machine allows; both outcomes are the module's behaviour, neither is skipped.
    if ('python' in findPython()) {
      if (!r.measured) throw new Error(r.reason);
      expect(r.library).toMatch(/^xgboost \d/);
      expect(r.params).toMatchObject({ threads: 2, n_estimators: 300, max_depth: 4, learning_rate: 0.05 });
      expect(r.env).toEqual({ OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: '2' });
      expect(r.rows).toEqual({ train: 1800, test: 600 });
      // x, noise and one column per training level of channel (sms, call; missing is all zeros).
      expect(r.inputs).toBe(4);
      expect(r.auc).toBeGreaterThan(0.8);
      expect(r.brier).toBeLessThan(0.2);
      expect(r.trainSeconds).toBeGreaterThan(0);
    } else {
      expect(r).toMatchObject({ measured: false });
      expect(r.measured === false && r.reason).toMatch(
        /the tree reference was not measured: no python3 with xgboost/,
      );
    }
  });

  it('an interpreter without xgboost gives "not measured" with the reason, not a figure', async () => {
    const { table, y } = world(200);
    const r = await treeReference(table, y, thirds(table.n), { python: '/nonexistent/python3' });
    expect(r.measured).toBe(false);
    expect(r).not.toHaveProperty('auc');
    expect(r.measured === false && r.reason).toMatch(
      /not measured: no python3 with xgboost \(\/nonexistent\/python3: .*ENOENT/,
    );
  });
});
