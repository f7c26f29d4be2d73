/**
 * One metric library, the same number everywhere: on a small generated world, trained and scored for real, the
 * PSI per feature in `followup monitor --json`, the AUC and KS per horizon in `followup models show --json` (the
 * model card) and the report's tables (collected from eval_predictions and score_population) are the same
 * numbers, up to the card's 4-decimal rounding. Before, the report binned PSI in SQL and said 5.943 where
 * monitor said 5.963 for the same feature.
 *
 * And the same numbers on a warehouse the model was not trained on (a bank trains on a sample, then reports on
 * the whole book, where no prediction has matured): through the CLI, a second warehouse is ingested and scored
 * only, and its report takes performance and stability from the files the champion saved in the registry at
 * training, says so, and shows the numbers of the training warehouse's report and of evaluation.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import { runGenerate } from '../../src/generate/index.ts';
import { runIngest } from '../../src/ingest/index.ts';
import type { ReportSummary } from '../../src/report/build.ts';
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
const world = join(dir, 'world');
let report: ReportData;

beforeAll(async () => {
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

describe('a report on a warehouse the model was not trained on', () => {
  const daily = join(dir, 'daily.duckdb');
  const out = join(dir, 'daily-report');
  let data: ReportData;
  let summary: ReportSummary;
  let html: string;
  let champion: { version: string; createdAt: string; dir: string };

  beforeAll(() => {
    // The daily warehouse: the same book ingested and scored with the champion, never trained on.
    for (const args of [
      ['ingest', world, '--warehouse', daily, '--json'],
      ['score', '--warehouse', daily, '--models', models, '--as-of', '2025-06-30', '--no-reasons', '--json'],
      ['report', '--warehouse', daily, '--models', models, '--out', out, '--no-images', '--json'],
    ]) {
      const r = followup(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      if (args[0] === 'report') summary = JSON.parse(r.stdout) as ReportSummary;
    }
    data = JSON.parse(readFileSync(join(out, 'report-data.json'), 'utf8')) as ReportData;
    html = readFileSync(join(out, 'index.html'), 'utf8');
    const shown = followup(['models', 'show', 'delinquency', '--models', models, '--json']);
    const card = (JSON.parse(shown.stdout) as { card: { version: string; createdAt: string } }).card;
    champion = { ...card, dir: join(models, 'delinquency', card.version) };
  }, 600_000);

  it('has its model performance and stability sections, and says where they come from', () => {
    const missing = summary.not_available.map((n) => n.name);
    for (const part of ['performance', 'stability', 'woe']) expect(missing).not.toContain(part);
    const registry = {
      model: 'delinquency',
      from: 'registry',
      version: champion.version,
      trained_at: champion.createdAt,
    };
    expect(data.sources).toEqual({ performance: [registry], stability: [registry], woe: [registry] });
    // The training warehouse's own report says its figures are its own.
    const own = { model: 'delinquency', from: 'warehouse', version: null, trained_at: null };
    expect(report.sources).toEqual({ performance: [own], stability: [own], woe: [own] });
    const said = [...html.matchAll(/<p class="src" data-source="(\w+)">([^<]*)<\/p>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(said.map(([s]) => s)).toEqual(['performance', 'stability', 'stability']);
    for (const [, text] of said) {
      expect(text).toContain(`version ${champion.version}`);
      expect(text).toContain(`(${champion.createdAt.slice(0, 10)})`);
    }
    expect(said[0]?.[1]).toContain('test-period evaluation saved with version');
  });

  it("performance: evaluation.json's test figures, and the training warehouse's report", () => {
    const evaluation = JSON.parse(readFileSync(join(champion.dir, 'evaluation.json'), 'utf8')) as {
      evaluation: Record<
        'network' | 'baseline',
        { byMonth: { n: number; events: number; metrics: Record<string, number> }[] }
      >;
    };
    expect(data.performance.ok && report.performance.ok).toBe(true);
    if (!data.performance.ok || !report.performance.ok) return;
    const groups = data.performance.value.groups;
    expect(groups.map((g) => g.horizon)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const g of groups)
      for (const v of g.variants) {
        const e = evaluation.evaluation[v.variant as 'network' | 'baseline'].byMonth[g.horizon - 1];
        expect([g.label, v.variant, v.n, v.positives]).toEqual([g.label, v.variant, e?.n, e?.events]);
        for (const k of ['auc', 'ks', 'brier'] as const)
          expect([g.label, v.variant, k, v[k]]).toEqual([
            g.label,
            v.variant,
            k,
            expect.closeTo(e?.metrics[k] ?? Number.NaN, 5),
          ]);
      }
    // Curves and tables too: the same predictions, whichever warehouse they were read in.
    expect(data.performance.value).toEqual(report.performance.value);
  });

  it("stability: the saved training population against this warehouse's scored one", () => {
    expect(data.stability.ok && report.stability.ok).toBe(true);
    if (!data.stability.ok || !report.stability.ok) return;
    // Both warehouses scored the same book at the same as-of date: the same PSI, feature by feature.
    expect(data.stability.value.length).toBeGreaterThan(20);
    expect(data.stability.value).toEqual(report.stability.value);
    // Information value on the training rows the champion saved: the training warehouse's table, bin for bin.
    expect(data.woe.ok && report.woe.ok).toBe(true);
    expect(data.woe).toEqual(report.woe);
  });

  it('without the registry, the daily warehouse has no performance section (what the registry adds)', () => {
    const bare = join(dir, 'bare-report');
    const r = followup([
      'report',
      '--warehouse',
      daily,
      '--models',
      join(dir, 'no-models'),
      '--out',
      bare,
      '--no-images',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const missing = (JSON.parse(r.stdout) as ReportSummary).not_available;
    expect(missing.find((n) => n.name === 'performance')?.reason).toMatch(
      /eval_predictions has no matured rows/,
    );
    expect(missing.map((n) => n.name)).toContain('stability');
  });
});
