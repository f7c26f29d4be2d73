/**
 * Specs from a seeded fixture warehouse: goldens per chart (normalized for run ids and the clock), every spec
 * valid against the Vega-Lite JSON schema (both languages), and missing inputs shown as notes, never dropped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { buildCharts } from '../../src/report/charts/index.ts';
import { collectReportData } from '../../src/report/collect.ts';
import { renderHtml } from '../../src/report/html.ts';
import type { ReportData } from '../../src/report/types.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { buildFixture } from './fixture.ts';

const clock = fixedClock('2025-07-02T03:04:05Z');
let dir: string;
let path: string;
let en: ReportData;
let zh: ReportData;

/** Replaces run ids and clock timestamps so goldens survive a new run id or build time. */
export function normalize(text: string, data: ReportData): string {
  let out = text.replaceAll(data.generated_at, '<generated_at>');
  if (data.schedule.ok) out = out.replaceAll(data.schedule.value.run.run_id, '<run_id>');
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-specs-'));
  path = await buildFixture(dir);
  await withWarehouse(
    path,
    async (w) => {
      en = await collectReportData(w, { clock, capacity: 9 });
      zh = await collectReportData(w, { clock, capacity: 9, lang: 'zh-CN' });
    },
    { readOnly: true },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report specs', () => {
  it('collects every section from the fixture and picks the latest run', () => {
    expect(en.performance.ok && en.stability.ok && en.hangups.ok && en.schedule.ok).toBe(true);
    if (!en.schedule.ok || !en.performance.ok || !en.hangups.ok || !en.stability.ok) return;
    expect(en.schedule.value.run.run_id).toBe('run-2025-07-01-abc123');
    // 3 hazard horizons + the hang-up model, each with network and baseline
    expect(en.performance.value.groups.map((g) => [g.label, g.variants.map((v) => v.variant)])).toEqual([
      ['delinquency · 1 m', ['network', 'baseline']],
      ['delinquency · 2 m', ['network', 'baseline']],
      ['delinquency · 3 m', ['network', 'baseline']],
      ['hangup', ['network', 'baseline']],
    ]);
    // the fixture's network is less noisy than its baseline on the hang-up model
    const hang = en.performance.value.groups[3]?.variants ?? [];
    expect(hang[0]?.auc ?? 0).toBeGreaterThan(hang[1]?.auc ?? 1);
    // the fixture shifts late_count_6m in the scored population and leaves income_ratio alone: on 120 rows the
    // unchanged feature still crosses the fixed 0.10 band, but stays under the sample-size noise level
    const psi = Object.fromEntries(en.stability.value.map((r) => [r.feature, r]));
    expect(psi.late_count_6m?.band).toBe('shift');
    expect(psi.late_count_6m?.psi ?? 0).toBeGreaterThan(psi.late_count_6m?.noise_p95 ?? 1);
    expect(psi.income_ratio?.psi ?? 1).toBeLessThan(psi.income_ratio?.noise_p95 ?? 0);
    // early/late local hours were made riskier: the 08:00 row beats the 14:00 row on average
    const avg = (h: number) => {
      const c = en.hangups.ok ? en.hangups.value.observed_heatmap.filter((x) => x.hour === h) : [];
      return c.reduce((s, x) => s + x.rate * x.n, 0) / c.reduce((s, x) => s + x.n, 0);
    };
    expect(avg(8)).toBeGreaterThan(avg(14));
    expect(en.hangups.value.predicted.ok).toBe(true);
    expect(en.schedule.value.overflow_days.length).toBeGreaterThan(0);
    expect(en.backtest.ok).toBe(false);
  });

  // goldens are `.vl.golden` (JSON text exactly as written) so the formatter leaves their bytes alone
  it('matches the golden specs', async () => {
    const { charts } = buildCharts(en);
    expect(charts.length).toBeGreaterThanOrEqual(15);
    for (const c of charts)
      await expect(normalize(`${JSON.stringify(c.spec, null, 2)}\n`, en)).toMatchFileSnapshot(
        `__goldens__/en/${c.name}.vl.golden`,
      );
    // one Chinese spec pins the catalog
    const zhHeat = buildCharts(zh).charts.find((c) => c.name === 'hangup-heatmap-observed');
    await expect(`${JSON.stringify(zhHeat?.spec, null, 2)}\n`).toMatchFileSnapshot(
      '__goldens__/zh-CN/hangup-heatmap-observed.vl.golden',
    );
  });

  it('has no wrapped facet (its empty last-row cells draw stray axes) and no chart without data', () => {
    const wrapped = (x: unknown): boolean =>
      typeof x === 'object' && x !== null
        ? ('facet' in x && 'columns' in x) || Object.values(x).some(wrapped)
        : false;
    for (const c of [...buildCharts(en).charts, ...buildCharts(zh).charts]) {
      expect([c.name, wrapped(c.spec)]).toEqual([c.name, false]);
      expect([c.name, (c.spec.data as { values: unknown[] }).values.length > 0]).toEqual([c.name, true]);
    }
    // the check does see a wrapped facet
    expect(wrapped({ vconcat: [{ facet: { field: 'a' }, columns: 3 }] })).toBe(true);
  });

  it('every spec validates against the Vega-Lite JSON schema', () => {
    const require = createRequire(import.meta.url);
    let root = dirname(require.resolve('vega-lite'));
    while (!root.endsWith('vega-lite')) root = dirname(root);
    const schema = JSON.parse(readFileSync(join(root, 'build/vega-lite-schema.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allowUnionTypes: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const all = [...buildCharts(en).charts, ...buildCharts(zh).charts];
    for (const c of all) {
      const ok = validate(c.spec);
      expect(ok ? [] : [c.name, validate.errors?.slice(0, 3)]).toEqual([]);
    }
    // the validator does reject a broken spec (so the loop above can fail)
    expect(validate({ data: { values: [] }, mark: 'no-such-mark' })).toBe(false);
  });

  it('shows missing inputs as visible notes', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'report-bare-'));
    try {
      const p = await buildFixture(bare, { loans: 10, withoutModelTables: true });
      const data = await withWarehouse(p, (w) => collectReportData(w, { clock }), { readOnly: true });
      expect(data.performance).toEqual({
        ok: false,
        reason: 'table eval_predictions does not exist (run the evaluate stage first)',
      });
      const { charts, notes } = buildCharts(data);
      expect(notes.map((n) => n.name)).toEqual([
        'performance',
        'stability',
        'woe',
        'actions',
        'hangup-heatmap-predicted',
        'backtest',
      ]);
      expect(charts.map((c) => c.name)).toContain('hangup-heatmap-observed');
      const html = renderHtml(data, charts, notes);
      for (const n of notes) expect(html).toContain(`data-note="${n.name}"`);
      expect(html).toContain('not available: table score_population does not exist');
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
