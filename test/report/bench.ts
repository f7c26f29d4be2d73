/**
 * Report benchmark: builds the seeded fixture at a larger size and prints how long each stage takes and the
 * peak RSS. Figures only, never assertions. Run: `TZ=UTC npx tsx test/report/bench.ts [loans=5000] [lang=en]`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../src/core/clock.ts';
import { buildCharts } from '../../src/report/charts/index.ts';
import { collectReportData } from '../../src/report/collect.ts';
import { renderHtml } from '../../src/report/html.ts';
import { specToSvg, svgToPng } from '../../src/report/render.ts';
import type { Lang } from '../../src/report/types.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { buildFixture } from './fixture.ts';

const loans = Number(process.argv[2] ?? 5000);
const lang = (process.argv[3] ?? 'en') as Lang;
const dir = mkdtempSync(join(tmpdir(), 'report-bench-'));
const lap = (() => {
  let t = performance.now();
  return () => {
    const d = performance.now() - t;
    t = performance.now();
    return `${(d / 1000).toFixed(2)} s`;
  };
})();
try {
  const path = await buildFixture(dir, { loans });
  const rows = await withWarehouse(path, (w) =>
    w.one<{ c: number; e: number; r: number }>(
      `SELECT (SELECT count(*) FROM contacts)::INTEGER AS c, (SELECT count(*) FROM eval_predictions)::INTEGER AS e,
              (SELECT count(*) FROM recommendations)::INTEGER AS r`,
    ),
  );
  console.log(
    `fixture: ${loans} loans, ${rows?.c} contacts, ${rows?.e} eval rows, ${rows?.r} recommendations: ${lap()}`,
  );
  const data = await withWarehouse(
    path,
    (w) => collectReportData(w, { clock: fixedClock('2025-07-02T00:00:00Z'), lang, capacity: 9 }),
    {
      readOnly: true,
    },
  );
  console.log(`collect: ${lap()}`);
  const { charts, notes } = buildCharts(data);
  console.log(`charts: ${charts.length} specs, ${lap()}`);
  const svgs: string[] = [];
  for (const c of charts) svgs.push(await specToSvg(c.spec));
  console.log(`svg: ${lap()}`);
  let png = 0;
  for (const s of svgs) png += svgToPng(s).length;
  console.log(`png: ${lap()} (${(png / 1e6).toFixed(1)} MB)`);
  const html = renderHtml(data, charts, notes);
  console.log(`html: ${lap()} (${(html.length / 1e6).toFixed(2)} MB)`);
  console.log(
    `warehouse ${(statSync(path).size / 1e6).toFixed(1)} MB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
