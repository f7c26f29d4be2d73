/**
 * Champion by validation (src/models/champion.ts): the network is served only when it beats its logistic
 * baseline on the validation period by the margin. The worlds here are built so that one answer is right:
 * a linear truth among noise columns, where the network can only fit noise (the baseline must win), and an
 * interaction the linear model cannot express (the network must win). Real fits, no stand-ins.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { mulberry32 } from '../../src/core/prng.ts';
import { makeManifest } from '../../src/features/manifest.ts';
import type { FeatureSpec, FeatureTable, HazardLabels } from '../../src/features/types.ts';
import { CHAMPION_MARGIN, selectChampion } from '../../src/models/champion.ts';
import { trainHangupModel } from '../../src/models/hangup.ts';
import { trainHazardModel } from '../../src/models/hazard.ts';
import { saveModel } from '../../src/models/registry.ts';
import type { TrainedModel } from '../../src/models/types.ts';
import { drawLabels, gaussian, sigmoid, thirds } from './synthetic.ts';

/** x0, x1 and `noise` columns of standard normals; the logit is linear in x0, x1 or their sign interaction. */
function world(n: number, seed: number, noise: number, truth: 'linear' | 'interaction') {
  const g = gaussian(seed);
  const numeric: Record<string, Float64Array> = {};
  const specs: FeatureSpec[] = [];
  for (let j = 0; j < 2 + noise; j++) {
    numeric[`x${j}`] = Float64Array.from({ length: n }, () => g());
    specs.push({ name: `x${j}`, type: 'numeric', family: 'context', phrase: 'x{v}' });
  }
  const a = numeric.x0!;
  const b = numeric.x1!;
  const logit = Float64Array.from({ length: n }, (_, i) =>
    truth === 'linear' ? -1.5 + 0.8 * a[i]! - 0.5 * b[i]! : -1 + 2.5 * Math.sign(a[i]! * b[i]!),
  );
  const table: FeatureTable = {
    manifest: makeManifest(specs, 'champion-test'),
    n,
    keys: { loan_id: Array.from({ length: n }, (_, i) => `L${i}`) },
    numeric,
    categorical: {},
  };
  return { table, logit };
}

/** Censored 4-month survival outcomes whose monthly hazard logit is `logit` + a month intercept. */
function survival(logit: Float64Array, seed: number): HazardLabels {
  const H = 4;
  const r = mulberry32(seed);
  const event = new Int32Array(logit.length);
  const observed = new Int32Array(logit.length);
  for (let i = 0; i < logit.length; i++) {
    const censor = r() < 0.7 ? H : 1 + Math.floor(r() * H);
    for (let k = 1; k <= censor; k++) {
      if (r() < sigmoid(logit[i]! - 1 + 0.2 * k)) {
        event[i] = k;
        break;
      }
    }
    observed[i] = event[i] ? event[i]! : censor;
  }
  return { event, observed, horizon: H };
}

/** Same options for both: small batches so the 60 epochs give the logistic model enough steps to converge. */
const OPTS = { seed: 1, batchSize: 256 };

const loss = (m: TrainedModel) => m.training.validLogLoss!;

describe('champion by validation', () => {
  it('hang-up: a linear truth among noise columns makes the baseline the champion, never a worse network', async () => {
    const { table, logit } = world(6000, 7, 10, 'linear');
    const y = drawLabels(logit, 16);
    const split = thirds(table.n);
    const network = await trainHangupModel(table, y, split, OPTS);
    const baseline = await trainHangupModel(table, y, split, { ...OPTS, arch: 'logistic' });
    // The world does what it was built for: the network fits noise and loses on the validation rows.
    expect(loss(network)).toBeGreaterThan(loss(baseline));
    const s = selectChampion(network, baseline);
    expect(s.champion).toBe('baseline');
    expect(s.reason).toMatch(/above the logistic baseline's .* so the baseline is the champion/);
    const champion = s.champion === 'network' ? network : baseline;
    expect(loss(champion)).toBeLessThanOrEqual(loss(baseline));
    expect(s).toMatchObject({ network: loss(network), baseline: loss(baseline), rows: 1200 });
  });

  it('delinquency hazard: the same, on censored survival outcomes over every month at risk', async () => {
    const { table, logit } = world(6000, 8, 10, 'linear');
    const labels = survival(logit, 17);
    const split = thirds(table.n);
    const network = await trainHazardModel(table, labels, split, OPTS);
    const baseline = await trainHazardModel(table, labels, split, { ...OPTS, arch: 'logistic' });
    // Nothing beyond the linear truth to learn: the network is not better by the margin (here within 0.1 %).
    expect(loss(network)).toBeGreaterThan(loss(baseline) * (1 - CHAMPION_MARGIN));
    const s = selectChampion(network, baseline);
    expect(s.champion).toBe('baseline');
    const champion = s.champion === 'network' ? network : baseline;
    expect(loss(champion)).toBeLessThanOrEqual(loss(baseline));
  });

  it('an interaction the linear model cannot express keeps the network, by more than the margin', async () => {
    const { table, logit } = world(4000, 9, 0, 'interaction');
    const y = drawLabels(logit, 18);
    const split = thirds(table.n);
    const network = await trainHangupModel(table, y, split, OPTS);
    const baseline = await trainHangupModel(table, y, split, { ...OPTS, arch: 'logistic' });
    const s = selectChampion(network, baseline);
    expect(s.champion).toBe('network');
    expect(s.improvement).toBeGreaterThan(0.1);
    expect(loss(network)).toBeLessThan(loss(baseline) * (1 - CHAMPION_MARGIN));
    // The margin is the rule: asked for more than the network gained, the baseline is the champion.
    expect(selectChampion(network, baseline, s.improvement + 0.01).champion).toBe('baseline');
    expect(selectChampion(network, baseline, s.improvement - 0.01).champion).toBe('network');
    expect(() => selectChampion(network, baseline, 1)).toThrow(/champion margin must be in \[0, 1\)/);

    // The card of the saved champion says which model it is and why, in card.json and card.md.
    const root = mkdtempSync(join(tmpdir(), 'followup-champion-'));
    const lost = selectChampion(network, baseline, 0.9);
    const dir = await saveModel(root, baseline, {
      name: 'hangup',
      version: 'v1',
      selection: lost,
      clock: fixedClock('2026-01-05T00:00:00Z'),
    });
    const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));
    expect(card.arch).toBe('logistic');
    expect(card.selection).toMatchObject({ champion: 'baseline', margin: 0.9, rows: 800 });
    const md = readFileSync(join(dir, 'card.md'), 'utf8');
    expect(md).toContain('## Champion by validation');
    expect(md).toContain(`Champion: **the logistic baseline** — ${lost.reason}.`);
  });
});
