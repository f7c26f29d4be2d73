/**
 * Schedule charts for one recommendation run: interval (cadence) by segment as a box summary, risk at the next
 * follow-up against the budget, daily load against capacity; and the backtest beside the fixed practice.
 * Input: ReportData.schedule and ReportData.backtest.
 */

import { nameOf } from '../i18n-names.ts';
import type { BacktestMetric, Lang, ScheduleData } from '../types.ts';
import { type Chart, dayFormat, grid, SIZE, spec, tr } from './common.ts';

/** A segment's label: loan type in the page's language and the credit grade. */
function segmentName(lang: Lang, s: { loan_type: string; credit_grade: string }): string {
  return `${nameOf(lang, 'loan_type', s.loan_type)} ${s.credit_grade}`;
}

/** Data of a label layer: one row, so the label is drawn once and not once per row of the chart's data. */
const ONE_ROW = { values: [{}] };

export function scheduleCharts(lang: Lang, d: ScheduleData): Chart[] {
  const m = tr(lang);
  const segY = {
    field: 'segment',
    type: 'nominal',
    title: m('segment'),
    sort: d.interval_by_segment.map((s) => segmentName(lang, s)),
  };
  const days = (field: string) => ({ field, type: 'quantitative', title: m('cadence') });
  const dayAxis = {
    field: 'day',
    type: 'temporal',
    timeUnit: 'utcyearmonthdate',
    title: m('day'),
    axis: { format: dayFormat(lang), labelAngle: 0 },
  };
  const loadLayers: unknown[] = [
    {
      mark: 'bar',
      encoding: {
        x: dayAxis,
        y: { field: 'n', type: 'quantitative', title: m('count') },
        ...(d.capacity === null
          ? {}
          : {
              color: {
                field: 'over_label',
                type: 'nominal',
                title: m('over'),
                scale: { domain: [m('no'), m('yes')], range: ['#4c78a8', '#c0392b'] },
              },
            }),
        tooltip: [
          { field: 'day', type: 'nominal', title: m('day') },
          { field: 'n', type: 'quantitative', title: m('count') },
        ],
      },
    },
  ];
  // the capacity line, labelled; without a known capacity the chart says so where the line would be
  if (d.capacity !== null)
    loadLayers.push(
      {
        mark: { type: 'rule', color: '#c0392b', strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { y: { datum: d.capacity, type: 'quantitative' } },
      },
      {
        data: ONE_ROW,
        mark: { type: 'text', align: 'right', dy: -6, color: '#c0392b', x: 'width' },
        encoding: {
          y: { datum: d.capacity, type: 'quantitative' },
          text: { value: `${m('capacity')} ${d.capacity}` },
        },
      },
    );
  else
    loadLayers.push({
      data: ONE_ROW,
      mark: { type: 'text', align: 'right', baseline: 'top', color: '#c0392b', x: 'width', y: 4 },
      encoding: { text: { value: m('capacity_unknown') } },
    });
  return [
    {
      name: 'schedule-interval',
      section: 'schedule',
      title: m('interval'),
      spec: spec(
        m('interval'),
        d.interval_by_segment.map((s) => ({ ...s, segment: segmentName(lang, s) })),
        {
          width: SIZE.width,
          height: Math.max(100, 22 * d.interval_by_segment.length),
          // whiskers min–max, the box q1–q3 (outlined, so a box whose quartiles coincide still shows as a bar
          // edge), the median as a dark tick over it
          layer: [
            {
              mark: { type: 'rule', color: '#888' },
              encoding: { y: segY, x: days('min'), x2: { field: 'max' } },
            },
            {
              mark: { type: 'bar', size: 14, color: '#9ecae1', stroke: '#2c6fa8', strokeWidth: 1.5 },
              encoding: { y: segY, x: days('q1'), x2: { field: 'q3' } },
            },
            {
              mark: { type: 'tick', color: '#08306b', size: 18, thickness: 3 },
              encoding: {
                y: segY,
                x: days('median'),
                tooltip: [
                  { field: 'n', type: 'quantitative', title: m('count') },
                  { field: 'q1', type: 'quantitative' },
                  { field: 'median', type: 'quantitative' },
                  { field: 'q3', type: 'quantitative' },
                ],
              },
            },
          ],
        },
        lang,
      ),
    },
    {
      name: 'schedule-risk',
      section: 'schedule',
      title: m('risk_at_due'),
      spec: spec(
        m('risk_at_due'),
        d.risk_hist,
        {
          width: SIZE.width,
          height: SIZE.height,
          layer: [
            {
              mark: 'bar',
              encoding: {
                x: {
                  field: 'bin_start',
                  type: 'quantitative',
                  bin: { binned: true },
                  title: m('risk_log'),
                  scale: { type: 'log' },
                  axis: { format: '.2~%', tickCount: 5 },
                },
                x2: { field: 'bin_end' },
                y: { field: 'n', type: 'quantitative', title: m('count') },
              },
            },
            {
              mark: { type: 'rule', color: '#c0392b', strokeDash: [5, 3] },
              encoding: { x: { datum: d.risk_budget } },
            },
            {
              data: ONE_ROW,
              mark: { type: 'text', align: 'left', dx: 4, dy: -4, color: '#c0392b' },
              encoding: { x: { datum: d.risk_budget }, y: { value: 10 }, text: { value: m('budget') } },
            },
          ],
        },
        lang,
      ),
    },
    {
      name: 'schedule-load',
      section: 'schedule',
      title: m('load'),
      spec: spec(
        m('load'),
        d.daily_load.map((x) => ({ ...x, over_label: x.over ? m('yes') : m('no') })),
        { width: SIZE.width, height: SIZE.height, layer: loadLayers },
        lang,
      ),
    },
  ];
}

export function backtestCharts(lang: Lang, metrics: BacktestMetric[]): Chart[] {
  const m = tr(lang);
  const extra = (['tiered', 'random', 'oracle'] as const).filter((k) =>
    metrics.some((x) => x[k] !== undefined),
  );
  // Floor, simple practices, the planner, ceiling — left to right.
  const has = (k: (typeof extra)[number]) => extra.includes(k);
  const order = [
    ...(has('random') ? [m('random')] : []),
    m('fixed'),
    ...(has('tiered') ? [m('tiered')] : []),
    m('recommended'),
    ...(has('oracle') ? [m('oracle')] : []),
  ];
  const values = metrics.flatMap((x) => {
    const name = nameOf(lang, 'metric', x.name);
    const metric = x.unit ? `${name} (${nameOf(lang, 'unit', x.unit)})` : name;
    return [
      { metric, policy: m('fixed'), value: x.fixed },
      { metric, policy: m('recommended'), value: x.recommended },
      ...extra.flatMap((k) => (x[k] === undefined ? [] : [{ metric, policy: m(k), value: x[k] }])),
    ];
  });
  return [
    {
      name: 'backtest',
      section: 'backtest',
      title: m('backtest'),
      spec: spec(
        m('backtest'),
        values,
        // one panel per metric, four to a row, each with its own scale (percentages beside call counts), so eight
        // metrics fit the page instead of one 1,800 px row
        grid(
          [...new Set(values.map((v) => v.metric))].map((metric) => ({ title: metric, where: { metric } })),
          {
            width: 150,
            height: 180,
            encoding: {
              x: {
                field: 'policy',
                type: 'nominal',
                title: null,
                sort: order,
                axis: { labels: false, ticks: false },
              },
              y: { field: 'value', type: 'quantitative', title: m('value'), axis: { format: ',~r' } },
            },
            // each bar labelled with its value: a metric at 0 for every policy (rule violations) still reads as 0
            layer: [
              {
                mark: 'bar',
                encoding: {
                  color: { field: 'policy', type: 'nominal', title: m('policy'), sort: order },
                  tooltip: [
                    { field: 'policy', type: 'nominal', title: m('policy') },
                    { field: 'value', type: 'quantitative', title: m('value') },
                  ],
                },
              },
              {
                mark: { type: 'text', dy: -5, fontSize: 10, baseline: 'bottom' },
                encoding: { text: { field: 'value', type: 'quantitative', format: ',.3~r' } },
              },
            ],
          },
          4,
        ),
        lang,
      ),
    },
  ];
}
