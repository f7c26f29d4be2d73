/**
 * The analyst notebooks run: each is executed headless on the Deno Jupyter kernel against a demo warehouse built
 * by the demo pipeline (or $FOLLOWUP_DEMO_DIR when it holds one), must finish without a failing cell and must show
 * its key outputs (Vega-Lite charts with data, tables with rows). The committed notebooks carry no outputs.
 * Missing Jupyter or Deno fails with the install command.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { populationDrift } from '../../src/lifecycle/drift.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import {
  charts,
  execute,
  kernelPath,
  NOTEBOOKS,
  type Notebook,
  outputsOf,
  ROOT,
  readNotebook,
  requireTools,
  tables,
  toHtml,
  vegaLite,
} from './harness.ts';

const out = mkdtempSync(join(tmpdir(), 'followup-nb-'));
const executed = new Map<string, Notebook>();
let demoDir = '';
let jupyterPath = '';

/** The demo pipeline into a temp dir, unless FOLLOWUP_DEMO_DIR already holds a warehouse. */
function demo(): string {
  const given = process.env.FOLLOWUP_DEMO_DIR;
  if (given && existsSync(join(given, 'warehouse.duckdb'))) return given;
  const dir = join(out, 'demo');
  execFileSync('node', ['src/cli/followup.mjs', 'run', 'demo', '--workdir', dir, '--json'], {
    cwd: ROOT,
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  return dir;
}

const num = (v: unknown) => Number(v);

describe('notebooks', () => {
  beforeAll(() => {
    const { deno } = requireTools();
    jupyterPath = kernelPath(deno);
    demoDir = demo();
  }, 600_000);

  it('are committed without outputs, on the Deno kernel', () => {
    for (const name of NOTEBOOKS) {
      const nb = readNotebook(join(ROOT, 'notebooks', `${name}.ipynb`));
      expect(nb.metadata.kernelspec?.name, name).toBe('deno');
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      expect(code.length, name).toBeGreaterThan(2);
      for (const c of code) {
        expect(c.outputs, name).toEqual([]);
        expect(c.execution_count ?? null, name).toBeNull();
      }
    }
  });

  it.each(NOTEBOOKS)(
    '%s runs every cell in order without an error',
    (name) => {
      const nb = execute(name, demoDir, jupyterPath, out);
      executed.set(name, nb);
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      expect(code.map((c) => c.execution_count)).toEqual(code.map((_, i) => i + 1));
      expect(outputsOf(nb).filter((o) => o.output_type === 'error')).toEqual([]);
      // Every chart carries inline data, so it renders without the warehouse.
      for (const spec of vegaLite(nb)) {
        expect(String(spec.$schema)).toContain('vega-lite/v5');
        expect((spec.data as { values: unknown[] }).values.length).toBeGreaterThan(0);
      }
      // ... and an SVG beside the spec, so stock Jupyter and nbconvert HTML (no Vega-Lite renderer) show it:
      // a drawn chart, with its title and marks
      const shown = charts(nb);
      expect(shown.length).toBeGreaterThan(0);
      for (const c of shown) {
        const title = String(c.spec.title);
        expect([title, c.svg?.startsWith('<svg')]).toEqual([title, true]);
        expect([title, c.svg?.includes(title.replace(/&/g, '&amp;'))]).toEqual([title, true]);
        expect([title, (c.svg?.match(/<path|<rect|<line/g) ?? []).length > 10]).toEqual([title, true]);
      }
      // the stock HTML export carries every chart as an inline SVG
      const html = toHtml(join(out, `${name}.ipynb`), join(out, 'html'));
      expect((html.match(/<svg[\s>]/g) ?? []).length).toBeGreaterThanOrEqual(shown.length);
      for (const c of shown) expect(html).toContain(String(c.spec.title).replace(/&/g, '&amp;'));
    },
    600_000,
  );

  it('explore tours loans, repayments, hang-ups by hour and rejects', () => {
    const nb = executed.get('explore');
    expect(nb, 'explore must have run').toBeDefined();
    const t = tables(nb!);
    expect(vegaLite(nb!).length).toBe(3);
    const counts = new Map(t.get('rows per table')!.map((r) => [r.table_name, num(r.n)]));
    expect(counts.get('loans')).toBeGreaterThan(0);
    const book = t.get('loans by type and grade')!;
    expect(book.reduce((a, r) => a + num(r.loans), 0)).toBe(counts.get('loans'));
    const hours = t.get('outbound calls by local hour')!;
    expect(hours.length).toBeGreaterThan(3);
    for (const r of hours) {
      expect(num(r.local_hour)).toBeGreaterThanOrEqual(0);
      expect(num(r.local_hour)).toBeLessThan(24);
      expect(num(r.hangup_rate)).toBeGreaterThanOrEqual(0);
      expect(num(r.hangup_rate)).toBeLessThanOrEqual(1);
    }
    expect(t.get('rejects by file and rule')!.length).toBeGreaterThan(0);
  });

  it('model-card shows both champions, metrics vs baseline, calibration, reasons and drift', async () => {
    const nb = executed.get('model-card');
    expect(nb, 'model-card must have run').toBeDefined();
    const t = tables(nb!);
    expect(vegaLite(nb!).length).toBe(3);
    expect(t.get('champion models')!.map((r) => r.model)).toEqual(['delinquency', 'hangup']);
    const metrics = t.get('test metrics per horizon')!;
    expect([...new Set(metrics.map((r) => `${r.model}/${r.variant}`))].sort()).toEqual([
      'delinquency/baseline',
      'delinquency/network',
      'hangup/baseline',
      'hangup/network',
    ]);
    for (const r of metrics) expect(num(r.auc)).toBeGreaterThan(0.5);
    // the notebook's numbers are the model card's (`followup models show`), horizon by horizon
    const champions = t.get('champion models')!;
    for (const r of metrics) {
      const version = String(champions.find((c) => c.model === r.model)?.version);
      const card = JSON.parse(
        readFileSync(join(demoDir, 'models', String(r.model), version, 'card.json'), 'utf8'),
      );
      const key = (k: string) => (r.model === 'hangup' ? k : `${k}_m${num(r.horizon)}`);
      const variant = String(r.variant);
      expect([r.model, r.horizon, variant, num(r.auc)]).toEqual([
        r.model,
        r.horizon,
        variant,
        expect.closeTo(card.metrics[key('auc')][variant], 4),
      ]);
      expect(num(r.ks)).toBeCloseTo(card.metrics[key('ks')][variant], 4);
    }
    const calib = t.get('reliability by decile of prediction')!;
    expect(new Set(calib.map((r) => r.model))).toEqual(new Set(['delinquency', 'hangup']));
    const reasons = t.get('highest 6-month risk, with reasons')!;
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of reasons) expect(String(r.reasons).length).toBeGreaterThan(0);
    const drift = t.get('feature drift, train → scored (highest first)')!;
    expect(drift.length).toBeGreaterThan(5);
    for (const r of drift) expect(r.drifted).toBe(num(r.psi) > num(r.no_change_95));
    // the notebook's PSI is monitor's (the same function over the same populations)
    const monitored = await withWarehouse(
      join(demoDir, 'warehouse.duckdb'),
      (w) => populationDrift(w, 'delinquency'),
      { readOnly: true },
    );
    const mine = new Map(drift.filter((r) => r.model === 'delinquency').map((r) => [r.feature, num(r.psi)]));
    expect(monitored?.length).toBe(mine.size);
    for (const r of monitored ?? [])
      expect([r.feature, mine.get(r.feature)]).toEqual([r.feature, expect.closeTo(r.psi, 9)]);
  });

  it('what-if moves the schedule with the risk budget, capacity and rule pack', () => {
    const nb = executed.get('what-if');
    expect(nb, 'what-if must have run').toBeDefined();
    expect(vegaLite(nb!).length).toBe(4);
    const all = new Map(
      tables(nb!)
        .get('every scenario')!
        .map((r) => [String(r.scenario), r]),
    );
    const base = all.get('default')!;
    expect(num(base.recommendations)).toBeGreaterThan(0);
    // A stricter budget brings follow-ups forward: risk accrued by the follow-up cannot grow.
    const strict = all.get('risk budget 0.002')!;
    const lax = all.get('risk budget 0.1')!;
    expect(num(strict.mean_risk_at_due)).toBeLessThanOrEqual(num(lax.mean_risk_at_due));
    // Capacity caps the busiest day: follow-ups move (or overflow) instead.
    for (const [name, r] of all) {
      const cap = /^capacity (\d+)\/day$/.exec(name);
      if (!cap) continue;
      expect(num(r.peak_day)).toBeLessThanOrEqual(Number(cap[1]));
      expect(num(r.moved) + num(r.overflow)).toBeGreaterThan(0);
      expect(num(r.coverage)).toBeLessThanOrEqual(num(base.coverage));
    }
    expect([...all.keys()].filter((k) => k.startsWith('capacity')).length).toBe(2);
    expect([...all.keys()].filter((k) => k.startsWith('all loans on pack')).length).toBeGreaterThan(1);
  });
});
