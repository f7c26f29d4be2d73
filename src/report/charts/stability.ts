/**
 * PSI per feature (and the score) between the training and the scored population, one panel per model, with the
 * 0.10 / 0.25 bands as rules and the sample-size noise level as a tick. Input: ReportData.stability.
 */
import { nameOf } from '../i18n-names.ts';
import type { Lang, PsiRow } from '../types.ts';
import { type Chart, SIZE, spec, tr } from './common.ts';

/** Band colours: green stable, amber watch, red shift. */
const BAND_COLORS = ['#4c9a2a', '#e0a100', '#c0392b'];

/** Features sorted by PSI, largest first (same sort in every layer, so the layers' domains union cleanly). */
const BY_PSI = { field: 'psi', op: 'max', order: 'descending' };

export function stabilityCharts(lang: Lang, rows: PsiRow[]): Chart[] {
  const m = tr(lang);
  const values = rows.map((r) => ({
    ...r,
    model: nameOf(lang, 'model', r.model),
    feature: nameOf(lang, 'feature', r.feature),
    band_label: m(r.band),
  }));
  const features = [...new Set(rows.map((r) => r.feature))].length;
  return [
    {
      name: 'psi',
      section: 'stability',
      title: m('psi'),
      spec: spec(
        m('psi'),
        values,
        {
          facet: { row: { field: 'model', type: 'nominal', title: null } },
          resolve: { scale: { y: 'independent' } },
          spec: {
            width: SIZE.width,
            height: Math.max(80, 18 * features),
            layer: [
              {
                mark: 'bar',
                encoding: {
                  y: { field: 'feature', type: 'nominal', title: m('feature'), sort: BY_PSI },
                  x: { field: 'psi', type: 'quantitative', title: m('psi_axis') },
                  color: {
                    field: 'band_label',
                    type: 'nominal',
                    title: m('band'),
                    scale: { domain: [m('stable'), m('watch'), m('shift')], range: BAND_COLORS },
                  },
                  tooltip: [
                    { field: 'psi', type: 'quantitative', format: '.3f' },
                    { field: 'n_train', type: 'quantitative' },
                    { field: 'n_scored', type: 'quantitative' },
                  ],
                },
              },
              {
                mark: { type: 'tick', color: '#333', thickness: 2 },
                encoding: {
                  y: { field: 'feature', type: 'nominal', sort: BY_PSI },
                  x: { field: 'noise_p95', type: 'quantitative', title: m('psi_axis') }, // one axis title for both layers
                },
              },
              {
                mark: { type: 'rule', strokeDash: [4, 3], color: BAND_COLORS[1] },
                encoding: { x: { datum: 0.1 } },
              },
              {
                mark: { type: 'rule', strokeDash: [4, 3], color: BAND_COLORS[2] },
                encoding: { x: { datum: 0.25 } },
              },
            ],
          },
        },
        lang,
      ),
    },
  ];
}
