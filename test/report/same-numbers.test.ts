/**
 * One metric library, the same number everywhere: on a small generated world, trained and scored for real, the
 * PSI per feature in `followup monitor --json`, the AUC and KS per horizon in `followup models show --json` (the
 * model card) and the report's tables (collected from eval_predictions and score_population) are the same
 * numbers, up to the card's 4-decimal rounding. Before, the report binned PSI in SQL and said 5.943 where
 * monitor said 5.963 for the same feature.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import { runGenerate } from '../../src/generate/index.ts';
import { runIngest } from '../../src/ingest/index.ts';
import { collectReportData } from '../../src/report/collect.ts';
import type { ReportData } from '../../src/report/types.ts';
import { scoreLoans } from '../../src/score/run.ts';
import { runTrain } from '../../src/train/run.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { followup } from '../lifecycle/cli.ts';

const clock = fixedClock('2026-01-05T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'followup-same-'));
const models = join(dir, 'models');
const wh = join(dir, 'wh.duckdb');
let report: ReportData;

beforeAll(async () => {
  const world = join(dir, 'world');
  await runGenerate({ out: world, borrowers: 500, months: 30, seed: 4, start: '2023-01-01' }, silentLogger);
  await withWarehouse(wh, async (w) => {
    await runIngest(w, { paths: [world] }, { log: silentLogger, clock });
    await runTrain(w, { modelsDir: models, delinquency: { epochs: 3 }, hangup: false }, silentLogger, clock);
    await scoreLoans(w, { modelsDir: models, asOf: '2025-06-30', reasons: false }, silentLogger);
  });
  report = await withWarehouse(wh, (w) => collectReportData(w, { clock }), { readOnly: true });
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the same PSI, AUC and KS in monitor, models show and the report', () => {
  it('PSI per feature: monitor --json and the report', () => {
    const r = followup(['monitor', '--warehouse', wh, '--models', models, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const monitor = JSON.parse(r.stdout) as { features: { feature: string; psi: number }[] };
    expect(report.stability.ok).toBe(true);
    if (!report.stability.ok) return;
    const page = new Map(
      report.stability.value.filter((x) => x.model === 'delinquency').map((x) => [x.feature, x.psi]),
    );
    expect(monitor.features.length).toBeGreaterThan(20);
    expect([...page.keys()].sort()).toEqual(monitor.features.map((f) => f.feature).sort());
    // the page rounds to 6 decimals
    for (const f of monitor.features)
      expect([f.feature, page.get(f.feature)]).toEqual([f.feature, +f.psi.toFixed(6)]);
  });

  it('AUC and KS per horizon: models show --json (the card) and the report', () => {
    const r = followup(['models', 'show', 'delinquency', '--models', models, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const card = (
      JSON.parse(r.stdout) as { card: { metrics: Record<string, { network: number; baseline: number }> } }
    ).card.metrics;
    expect(report.performance.ok).toBe(true);
    if (!report.performance.ok) return;
    const groups = report.performance.value.groups.filter((g) => g.model === 'delinquency');
    expect(groups.map((g) => g.horizon)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const g of groups)
      for (const v of g.variants) {
        const variant = v.variant as 'network' | 'baseline';
        // the card rounds to 4 decimals, the page to 6
        expect([g.label, variant, 'auc', v.auc]).toEqual([
          g.label,
          variant,
          'auc',
          expect.closeTo(card[`auc_m${g.horizon}`]?.[variant] ?? Number.NaN, 4),
        ]);
        expect([g.label, variant, 'ks', v.ks]).toEqual([
          g.label,
          variant,
          'ks',
          expect.closeTo(card[`ks_m${g.horizon}`]?.[variant] ?? Number.NaN, 4),
        ]);
      }
  });
});
