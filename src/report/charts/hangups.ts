/**
 * Hang-up charts: observed (and predicted, when available) rate by the borrower's local weekday × hour as
 * heatmaps, and by channel and by pre-notification with observed beside predicted. Input: ReportData.hangups.
 */
import { weekdayName } from '../i18n.ts';
import { nameOf } from '../i18n-names.ts';
import type { HangupCell, HangupData, Lang } from '../types.ts';
import { type Chart, type Note, SIZE, spec, tr } from './common.ts';

function heatmap(lang: Lang, name: string, title: string, cells: HangupCell[]): Chart {
  const m = tr(lang);
  const days = [1, 2, 3, 4, 5, 6, 7].map((d) => weekdayName(lang, d));
  return {
    name,
    section: 'hangups',
    title,
    spec: spec(
      title,
      cells.map((c) => ({ ...c, day: weekdayName(lang, c.weekday ?? 0) })),
      {
        width: SIZE.width,
        height: 180,
        mark: 'rect',
        encoding: {
          x: { field: 'hour', type: 'ordinal', title: m('hour'), scale: { domain: range24() } },
          y: { field: 'day', type: 'ordinal', title: m('weekday'), sort: days, scale: { domain: days } },
          color: {
            field: 'rate',
            type: 'quantitative',
            title: m('hang_rate'),
            scale: { scheme: 'orangered' },
          },
          tooltip: [
            { field: 'rate', type: 'quantitative', format: '.1%', title: m('hang_rate') },
            { field: 'n', type: 'quantitative', title: m('attempts') },
          ],
        },
      },
      lang,
    ),
  };
}

function range24(): number[] {
  return Array.from({ length: 24 }, (_, h) => h);
}

function bars(
  lang: Lang,
  name: string,
  title: string,
  field: string,
  fieldTitle: string,
  values: unknown[],
): Chart {
  const m = tr(lang);
  return {
    name,
    section: 'hangups',
    title,
    spec: spec(
      title,
      values,
      {
        width: SIZE.width / 2,
        height: SIZE.height,
        mark: 'bar',
        encoding: {
          // horizontal labels: 否/是 and channel names read upright, never rotated 90°
          x: { field, type: 'nominal', title: fieldTitle, axis: { labelAngle: 0 } },
          xOffset: { field: 'source' },
          y: { field: 'rate', type: 'quantitative', title: m('hang_rate'), axis: { format: '.0%' } },
          color: {
            field: 'source',
            type: 'nominal',
            title: m('source'),
            sort: [m('observed'), m('predicted')],
          },
          tooltip: [{ field: 'n', type: 'quantitative', title: m('attempts') }],
        },
      },
      lang,
    ),
  };
}

export function hangupCharts(lang: Lang, d: HangupData): { charts: Chart[]; notes: Note[] } {
  const m = tr(lang);
  const charts = [heatmap(lang, 'hangup-heatmap-observed', m('hang_heat_obs'), d.observed_heatmap)];
  const notes: Note[] = [];
  const pred = d.predicted.ok ? d.predicted.value : undefined;
  if (pred) charts.push(heatmap(lang, 'hangup-heatmap-predicted', m('hang_heat_pred'), pred.heatmap));
  else if (!d.predicted.ok)
    notes.push({
      section: 'hangups',
      name: 'hangup-heatmap-predicted',
      title: m('hang_heat_pred'),
      reason: d.predicted.reason,
    });
  const tag = (cells: HangupCell[], source: string, key: (c: HangupCell) => string) =>
    cells.map((c) => ({ key: key(c), source, rate: c.rate, n: c.n }));
  const yesNo = (c: HangupCell) => (c.prenotified ? m('yes') : m('no'));
  const channel = (c: HangupCell) => nameOf(lang, 'channel', c.channel ?? '?');
  charts.push(
    bars(lang, 'hangup-by-channel', m('hang_channel'), 'key', m('channel'), [
      ...tag(d.observed_by_channel, m('observed'), channel),
      ...(pred ? tag(pred.by_channel, m('predicted'), channel) : []),
    ]),
    bars(lang, 'hangup-by-prenotify', m('hang_prenotify'), 'key', m('prenotified'), [
      ...tag(d.observed_by_prenotify, m('observed'), yesNo),
      ...(pred ? tag(pred.by_prenotify, m('predicted'), yesNo) : []),
    ]),
  );
  return { charts, notes };
}
