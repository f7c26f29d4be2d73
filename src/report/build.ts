/**
 * The report stage. Reads the warehouse, writes one directory:
 *
 *   warehouse ──collectReportData──► ReportData (report-data.json)
 *        ──buildCharts──► Vega-Lite specs (<name>.vl.json) + "not available" notes
 *        ──specToSvg / svgToPng──► <name>.svg, <name>.png
 *        ──renderHtml──► index.html (all charts, key tables, notes; vega/vega-lite/vega-embed inlined)
 *
 * Reads: loans, repayments, contacts, recommendation_runs, recommendations, eval_predictions, score_population,
 * features_snapshot, scores, backtest_results JSON. Writes: files only; the warehouse is opened read-only by the CLI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/log.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { buildCharts, type Note } from './charts/index.ts';
import { type CollectOptions, collectReportData } from './collect.ts';
import { renderHtml } from './html.ts';
import { reportFonts, specToSvg, svgToPng } from './render.ts';
import type { ReportData } from './types.ts';

export interface ReportOptions extends CollectOptions {
  /** Output directory (created if missing). */
  outDir: string;
  log: Logger;
  /** Also write SVG and PNG per chart. Default: true. */
  images?: boolean;
}

/** What `followup report --json` prints. */
export interface ReportSummary {
  out_dir: string;
  lang: string;
  /** Recommendation run described, or null when the schedule section is not available. */
  run_id: string | null;
  /** Chart names written, in page order. */
  charts: string[];
  /** Parts shown as "not available", with the reason. */
  not_available: { name: string; reason: string }[];
  /** Files written, relative to out_dir. */
  files: string[];
}

export async function buildReport(w: Warehouse, opts: ReportOptions): Promise<ReportSummary> {
  const data = await collectReportData(w, opts);
  return writeReport(data, opts);
}

/** Writes every output of a report from its data (also used to rebuild from a saved report-data.json). */
export async function writeReport(
  data: ReportData,
  opts: { outDir: string; log: Logger; images?: boolean },
): Promise<ReportSummary> {
  mkdirSync(opts.outDir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, content: string | Uint8Array) => {
    writeFileSync(join(opts.outDir, name), content);
    files.push(name);
  };
  put('report-data.json', `${JSON.stringify(data, null, 2)}\n`);
  const { charts, notes } = buildCharts(data);
  const images = opts.images ?? true;
  if (images && !reportFonts().cjk)
    opts.log.warn('no Noto Sans CJK font found; Chinese labels in PNGs may render as boxes', {
      hint: 'apt-get install fonts-noto-cjk',
    });
  for (const c of charts) {
    put(`${c.name}.vl.json`, `${JSON.stringify(c.spec, null, 2)}\n`);
    if (!images) continue;
    const svg = await specToSvg(c.spec);
    put(`${c.name}.svg`, svg);
    put(`${c.name}.png`, svgToPng(svg));
  }
  put('index.html', renderHtml(data, charts, notes));
  for (const n of notes) opts.log.warn(`report: ${n.name} not available`, { reason: n.reason });
  opts.log.info('report written', { out_dir: opts.outDir, charts: charts.length, notes: notes.length });
  return {
    out_dir: opts.outDir,
    lang: data.lang,
    run_id: data.schedule.ok ? data.schedule.value.run.run_id : null,
    charts: charts.map((c) => c.name),
    not_available: notes.map((n: Note) => ({ name: n.name, reason: n.reason })),
    files,
  };
}
