/**
 * Model performance charts, one panel per model · horizon (network beside baseline), each panel with its own
 * scales so a 1–4 % delinquency horizon is not drawn on the hang-up model's axis: ROC, KS and gains by population
 * share (riskiest first) with the KS marker, calibration by equal-count bins with 95 % intervals, lift by decile,
 * score distribution, and AUC / rates by month. Input: ReportData.performance.
 */
import type { Lang, PerformanceData } from '../types.ts';
import {
  byGroup,
  type Chart,
  DIAGONAL,
  grid,
  label,
  monthFormat,
  type Note,
  SIZE,
  spec,
  tr,
} from './common.ts';

const unit = { width: SIZE.cell, height: SIZE.cell };

/** Square-root axes spread the lowest tenths of a 2 % model apart and keep y = x straight (same map on both). */
const SQRT = { type: 'sqrt', zero: true };

type Group = PerformanceData['groups'][number];
type Variant = Group['variants'][number];

export function performanceCharts(lang: Lang, d: PerformanceData): { charts: Chart[]; notes: Note[] } {
  const m = tr(lang);
  const panels = byGroup(d.groups.map((g) => g.label));
  const variantColor = {
    field: 'variant',
    type: 'nominal',
    title: m('variant'),
    // same colour per variant in every language (the network first)
    sort: [label(lang, 'network'), label(lang, 'baseline')],
  };
  const rows = <T>(pick: (g: Group, v: Variant) => T[]) =>
    d.groups.flatMap((g) => g.variants.flatMap((v) => pick(g, v)));
  const charts: Chart[] = [];
  const add = (name: string, title: string, values: unknown[], body: Record<string, unknown>) =>
    charts.push({ name, section: 'performance', title, spec: spec(title, values, body, lang) });
  const pct = { format: '.0%' };

  add(
    'perf-roc',
    m('roc'),
    rows((g, v) => v.roc.map((p) => ({ label: g.label, variant: label(lang, v.variant), ...p }))),
    grid(panels, {
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
    }),
  );
  // KS by population share: the class curves, a rule where the gap peaks and the KS value beside it
  const ksRows = rows((g, v) => [
    ...v.ks_curve.flatMap((p) => [
      { label: g.label, variant: label(lang, v.variant), x: p.x, class: m('bads'), share: p.bads },
      { label: g.label, variant: label(lang, v.variant), x: p.x, class: m('goods'), share: p.goods },
    ]),
    ...(v.ks === null || v.ks_at === null
      ? []
      : [
          {
            label: g.label,
            variant: label(lang, v.variant),
            marker: v.ks_at,
            text: `KS ${v.ks.toFixed(3)}`,
            first: v.variant === g.variants[0]?.variant,
          },
        ]),
  ]);
  add(
    'perf-ks',
    m('ks'),
    ksRows,
    grid(panels, {
      ...unit,
      layer: [
        {
          transform: [{ filter: 'isValid(datum.share)' }],
          mark: 'line',
          encoding: {
            x: { field: 'x', type: 'quantitative', title: m('pop_share'), axis: pct },
            y: { field: 'share', type: 'quantitative', title: m('cum_share'), axis: pct },
            color: { field: 'class', type: 'nominal', title: m('class') },
            strokeDash: variantColor,
            detail: { field: 'variant' },
          },
        },
        {
          transform: [{ filter: 'isValid(datum.marker)' }],
          mark: { type: 'rule', color: '#555' },
          encoding: { x: { field: 'marker', type: 'quantitative' }, strokeDash: variantColor },
        },
        {
          transform: [{ filter: 'datum.first === true' }],
          mark: { type: 'text', align: 'left', dx: 4, y: 12, fontSize: 11 },
          encoding: { x: { field: 'marker', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    }),
  );
  add(
    'perf-gains',
    m('gains'),
    rows((g, v) =>
      v.ks_curve.map((p) => ({ label: g.label, variant: label(lang, v.variant), x: p.x, y: p.bads })),
    ),
    grid(panels, {
      ...unit,
      layer: [
        DIAGONAL,
        {
          mark: 'line',
          encoding: {
            x: {
              field: 'x',
              type: 'quantitative',
              title: m('pop_share'),
              axis: pct,
              scale: { domain: [0, 1] },
            },
            y: {
              field: 'y',
              type: 'quantitative',
              title: m('bads_captured'),
              axis: pct,
              scale: { domain: [0, 1] },
            },
            color: variantColor,
          },
        },
      ],
    }),
  );
  const calib = rows((g, v) =>
    v.calibration.map((b) => ({ label: g.label, variant: label(lang, v.variant), ...b })),
  );
  add(
    'perf-calibration',
    m('calibration'),
    calib,
    grid(panels, {
      ...unit,
      layer: [
        {
          // y = x over the panel's own range (a 0–1 diagonal would stretch a 2 % model's axis to 100 %)
          mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
          encoding: {
            x: { field: 'predicted', type: 'quantitative', scale: SQRT },
            y: { field: 'predicted', type: 'quantitative', scale: SQRT },
          },
        },
        {
          mark: { type: 'rule', opacity: 0.6 },
          encoding: {
            x: { field: 'predicted', type: 'quantitative', scale: SQRT },
            y: { field: 'low', type: 'quantitative', scale: SQRT },
            y2: { field: 'high' },
            color: variantColor,
          },
        },
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: {
              field: 'predicted',
              type: 'quantitative',
              title: m('predicted_sqrt'),
              scale: SQRT,
              axis: { format: '.1~%' },
            },
            y: {
              field: 'observed',
              type: 'quantitative',
              title: m('observed'),
              scale: SQRT,
              axis: { format: '.1~%' },
            },
            color: variantColor,
            tooltip: [
              { field: 'n', type: 'quantitative', title: m('rows') },
              { field: 'low', type: 'quantitative', format: '.2%' },
              { field: 'high', type: 'quantitative', format: '.2%' },
            ],
          },
        },
      ],
    }),
  );
  add(
    'perf-lift',
    m('lift'),
    rows((g, v) => v.lift.map((b) => ({ label: g.label, variant: label(lang, v.variant), ...b }))),
    grid(panels, {
      ...unit,
      mark: 'bar',
      encoding: {
        x: { field: 'decile', type: 'ordinal', title: m('decile'), axis: { labelAngle: 0 } },
        xOffset: { field: 'variant' },
        y: { field: 'lift', type: 'quantitative', title: m('lift_axis') },
        color: variantColor,
        tooltip: [{ field: 'cum_gain', type: 'quantitative', format: '.1%' }],
      },
    }),
  );
  const distPanels = d.groups.flatMap((g) =>
    g.variants.map((v) => ({
      title: `${g.label} · ${label(lang, v.variant)}`,
      where: { label: g.label, variant: label(lang, v.variant) },
    })),
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
    grid(
      distPanels,
      {
        width: SIZE.cell,
        height: 110,
        mark: { type: 'bar', opacity: 0.55 },
        encoding: {
          x: {
            field: 'bin_start',
            type: 'quantitative',
            bin: { binned: true },
            title: m('score_log'),
            scale: { type: 'log' },
            axis: { format: '.2~%', tickCount: 4 },
          },
          x2: { field: 'bin_end' },
          y: { field: 'share', type: 'quantitative', title: m('share'), stack: null, axis: pct },
          color: { field: 'outcome', type: 'nominal', title: m('outcome') },
        },
      },
      4,
    ),
  );
  const notes: Note[] = [];
  if (d.by_month.length === 0) {
    const reason = 'eval_predictions has no matured out-of-sample rows with a month';
    notes.push({ section: 'performance', name: 'perf-by-month', title: m('perf_by_month'), reason });
    return { charts, notes };
  }
  const month = {
    field: 'month',
    type: 'temporal',
    timeUnit: 'utcyearmonth',
    title: m('month'),
    axis: { format: monthFormat(lang), labelAngle: 0, tickCount: { interval: 'month', step: 3 } },
  };
  const aucRows = d.by_month
    .filter((p) => p.auc !== null)
    .map((p) => ({ ...p, variant: label(lang, p.variant) }));
  add(
    'perf-by-month',
    m('perf_by_month'),
    aucRows,
    grid(
      panels.filter((p) => aucRows.some((r) => r.label === p.where.label)),
      {
        ...unit,
        mark: { type: 'line', point: true },
        encoding: {
          x: month,
          y: { field: 'auc', type: 'quantitative', title: m('auc'), scale: { zero: false } },
          color: variantColor,
          tooltip: [{ field: 'n', type: 'quantitative', title: m('rows') }],
        },
      },
    ),
  );
  add(
    'perf-rate-by-month',
    m('rate_by_month'),
    rateRows(lang, d.by_month),
    grid(panels, {
      ...unit,
      mark: { type: 'line', point: true },
      encoding: {
        x: month,
        y: { field: 'rate', type: 'quantitative', title: m('rate'), axis: { format: '.1%' } },
        color: { field: 'series', type: 'nominal', title: m('series') },
      },
    }),
  );
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
