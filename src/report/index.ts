/**
 * Reports: Vega-Lite specs, SVG/PNG and one offline HTML page from the warehouse.
 *
 *   const summary = await buildReport(w, { outDir: 'out/report', lang: 'zh-CN', clock, log });
 *
 * Producers of the inputs call `ensureReportInputs(w)` to create eval_predictions and score_population.
 */

export {
  ensureReportInputs,
  HANGUP_HORIZON,
  REPORT_INPUTS_DDL,
  SCORE_FEATURE,
} from '../warehouse/report-inputs.ts';
export {
  buildReport,
  buildReportHistory,
  type ReportOptions,
  type ReportSummary,
  writeReport,
} from './build.ts';
export { buildCharts, type Chart, type Note } from './charts/index.ts';
export { type CollectOptions, collectReport, collectReportData, collectReportHistory } from './collect.ts';
export { HISTORY_FILE, type ReportHistory, readHistory } from './history.ts';
export { specToSvg, svgToPng } from './render.ts';
export type * from './types.ts';
