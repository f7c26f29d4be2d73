/**
 * Model performance charts: ROC, KS, calibration, lift by decile and score distribution per model · horizon
 * (network beside baseline), and AUC / rates by month. Input: ReportData.performance.
 */
import type { Lang, PerformanceData } from '../types.ts';
import { type Chart, DIAGONAL, facetByGroup, label, type Note, SIZE, spec, tr } from './common.ts';

const unit = { width: SIZE.cell, height: SIZE.cell };

export function performanceCharts(lang: Lang, d: PerformanceData): { charts: Chart[]; notes: Note[] } {
  const m = tr(lang);
  const labels = d.groups.map((g) => g.label);
  const facet = facetByGroup(lang, labels);
  const variantColor = {
    field: 'variant',
    type: 'nominal',
    title: m('variant'),
    // same colour per variant in every language (the network first)
    sort: [label(lang, 'network'), label(lang, 'baseline')],
  };
  const rows = <T>(
    pick: (
      g: PerformanceData['groups'][number],
      v: PerformanceData['groups'][number]['variants'][number],
    ) => T[],
  ) => d.groups.flatMap((g) => g.variants.flatMap((v) => pick(g, v)));
  const charts: Chart[] = [];
  const add = (name: string, title: string, values: unknown[], body: Record<string, unknown>) =>
    charts.push({ name, section: 'performance', title, spec: spec(title, values, body) });

  add(
    'perf-roc',
    m('roc'),
    rows((g, v) => v.roc.map((p) => ({ label: g.label, variant: label(lang, v.variant), ...p }))),
    {
      ...facet,
      spec: {
        ...unit,
        layer: [
          DIAGONAL,
          {
            mark: { type: 'line', interpolate: 'step-after' },
            encoding: {
              x: { field: 'x', type: 'quantitative', title: m('fpr'), scale: { domain: [0, 1] } },
              y: { field: 'y', type: 'quantitative', title: m('tpr'), scale: { domain: [0, 1] } },
              color: variantColor,
            },
          },
        ],
      },
    },
  );
  add(
    'perf-ks',
    m('ks'),
    rows((g, v) =>
      v.ks_curve.flatMap((p) => [
        { label: g.label, variant: label(lang, v.variant), x: p.x, class: m('bads'), share: p.bads },
        { label: g.label, variant: label(lang, v.variant), x: p.x, class: m('goods'), share: p.goods },
      ]),
    ),
    {
      ...facet,
      spec: {
        ...unit,
        mark: 'line',
        encoding: {
          x: { field: 'x', type: 'quantitative', title: m('threshold') },
          y: { field: 'share', type: 'quantitative', title: m('cum_share'), scale: { domain: [0, 1] } },
          color: { field: 'class', type: 'nominal', title: m('class') },
          strokeDash: variantColor,
          detail: { field: 'variant' },
        },
      },
    },
  );
  add(
    'perf-calibration',
    m('calibration'),
    rows((g, v) => v.calibration.map((b) => ({ label: g.label, variant: label(lang, v.variant), ...b }))),
    {
      ...facet,
      spec: {
        ...unit,
        layer: [
          DIAGONAL,
          {
            mark: { type: 'line', point: true },
            encoding: {
              x: {
                field: 'predicted',
                type: 'quantitative',
                title: m('predicted'),
                scale: { domain: [0, 1] },
              },
              y: { field: 'observed', type: 'quantitative', title: m('observed'), scale: { domain: [0, 1] } },
              color: variantColor,
              tooltip: [{ field: 'n', type: 'quantitative' }],
            },
          },
        ],
      },
    },
  );
  add(
    'perf-lift',
    m('lift'),
    rows((g, v) => v.lift.map((b) => ({ label: g.label, variant: label(lang, v.variant), ...b }))),
    {
      ...facet,
      spec: {
        ...unit,
        mark: 'bar',
        encoding: {
          x: { field: 'decile', type: 'ordinal', title: m('decile') },
          xOffset: { field: 'variant' },
          y: { field: 'lift', type: 'quantitative', title: m('lift_axis') },
          color: variantColor,
          tooltip: [{ field: 'cum_gain', type: 'quantitative', format: '.1%' }],
        },
      },
    },
  );
  add(
    'perf-score-dist',
    m('score_dist'),
    rows((g, v) =>
      v.score_hist.map((b) => ({
        label: g.label,
        variant: label(lang, v.variant),
        bin_start: b.bin_start,
        bin_end: b.bin_end,
        outcome: b.outcome === 1 ? m('bad') : m('good'),
        share: b.share,
      })),
    ),
    {
      facet: {
        column: { field: 'label', type: 'nominal', title: m('model_group'), sort: labels },
        row: { field: 'variant', type: 'nominal', title: m('variant') },
      },
      spec: {
        width: SIZE.cell,
        height: 120,
        mark: { type: 'bar', opacity: 0.55 },
        encoding: {
          x: {
            field: 'bin_start',
            type: 'quantitative',
            bin: { binned: true },
            title: m('score'),
            scale: { domain: [0, 1] },
          },
          x2: { field: 'bin_end' },
          y: { field: 'share', type: 'quantitative', title: m('share'), stack: null },
          color: { field: 'outcome', type: 'nominal', title: m('outcome') },
        },
      },
    },
  );
  const notes: Note[] = [];
  if (d.by_month.length === 0) {
    const reason = 'eval_predictions has no matured out-of-sample rows with a month';
    notes.push({ section: 'performance', name: 'perf-by-month', title: m('perf_by_month'), reason });
    return { charts, notes };
  }
  const month = { field: 'month', type: 'temporal', timeUnit: 'utcyearmonth', title: m('month') };
  add(
    'perf-by-month',
    m('perf_by_month'),
    d.by_month.filter((p) => p.auc !== null).map((p) => ({ ...p, variant: label(lang, p.variant) })),
    {
      ...facet,
      spec: {
        ...unit,
        mark: { type: 'line', point: true },
        encoding: {
          x: month,
          y: { field: 'auc', type: 'quantitative', title: m('auc'), scale: { zero: false } },
          color: variantColor,
          tooltip: [{ field: 'n', type: 'quantitative' }],
        },
      },
    },
  );
  add('perf-rate-by-month', m('rate_by_month'), rateRows(lang, d.by_month), {
    ...facet,
    spec: {
      ...unit,
      mark: { type: 'line', point: true },
      encoding: {
        x: month,
        y: { field: 'rate', type: 'quantitative', title: m('rate'), axis: { format: '.1%' } },
        color: { field: 'series', type: 'nominal', title: m('series') },
      },
    },
  });
  return { charts, notes };
}

/** Predicted rate per variant plus the observed rate once per (group, month): labels are the same for all variants. */
function rateRows(lang: Lang, points: PerformanceData['by_month']): unknown[] {
  const m = tr(lang);
  const seen = new Set<string>();
  return points.flatMap((p) => {
    const out: unknown[] = [
      {
        label: p.label,
        month: p.month,
        series: `${m('predicted')} · ${label(lang, p.variant)}`,
        rate: p.predicted,
      },
    ];
    const key = `${p.label}|${p.month}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ label: p.label, month: p.month, series: m('observed'), rate: p.observed });
    }
    return out;
  });
}
