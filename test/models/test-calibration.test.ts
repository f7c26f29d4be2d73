/**
 * Test-period calibration on the model card (issue 14, item 5): a base rate that rises in the latest validation
 * month and stays up in the test months. Platt fitted on the whole validation period predicts between the two
 * levels; the prior-shift correction fitted on the latest validation month matches the test months, so the card
 * shows a lower test ECE and Brier with it — whether the model applies it (`--prior-shift`) or only reports it.
 * Real fits (logistic network on tfjs), real card.json and card.md read back.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestCalibration } from '../../src/models/calibrate.ts';
import type { ModelCard } from '../../src/models/card.ts';
import { calibrationOnTest } from '../../src/models/fit.ts';
import { trainHangupModel } from '../../src/models/hangup.ts';
import { saveModel } from '../../src/models/registry.ts';
import type { TrainedModel } from '../../src/models/types.ts';
import { drawLabels, riskTable } from './synthetic.ts';

const N = 8000;
// Rows by as-of month: 2024-01 … 06 train, 07 and 08 validation, 09 and 10 test (800 rows a month).
const MONTHS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((m) => `2024-${m}-01`);
const monthOf = (i: number) => MONTHS[Math.floor(i / 800)] as string;
// The base rate moves up from August on (a season, a campaign): +1.2 on the logit scale.
const SHIFT_FROM = '2024-08-01';

const { table, logit } = riskTable(N, 41);
table.keys.as_of = Array.from({ length: N }, (_, i) => monthOf(i));
const y = drawLabels(
  Float64Array.from(logit, (z, i) => z + (monthOf(i) >= SHIFT_FROM ? 1.2 : 0)),
  42,
);
const mask = (from: string, to: string) =>
  Uint8Array.from({ length: N }, (_, i) => (monthOf(i) >= from && monthOf(i) < to ? 1 : 0));
const split = {
  train: mask('2024-01-01', '2024-07-01'),
  valid: mask('2024-07-01', '2024-09-01'),
  test: mask('2024-09-01', '2025-01-01'),
};
const testRows = Int32Array.from(Array.from({ length: N }, (_, i) => i).filter((i) => split.test[i] === 1));
const targets = { y: Float32Array.from(y), m: new Float32Array(N).fill(1), k: 1 };

/** Trains, measures the test period, saves; returns the card as written. */
async function cardOf(priorShift: boolean): Promise<{ card: ModelCard; md: string; model: TrainedModel }> {
  const model = await trainHangupModel(table, y, split, {
    arch: 'logistic',
    epochs: 40,
    seed: 7,
    priorShift,
  });
  const cal = calibrationOnTest(model, table, targets, testRows, '2024-09-01 … 2024-10-01');
  const root = mkdtempSync(join(tmpdir(), 'followup-testcal-'));
  const dir = await saveModel(root, model, {
    name: 'hangup',
    version: 'v1',
    ...(cal ? { calibrationTest: cal } : {}),
  });
  return {
    card: JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as ModelCard,
    md: readFileSync(join(dir, 'card.md'), 'utf8'),
    model,
  };
}

describe('test-period calibration on the card', () => {
  let reported: Awaited<ReturnType<typeof cardOf>>;
  let applied: Awaited<ReturnType<typeof cardOf>>;
  beforeAll(async () => {
    reported = await cardOf(false);
    applied = await cardOf(true);
  }, 300_000);

  it('reports ECE and Brier with Platt alone and with the prior-shift correction; the correction lowers both', () => {
    const c = reported.card.calibration_test as TestCalibration;
    expect(c.period).toBe('2024-09-01 … 2024-10-01');
    expect(c.rows).toEqual([1600]);
    const observed = y.filter((_, i) => split.test[i] === 1).reduce((s, v) => s + v, 0) / 1600;
    expect(c.observed_rate[0]).toBeCloseTo(observed, 10);
    // The shift was found on August (latest validation month) and reported, not applied.
    expect(reported.card.calibration_shift?.period).toBe('2024-08');
    expect(reported.card.calibration_shift?.delta[0]).toBeGreaterThan(0.2);
    expect(c.used).toBe('platt');
    // The README's figures: SHOW_FIGURES=1 prints them.
    if (process.env.SHOW_FIGURES) process.stdout.write(`${JSON.stringify(c)}\n`);
    const s = c.prior_shift;
    expect(s).toBeDefined();
    expect(s?.delta).toEqual(reported.card.calibration_shift?.delta);
    // Platt alone sits between the two base rates and under the test months' rate; the shift closes the gap.
    const platt = c.platt;
    expect(platt.mean[0]!).toBeLessThan(observed - 0.03);
    expect(Math.abs(s!.mean[0]! - observed)).toBeLessThan(Math.abs(platt.mean[0]! - observed) / 2);
    expect(s!.ece[0]!).toBeLessThan(platt.ece[0]! * 0.6);
    expect(s!.brier[0]!).toBeLessThan(platt.brier[0]!);
    expect(reported.md).toContain('## Calibration on the test period (2024-09-01 … 2024-10-01)');
    expect(reported.md).toContain(
      `| Platt (applied) | ${(100 * platt.mean[0]!).toFixed(2)} % | ${platt.ece[0]!.toFixed(4)} |`,
    );
    expect(reported.md).toMatch(/\| Platt \+ prior shift \+\d\.\d{3} \| [\d.]+ % \| [\d.]+ \| [\d.]+ \|/);
  });

  it('says which one the model applies, with the same figures either way', () => {
    const r = reported.card.calibration_test as TestCalibration;
    const a = applied.card.calibration_test as TestCalibration;
    expect(a.used).toBe('prior_shift');
    expect(applied.md).toMatch(/\| Platt \+ prior shift \+\d\.\d{3} \(applied\) \|/);
    // Same fit (same seed and data): the Platt-alone and shifted figures do not depend on which is applied.
    for (const k of ['ece', 'brier', 'mean'] as const) {
      expect(a.platt[k][0]).toBeCloseTo(r.platt[k][0]!, 6);
      expect(a.prior_shift?.[k][0]).toBeCloseTo(r.prior_shift![k][0]!, 6);
    }
  });
});
