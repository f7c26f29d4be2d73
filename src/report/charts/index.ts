/**
 * From ReportData to the list of charts and "not available" notes, in page order. Pure: same data → same specs.
 */
import { t } from '../i18n.ts';
import type { ReportData } from '../types.ts';
import type { Chart, Note, SectionKey } from './common.ts';
import { hangupCharts } from './hangups.ts';
import { performanceCharts } from './performance.ts';
import { portfolioCharts } from './portfolio.ts';
import { backtestCharts, scheduleCharts } from './schedule.ts';
import { stabilityCharts } from './stability.ts';

export type { Chart, Note, SectionKey, VlSpec } from './common.ts';
export { SECTIONS } from './common.ts';

export function buildCharts(data: ReportData): { charts: Chart[]; notes: Note[] } {
  const lang = data.lang;
  const charts: Chart[] = [];
  const notes: Note[] = [];
  const missing = (section: SectionKey, reason: string) =>
    notes.push({ section, name: section, title: t(lang, `sec_${section}`), reason });

  if (data.performance.ok) {
    const r = performanceCharts(lang, data.performance.value);
    charts.push(...r.charts);
    notes.push(...r.notes);
  } else missing('performance', data.performance.reason);

  if (data.stability.ok) charts.push(...stabilityCharts(lang, data.stability.value));
  else missing('stability', data.stability.reason);

  // parts added after format 1's first reports: a saved report-data.json may lack them
  if (data.vintage?.ok) charts.push(...portfolioCharts(lang, data.vintage.value));
  else missing('portfolio', data.vintage ? data.vintage.reason : 'not in this report-data.json');
  if (data.woe && !data.woe.ok)
    notes.push({ section: 'stability', name: 'woe', title: t(lang, 'woe_table'), reason: data.woe.reason });
  if (data.actions && !data.actions.ok) missing('actions', data.actions.reason);
  else if (!data.actions) missing('actions', 'not in this report-data.json');

  if (data.hangups.ok) {
    const r = hangupCharts(lang, data.hangups.value);
    charts.push(...r.charts);
    notes.push(...r.notes);
  } else missing('hangups', data.hangups.reason);

  if (data.schedule.ok) charts.push(...scheduleCharts(lang, data.schedule.value));
  else missing('schedule', data.schedule.reason);

  if (data.backtest.ok) charts.push(...backtestCharts(lang, data.backtest.value));
  else missing('backtest', data.backtest.reason);

  return { charts, notes };
}
