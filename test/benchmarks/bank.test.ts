import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../../src/benchmarks/run.ts';
import { followup } from './cli.ts';

describe('followup benchmark bank-marketing', () => {
  it('predicts the campaign outcome without duration and meets the floors', () => {
    const r = followup(['benchmark', 'bank-marketing', '--json', '--no-baseline', '--no-trees']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as BenchmarkResult;
    expect(s.rows.test).toBe(8238);
    expect(s.rows.train + s.rows.valid).toBe(41188 - 8238);
    expect(s.baseline).toBeNull();
    // Skipped trees are said to be skipped: no figure stands in for them.
    expect(s.trees).toEqual({
      measured: false,
      reason: 'the tree reference was not measured: skipped (--no-trees)',
    });
    expect(s.vsTrees).toBeNull();
    // acceptance floors (the trees' figures are measured by the benchmark itself; README, Models → Measured)
    expect(s.network.auc).toBeGreaterThanOrEqual(0.8);
    expect(s.network.brier).toBeLessThanOrEqual(0.0785);
    expect(s.network.ece).toBeLessThan(0.03);
    expect(s.pass).toBe(true);
    // a few tens of seconds alone; the limit leaves room for a machine shared with other test files
  }, 300_000);
});
