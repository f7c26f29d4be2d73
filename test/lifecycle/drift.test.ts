/**
 * Drift and retraining on a generated world whose every region enters a housing downturn in 2025-01:
 * a champion trained on the pre-downturn period scores an undrifted month (monitor passes) and a month deep in
 * the downturn (`monitor --fail-on drift` exits 5); `retrain` then promotes a challenger that is better on the
 * out-of-time months, records the promotion, and keeps the champion's report inputs when it does not promote.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import { runGenerate } from '../../src/generate/index.ts';
import { runIngest } from '../../src/ingest/index.ts';
import { DEFAULT_RULE, decide, type HeadToHead, readPromotions } from '../../src/lifecycle/index.ts';
import { championVersion } from '../../src/models/index.ts';
import { monitorStage } from '../../src/pipeline/stages/monitor.ts';
import { scoreLoans } from '../../src/score/run.ts';
import { runTrain } from '../../src/train/run.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { followup } from './cli.ts';

const clock = fixedClock('2026-01-05T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'followup-drift-'));
const world = join(dir, 'world');
const models = join(dir, 'models');
const wh = join(dir, 'wh.duckdb');
const REGIONS = ['CN-GD', 'CN-JS', 'CN-ZJ', 'CN-SH', 'CN-BJ', 'CN-SC', 'CN-HB', 'CN-LN', 'CN-XJ', 'CN-HK'];
let champion: string;

beforeAll(async () => {
  await runGenerate(
    {
      out: world,
      borrowers: 800,
      months: 36,
      seed: 5,
      start: '2023-01-01',
      downturn: REGIONS.map((r) => `${r}@2025-01`),
    },
    silentLogger,
  );
  await withWarehouse(wh, async (w) => {
    await runIngest(w, { paths: [world] }, { log: silentLogger, clock });
    // The champion knows only the pre-downturn period.
    const [e] = await runTrain(
      w,
      { modelsDir: models, delinquency: { epochs: 10, dataEnd: '2024-12-31' }, hangup: false },
      silentLogger,
      clock,
    );
    champion = e!.version;
    await scoreLoans(w, { modelsDir: models, asOf: '2024-06-30', reasons: false }, silentLogger);
  });
}, 400_000);

const monitor = () =>
  followup(['monitor', '--warehouse', wh, '--models', models, '--fail-on', 'drift', '--json']);

describe('monitor', () => {
  it('passes on an undrifted month', () => {
    const r = monitor();
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.champion).toBe(champion);
    expect(m.drift).toBe(false);
    expect(m.score.verdict).not.toBe('shift');
    expect(m.features.length).toBeGreaterThan(10);
  });

  it('fails with exit 5 deep in the downturn, and measures performance on matured labels', async () => {
    await withWarehouse(wh, (w) =>
      scoreLoans(w, { modelsDir: models, asOf: '2025-11-30', reasons: false }, silentLogger),
    );
    const r = monitor();
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('"error":"E_DRIFT"');
    const m = JSON.parse(r.stdout);
    expect(m.drift).toBe(true);
    expect(m.score.verdict).toBe('shift');
    expect(m.score.psi).toBeGreaterThan(Math.max(0.25, m.score.noChange95));
    expect(m.drifted.map((d: { feature: string }) => d.feature)).toEqual(['score']);
    // Scores at 2024-06-30 have a 6-month outcome by the end of 2025; those at 2025-11-30 do not yet.
    expect(m.matured.byAsOf.map((b: { as_of: string }) => b.as_of)).toEqual(['2024-06-30']);
    const o = m.matured.overall;
    expect(o.n).toBeGreaterThan(100);
    expect(o.events).toBeGreaterThan(0);
    expect(o.auc).toBeGreaterThan(0.5);
    expect(o.citl).toBeCloseTo(o.observed - o.predicted, 12);
  });

  it('the monitor stage sets drift for later `when: drift` steps', async () => {
    const r = await withWarehouse(wh, (w) =>
      monitorStage.run(
        { w, workdir: dir, runId: 't', log: silentLogger, clock, previous: {}, progress: () => {} },
        monitorStage.params.parse({ models }),
      ),
    );
    expect(r.drift).toBe(true);
    expect(r.summary.drift).toBe(true);
  });
});

describe('retrain', () => {
  it('promotes a challenger that is better on the out-of-time months, and records it', async () => {
    const r = followup([
      'retrain',
      '--warehouse',
      wh,
      '--models',
      models,
      '--only',
      'delinquency',
      '--epochs',
      '10',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [o] = JSON.parse(r.stdout).models;
    expect(o.decision, JSON.stringify(o.comparison)).toBe('promoted');
    expect(o.champion).toBe(champion);
    expect(o.comparison.testFrom).toBe(o.window.test[0]);
    expect(o.comparison.testFrom >= '2025-01-01').toBe(true);
    expect(o.comparison.challenger.auc).toBeGreaterThan(o.comparison.champion.auc + DEFAULT_RULE.margin);
    expect(await championVersion(models, 'delinquency')).toBe(o.challenger);
    const log = await readPromotions(models, 'delinquency');
    // The first trained model's promotion is recorded by train, the challenger's by retrain.
    expect(log.map((p) => [p.action, p.from, p.to, p.actor])).toEqual([
      ['promote', null, champion, 'train'],
      ['promote', champion, o.challenger, 'retrain'],
    ]);
    const saved = JSON.parse(
      readFileSync(join(models, 'delinquency', o.challenger, 'comparison.json'), 'utf8'),
    );
    expect(saved.decision).toBe('promoted');
    expect(saved.challenger).toEqual(o.comparison.challenger);
  });
});

describe('decision rule', () => {
  const h = (a: [number, number, number], b: [number, number, number]): HeadToHead => ({
    n: 1000,
    events: 50,
    testFrom: '2025-01-01',
    champion: { auc: a[0], brier: a[1], ece: a[2] },
    challenger: { auc: b[0], brier: b[1], ece: b[2] },
  });
  it.each([
    ['better AUC, calibration holds', h([0.7, 0.05, 0.01], [0.72, 0.05, 0.012]), true, /≥ margin/],
    ['gain below the margin', h([0.7, 0.05, 0.01], [0.703, 0.04, 0.01]), false, /< margin 0.005/],
    ['Brier regression', h([0.7, 0.05, 0.01], [0.75, 0.052, 0.01]), false, /Brier 0.0520 is worse/],
    ['ECE regression', h([0.7, 0.05, 0.01], [0.75, 0.05, 0.04]), false, /ECE 0.0400 is worse/],
    ['ECE regression with a better Brier', h([0.7, 0.05, 0.01], [0.75, 0.049, 0.04]), true, /not blocking/],
  ])('%s', (_name, input, promote, why) => {
    const d = decide(input, DEFAULT_RULE);
    expect(d.promote).toBe(promote);
    expect(d.reasons.join('; ')).toMatch(why);
  });
});
