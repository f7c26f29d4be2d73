/**
 * The key tables of the page, as HTML: discrimination/calibration per model · horizon and variant, PSI, top
 * reasons, overflow days and the backtest. Every value is escaped; numbers are formatted, never raw floats.
 */
import type { SectionKey } from './charts/common.ts';
import { type MsgKey, t } from './i18n.ts';
import type { ReportData } from './types.ts';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Fixed decimals, or an en dash for missing values. */
export function fmt(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);
}

function table(id: string, caption: string, head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${id}"><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** Tables shown at the top of a section (none when its data is missing: the note says why). */
export function tablesFor(data: ReportData, key: SectionKey): string[] {
  const m = (k: MsgKey) => t(data.lang, k);
  const v = (name: string) => (name === 'network' || name === 'baseline' ? m(name) : name);
  if (key === 'performance' && data.performance.ok) {
    const p = data.performance.value;
    const rows = p.groups.flatMap((g) =>
      g.variants.map((x) => [
        g.label,
        v(x.variant),
        String(x.n),
        String(x.positives),
        fmt(x.auc),
        fmt(x.gini),
        fmt(x.ks),
        fmt(x.brier, 4),
        fmt(x.ece, 4),
      ]),
    );
    const head = [
      m('model_group'),
      m('variant'),
      m('rows'),
      m('positives'),
      'AUC',
      'Gini',
      'KS',
      'Brier',
      'ECE',
    ];
    return [table('table-metrics', `${m('metrics_table')} (${m('split')}: ${p.split})`, head, rows)];
  }
  if (key === 'stability' && data.stability.ok) {
    const rows = data.stability.value.map((r) => [
      r.model,
      r.feature,
      fmt(r.psi),
      m(r.band),
      fmt(r.noise_p95),
      String(r.n_train),
      String(r.n_scored),
    ]);
    const head = ['model', m('feature'), 'PSI', m('band'), m('noise'), 'n train', 'n scored'];
    return [table('table-psi', m('psi'), head, rows)];
  }
  if (key === 'schedule' && data.schedule.ok) {
    const s = data.schedule.value;
    const reasons = s.top_reasons.map((r) => [
      r.code,
      String(r.n),
      `${(r.share * 100).toFixed(1)} %`,
      r.example,
    ]);
    const overflow =
      s.capacity === null
        ? `<p class="na" data-note="capacity">${esc(m('capacity'))} — ${esc(m('not_available'))}: ${esc(m('capacity_unknown'))}</p>`
        : s.overflow_days.length === 0
          ? `<p id="table-overflow">${esc(m('overflow_days'))}: ${esc(m('none'))} (${esc(m('capacity'))} ${s.capacity})</p>`
          : table(
              'table-overflow',
              `${m('overflow_days')} (${m('capacity')} ${s.capacity})`,
              [m('day'), m('count'), m('excess')],
              s.overflow_days.map((d) => [d.day, String(d.n), String(d.excess)]),
            );
    return [
      table('table-reasons', m('top_reasons'), [m('code'), m('count'), m('share'), m('example')], reasons),
      overflow,
    ];
  }
  if (key === 'backtest' && data.backtest.ok) {
    const extra = (['tiered', 'random', 'oracle'] as const).filter((k) =>
      data.backtest.ok ? data.backtest.value.some((b) => b[k] !== undefined) : false,
    );
    const rows = data.backtest.value.map((b) => [
      b.name,
      b.unit,
      String(b.fixed),
      ...extra.filter((k) => k !== 'oracle').map((k) => String(b[k] ?? '')),
      String(b.recommended),
      ...extra.filter((k) => k === 'oracle').map((k) => String(b[k] ?? '')),
    ]);
    const head = [
      'metric',
      'unit',
      m('fixed'),
      ...extra.filter((k) => k !== 'oracle').map((k) => m(k)),
      m('recommended'),
      ...extra.filter((k) => k === 'oracle').map((k) => m(k)),
    ];
    return [table('table-backtest', m('backtest'), head, rows)];
  }
  return [];
}
