import { describe, expect, it } from 'vitest';
import { DAYS_PER_MONTH } from '../../src/core/months.ts';
import { mulberry32 } from '../../src/core/prng.ts';
import { makeManifest } from '../../src/features/manifest.ts';
import type { FeatureTable, HazardLabels } from '../../src/features/types.ts';
import { evaluateModel } from '../../src/models/evaluate.ts';
import { hazardTargets, predictHazard, riskWithinDays, trainHazardModel } from '../../src/models/hazard.ts';
import { gaussian, sigmoid, thirds } from './synthetic.ts';

const H = 4;
// True monthly hazard: logit h_k(x) = BASE[k] + 1.0·x — rising with the month, so month intercepts matter.
const BASE = [-3, -2.5, -2.2, -2];

/** Draws censored discrete-time survival data from the true hazard. */
function survivalData(n: number, seed: number): { table: FeatureTable; labels: HazardLabels } {
  const g = gaussian(seed);
  const r = mulberry32(seed + 3);
  const x = Float64Array.from({ length: n }, () => g());
  const event = new Int32Array(n);
  const observed = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // months observed: most rows the full horizon, the rest censored uniformly earlier
    const censor = r() < 0.6 ? H : 1 + Math.floor(r() * H);
    for (let k = 1; k <= censor; k++) {
      if (r() < sigmoid((BASE[k - 1] as number) + (x[i] as number))) {
        event[i] = k;
        break;
      }
    }
    observed[i] = event[i] ? (event[i] as number) : censor;
  }
  const table: FeatureTable = {
    manifest: makeManifest([{ name: 'x', type: 'numeric', family: 'repayment', phrase: 'x {v}' }], 'h'),
    n,
    keys: { loan_id: Array.from({ length: n }, (_, i) => `L${i}`) },
    numeric: { x },
    categorical: {},
  };
  return { table, labels: { event, observed, horizon: H } };
}

describe('hazard model', () => {
  it('builds the censored likelihood mask: months before and at the event, nothing after censoring', () => {
    const t = hazardTargets({
      event: Int32Array.from([2, 0]),
      observed: Int32Array.from([2, 3]),
      horizon: 4,
    });
    expect(Array.from(t.m)).toEqual([1, 1, 0, 0, 1, 1, 1, 0]);
    expect(Array.from(t.y)).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
    expect(() =>
      hazardTargets({ event: Int32Array.from([5]), observed: Int32Array.from([1]), horizon: 4 }),
    ).toThrow(/event 5 \/ observed 1 outside 0…4/);
  });

  it('recovers a known hazard from censored data, with a monotone cumulative risk', async () => {
    const { table, labels } = survivalData(20_000, 11);
    const split = thirds(table.n);
    const model = await trainHazardModel(table, labels, split, {
      arch: 'logistic',
      calibrate: false,
      batchSize: 1024,
      lr: 0.02,
      epochs: 80,
      patience: 8,
      l2: 0,
    });
    const probe: FeatureTable = { ...table, n: 3, numeric: { x: Float64Array.from([-1, 0, 1]) } };
    const pred = predictHazard(model, probe);
    for (let i = 0; i < 3; i++) {
      const xv = [-1, 0, 1][i] as number;
      for (let k = 0; k < H; k++) {
        const truth = sigmoid((BASE[k] as number) + xv);
        expect(
          Math.abs((pred.hazard[i * H + k] as number) - truth),
          `month ${k + 1}, x = ${xv}`,
        ).toBeLessThan(0.03);
      }
      for (let k = 1; k < H; k++)
        expect(pred.cumulative[i * H + k] as number).toBeGreaterThanOrEqual(
          pred.cumulative[i * H + k - 1] as number,
        );
    }
    // "risk within d days": 0 at day 0, F(k) at whole months, monotone in between
    expect(riskWithinDays(pred, 0)[1]).toBe(0);
    expect(riskWithinDays(pred, 2 * DAYS_PER_MONTH)[1]).toBeCloseTo(pred.cumulative[H + 1] as number, 5);
    const mid = riskWithinDays(pred, 45)[1] as number;
    expect(mid).toBeGreaterThan(pred.cumulative[H] as number);
    expect(mid).toBeLessThan(pred.cumulative[H + 1] as number);
    // per-horizon test evaluation: fewer rows have a known outcome at longer horizons
    const ev = evaluateModel(model, table, { labels }, split.test);
    expect(ev.byMonth).toHaveLength(H);
    for (const m of ev.byMonth) expect(m.metrics.auc).toBeGreaterThan(0.65);
    expect(ev.byMonth[H - 1]?.n).toBeLessThan(ev.byMonth[0]?.n ?? 0);
    expect(ev.byMonth[H - 1]?.events).toBeGreaterThan(ev.byMonth[0]?.events ?? 0);
  });
});
