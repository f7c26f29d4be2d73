/**
 * Portfolio charts: vintage curves (share of loans 30+ DPD by month on book, one line per half-year of
 * disbursement) and the roll-rate matrix (DPD bucket this month → next month) as an annotated heatmap.
 * Input: ReportData.vintage.
 */
import { vintageName } from '../i18n-names.ts';
import { bucketLabel } from '../tables.ts';
import type { Lang, VintageData } from '../types.ts';
import { type Chart, SIZE, spec, tr } from './common.ts';

const ORDER = ['current', '1-29', '30-59', '60-89', '90+'];

export function portfolioCharts(lang: Lang, d: VintageData): Chart[] {
  const m = tr(lang);
  const charts: Chart[] = [];
  if (d.curves.length)
    charts.push({
      name: 'vintage-curves',
      section: 'portfolio',
      title: m('vintage_chart'),
      spec: spec(
        m('vintage_chart'),
        d.curves.map((c) => ({ ...c, vintage: vintageName(lang, c.vintage) })),
        {
          width: SIZE.width,
          height: SIZE.height,
          mark: { type: 'line', point: { size: 12 } },
          encoding: {
            x: { field: 'mob', type: 'quantitative', title: m('mob') },
            y: { field: 'rate', type: 'quantitative', title: m('bad_rate'), axis: { format: '.1%' } },
            color: { field: 'vintage', type: 'nominal', title: m('vintage') },
            tooltip: [
              { field: 'vintage', type: 'nominal', title: m('vintage') },
              { field: 'mob', type: 'quantitative', title: m('mob') },
              { field: 'rate', type: 'quantitative', format: '.2%', title: m('bad_rate') },
              { field: 'n', type: 'quantitative', title: m('rows') },
            ],
          },
        },
        lang,
      ),
    });
  if (d.roll_rates.length) {
    const labels = ORDER.map((b) => bucketLabel(lang, b));
    charts.push({
      name: 'roll-rates',
      section: 'portfolio',
      title: m('roll_chart'),
      spec: spec(
        m('roll_chart'),
        d.roll_rates.map((r) => ({
          ...r,
          from_label: bucketLabel(lang, r.from),
          to_label: bucketLabel(lang, r.to),
          text: `${(r.share * 100).toFixed(1)}%`,
        })),
        {
          width: 5 * 70,
          height: 5 * 34,
          encoding: {
            x: {
              field: 'to_label',
              type: 'ordinal',
              title: m('to_bucket'),
              sort: labels,
              scale: { domain: labels },
              axis: { labelAngle: 0, orient: 'top' },
            },
            y: {
              field: 'from_label',
              type: 'ordinal',
              title: m('from_bucket'),
              sort: labels,
              scale: {
                domain: labels.filter((l) => d.roll_rates.some((r) => bucketLabel(lang, r.from) === l)),
              },
            },
          },
          layer: [
            {
              mark: 'rect',
              encoding: {
                color: {
                  field: 'share',
                  type: 'quantitative',
                  title: m('share'),
                  scale: { scheme: 'blues', type: 'sqrt', domain: [0, 1] },
                  legend: { format: '.0%' },
                },
              },
            },
            {
              mark: { type: 'text', fontSize: 11 },
              encoding: {
                text: { field: 'text' },
                color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#222' },
              },
            },
          ],
        },
        lang,
      ),
    });
  }
  return charts;
}
