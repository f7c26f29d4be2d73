/**
 * The report stage. Reads the warehouse, writes one directory:
 *
 *   warehouse ──collectReportData──► ReportData (report-data.json)
 *        ──buildCharts──► Vega-Lite specs (<name>.vl.json) + "not available" notes
 *        ──specToSvg / svgToPng──► <name>.svg, <name>.png
 *        ──renderHtml──► index.html (all charts, key tables, notes; vega/vega-lite/vega-embed inlined)
 *   (part history: performance, WoE/IV, vintages, hang-ups alone ──► report-history.json, for a later report)
 *
 * Reads: loans, repayments, contacts, recommendation_runs, recommendations, eval_predictions, score_population,
 * features_snapshot, scores, backtest_results JSON. Writes: files only; the warehouse is opened read-only by the CLI.
 *
 * Every file is written whole (temp file, then rename) and index.html — the page, which inlines every chart — last:
 * a report killed or stopped midway leaves whole files only, and the old page or none, never half a page. Temp
 * files a killed report left are removed by the next one.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { throwIfInterrupted } from '../core/interrupt.ts';
import type { Logger } from '../core/log.ts';
import { removeStaleTempsIn, writeWhole } from '../core/temp-files.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { buildCharts, type Note } from './charts/index.ts';
import { type CollectOptions, collectReport, collectReportHistory } from './collect.ts';
import { HISTORY_FILE } from './history.ts';
import { renderHtml } from './html.ts';
import { reportFonts, specToSvg, svgToPng } from './render.ts';
import type { ReportData } from './types.ts';

export interface ReportOptions extends CollectOptions {
  /** Output directory (created if missing). */
  outDir: string;
  log: Logger;
  /** Also write SVG and PNG per chart. Default: true. */
  images?: boolean;
  /** Where `history` was read from, for the log. */
  historyPath?: string;
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
  /** With a history file: `reused`, or `collected again: <why>`. */
  history?: string;
}

export async function buildReport(w: Warehouse, opts: ReportOptions): Promise<ReportSummary> {
  const { data, history } = await collectReport(w, opts);
  if (history?.reused) opts.log.info('report: history sections reused', { from: opts.historyPath ?? null });
  else if (history) opts.log.info('report: history sections collected again', { why: history.why });
  const summary = await writeReport(data, w.signal ? { ...opts, signal: w.signal } : opts);
  return history
    ? { ...summary, history: history.reused ? 'reused' : `collected again: ${history.why}` }
    : summary;
}

/**
 * The history sections alone (history.ts), written whole to <outDir>/report-history.json for a report that runs
 * later on the same data; returns the file's path.
 */
export async function buildReportHistory(w: Warehouse, opts: ReportOptions): Promise<string> {
  const h = await collectReportHistory(w, opts);
  mkdirSync(opts.outDir, { recursive: true });
  const path = join(opts.outDir, HISTORY_FILE);
  await writeWhole(path, `${JSON.stringify(h, null, 2)}\n`);
  opts.log.info('report: history sections written', { path });
  return path;
}

/** What a report writes: its data, the charts' specs and images, the page. */
const REPORT_FILE = /\.(json|svg|png|html)$/;

/** Writes every output of a report from its data (also used to rebuild from a saved report-data.json). */
export async function writeReport(
  data: ReportData,
  opts: { outDir: string; log: Logger; images?: boolean; signal?: AbortSignal },
): Promise<ReportSummary> {
  mkdirSync(opts.outDir, { recursive: true });
  const stale = await removeStaleTempsIn(opts.outDir, (name) => REPORT_FILE.test(name));
  if (stale.length) opts.log.warn('report: removed temp files an interrupted report left', { files: stale });
  const files: string[] = [];
  const put = async (name: string, content: string | Uint8Array) => {
    // Asked to stop: end between two whole files, before the page.
    throwIfInterrupted(opts.signal, `while writing the report; ${opts.outDir}/index.html was not replaced`);
    await writeWhole(join(opts.outDir, name), content);
    files.push(name);
  };
  await put('report-data.json', `${JSON.stringify(data, null, 2)}\n`);
  const { charts, notes } = buildCharts(data);
  const images = opts.images ?? true;
  if (images && !reportFonts().cjk)
    opts.log.warn('no Noto Sans CJK font found; Chinese labels in PNGs may render as boxes', {
      hint: 'apt-get install fonts-noto-cjk',
    });
  for (const c of charts) {
    await put(`${c.name}.vl.json`, `${JSON.stringify(c.spec, null, 2)}\n`);
    if (!images) continue;
    const svg = await specToSvg(c.spec);
    await put(`${c.name}.svg`, svg);
    await put(`${c.name}.png`, svgToPng(svg));
  }
  await put('index.html', renderHtml(data, charts, notes));
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
