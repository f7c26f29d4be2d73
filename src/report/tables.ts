/**
 * The tables of the page, as HTML: the versions header; per section discrimination and calibration, champion vs
 * challenger, gains/KS by band, score bands, PSI, WoE/IV, vintages, roll rates, top reasons, overflow days, the
 * borrowers to act on and the backtest. Every value is escaped; numbers are formatted, never raw floats. Every
 * table has an id (the golden list in test/report/tables.test.ts) and a caption.
 */
import type { SectionKey } from './charts/common.ts';
import { type MsgKey, t } from './i18n.ts';
import { binValueName, nameOf, vintageName } from './i18n-names.ts';
import { reasonText } from './reason-text.ts';
import type { Lang, PerformanceGroup, ReportData, Versions } from './types.ts';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Fixed decimals, or an en dash for missing values. */
export function fmt(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);
}

/** A share as a percent with `digits` decimals. */
function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(digits)} %`;
}

function table(id: string, caption: string, head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${id}"><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** The header table: models, policy, run, data window, code. */
export function versionsTable(lang: Lang, v: Versions): string {
  const m = (k: MsgKey) => t(lang, k);
  const span = (w: { from: string | null; to: string | null }) => (w.from ? `${w.from} – ${w.to}` : '–');
  const rows = [
    [m('v_delinquency'), v.delinquency_model ?? '–'],
    [m('v_hangup'), v.hangup_model ?? '–'],
    [m('v_policy'), v.policy_version ?? '–'],
    [m('run'), v.run_id ?? '–'],
    [m('v_asof'), v.as_of ?? '–'],
    [m('v_disbursed'), span(v.disbursed)],
    [m('v_repayments'), span(v.repayments_due)],
    [m('v_contacts'), span(v.contacts)],
    [
      m('v_code'),
      Object.entries(v.code)
        .map(([k, x]) => `${k} ${x}`)
        .join(' · '),
    ],
  ];
  return table('table-versions', m('versions_table'), [m('item'), m('version')], rows);
}

/** The headline group of each model: the longest horizon (a delinquency model's 6 months; the hang-up model). */
function headline(groups: PerformanceGroup[]): PerformanceGroup[] {
  const best = new Map<string, PerformanceGroup>();
  for (const g of groups) {
    const b = best.get(g.model);
    if (!b || g.horizon > b.horizon) best.set(g.model, g);
  }
  return [...best.values()];
}

const BUCKET_KEYS: Record<string, MsgKey> = {
  current: 'b_current',
  '1-29': 'b_1_29',
  '30-59': 'b_30_59',
  '60-89': 'b_60_89',
  '90+': 'b_90',
};

/** A DPD bucket's label. */
export function bucketLabel(lang: Lang, b: string): string {
  const k = BUCKET_KEYS[b];
  return k ? t(lang, k) : b;
}

/** Tables shown at the top of a section (none when its data is missing: the note says why). */
export function tablesFor(data: ReportData, key: SectionKey): string[] {
  const lang = data.lang;
  const m = (k: MsgKey) => t(lang, k);
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
    const out = [
      table(
        'table-metrics',
        `${m('metrics_table')} (${m('split')}: ${nameOf(lang, 'split', p.split)})`,
        head,
        rows,
      ),
    ];
    const champ = p.groups.flatMap((g) => {
      const a = g.variants.find((x) => x.variant === 'network');
      const b = g.variants.find((x) => x.variant === 'baseline');
      if (!a || !b) return [];
      const d = (x: number | null, y: number | null) => (x === null || y === null ? '–' : (x - y).toFixed(3));
      return [
        [
          g.label,
          fmt(a.auc),
          fmt(b.auc),
          d(a.auc, b.auc),
          fmt(a.ks),
          fmt(b.ks),
          fmt(a.brier, 4),
          fmt(b.brier, 4),
        ],
      ];
    });
    if (champ.length)
      out.push(
        table(
          'table-champion',
          m('champion_table'),
          [
            m('model_group'),
            `AUC ${m('champion')}`,
            `AUC ${m('challenger')}`,
            'ΔAUC',
            `KS ${m('champion')}`,
            `KS ${m('challenger')}`,
            `Brier ${m('champion')}`,
            `Brier ${m('challenger')}`,
          ],
          champ,
        ),
      );
    const heads = headline(p.groups);
    const gains = heads.flatMap((g) =>
      (g.variants[0]?.gains ?? []).map((r) => [
        g.label,
        String(r.band),
        String(r.n),
        String(r.bads),
        pct(r.bad_rate, 2),
        `${fmt(r.min_score, 4)}–${fmt(r.max_score, 4)}`,
        pct(r.cum_bads),
        pct(r.cum_goods),
        fmt(r.ks),
      ]),
    );
    out.push(
      table(
        'table-gains',
        m('gains_table'),
        [
          m('model_group'),
          m('band_no'),
          m('rows'),
          m('bads_n'),
          m('bad_rate'),
          m('score_range'),
          m('cum_bads'),
          m('cum_goods'),
          'KS',
        ],
        gains,
      ),
    );
    // scorecard points read a probability of default; the hang-up model's 10–60 % would all sit in one band
    const bands = heads
      .filter((g) => g.horizon > 0)
      .flatMap((g) =>
        (g.variants[0]?.bands ?? []).map((r) => [
          g.label,
          r.band,
          String(r.n),
          pct(r.share),
          String(r.bads),
          pct(r.bad_rate, 2),
        ]),
      );
    out.push(
      table(
        'table-score-bands',
        m('bands_table'),
        [m('model_group'), m('points'), m('rows'), m('share'), m('bads_n'), m('bad_rate')],
        bands,
      ),
    );
    return out;
  }
  if (key === 'stability') {
    const out: string[] = [];
    if (data.stability.ok) {
      const rows = data.stability.value.map((r) => [
        nameOf(lang, 'model', r.model),
        nameOf(lang, 'feature', r.feature),
        fmt(r.psi),
        m(r.band),
        fmt(r.noise_p95),
        String(r.n_train),
        String(r.n_scored),
      ]);
      const head = [m('model'), m('feature'), 'PSI', m('band'), m('noise'), m('n_train'), m('n_scored')];
      out.push(table('table-psi', m('psi'), head, rows));
    }
    if (data.woe?.ok) {
      const w = data.woe.value;
      out.push(
        table(
          'table-woe',
          m('woe_table'),
          [m('feature'), 'IV', m('strength'), m('rows'), m('bads_n'), m('bin')],
          w.map((f) => [
            nameOf(lang, 'feature', f.feature),
            fmt(f.iv),
            m(`iv_${f.strength}` as MsgKey),
            String(f.n),
            String(f.bads),
            String(f.bins.length),
          ]),
        ),
        table(
          'table-woe-bins',
          m('woe_bins'),
          [m('feature'), m('bin'), m('range'), m('rows'), m('bad_rate'), 'WoE'],
          w
            .slice(0, 5)
            .flatMap((f) =>
              f.bins.map((b) => [
                nameOf(lang, 'feature', f.feature),
                b.bin === 'missing' ? m('missing') : binValueName(lang, f.feature, b.bin),
                b.lo === null ? '' : `${fmt(b.lo, 3)} – ${fmt(b.hi, 3)}`,
                String(b.n),
                pct(b.bad_rate, 2),
                fmt(b.woe),
              ]),
            ),
        ),
      );
    }
    return out;
  }
  if (key === 'portfolio' && data.vintage?.ok) {
    const vd = data.vintage.value;
    const mobs = [3, 6, 12, 18, 24, 30];
    const vintages = [...new Set(vd.curves.map((c) => c.vintage))];
    const cell = (vin: string, mob: number) => {
      const c = vd.curves.find((x) => x.vintage === vin && x.mob === mob);
      return c ? pct(c.rate, 2) : '';
    };
    const buckets = [...new Set(vd.roll_rates.map((r) => r.from))];
    const tos = ['current', '1-29', '30-59', '60-89', '90+'];
    return [
      table(
        'table-vintage',
        `${m('vintage_table')} (${vd.data_end})`,
        [m('vintage'), ...mobs.map((k) => `${m('mob')} ${k}`)],
        vintages.map((vin) => [vintageName(lang, vin), ...mobs.map((k) => cell(vin, k))]),
      ),
      table(
        'table-roll',
        m('roll_table'),
        [`${m('from_bucket')} → ${m('to_bucket')}`, ...tos.map((b) => bucketLabel(lang, b)), m('rows')],
        buckets.map((from) => {
          const rs = vd.roll_rates.filter((r) => r.from === from);
          return [
            bucketLabel(lang, from),
            ...tos.map((to) => pct(rs.find((r) => r.to === to)?.share ?? 0)),
            String(rs.reduce((s, r) => s + r.n, 0)),
          ];
        }),
      ),
    ];
  }
  if (key === 'actions' && data.actions?.ok) {
    return [
      table(
        'table-actions',
        m('actions_table'),
        [
          m('loan'),
          m('borrower'),
          m('loan_type'),
          m('grade'),
          m('risk_3m'),
          m('risk_6m'),
          m('next_followup'),
          m('purpose'),
          m('channel'),
          m('window'),
          m('reasons'),
        ],
        data.actions.value.map((a) => [
          a.loan_id,
          a.borrower_id,
          nameOf(lang, 'loan_type', a.loan_type),
          a.credit_grade,
          pct(a.risk_3m, 2),
          pct(a.risk_6m, 2),
          a.due_on ?? '–',
          a.purpose ? nameOf(lang, 'purpose', a.purpose) : '–',
          a.channel ? nameOf(lang, 'channel', a.channel) : '–',
          a.hour_start === null
            ? '–'
            : `${String(a.hour_start).padStart(2, '0')}:00–${String(a.hour_end).padStart(2, '0')}:00`,
          a.reasons.map((r) => reasonText(lang, r)).join('; '),
        ]),
      ),
    ];
  }
  if (key === 'schedule' && data.schedule.ok) {
    const s = data.schedule.value;
    const reasons = s.top_reasons.map((r) => [
      r.code,
      String(r.n),
      `${(r.share * 100).toFixed(1)} %`,
      // the planner writes English sentences; the zh-CN page says what the code means instead
      lang === 'en' ? r.example : nameOf(lang, 'reason', r.code),
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
      nameOf(lang, 'metric', b.name),
      nameOf(lang, 'unit', b.unit),
      String(b.fixed),
      ...extra.filter((k) => k !== 'oracle').map((k) => String(b[k] ?? '')),
      String(b.recommended),
      ...extra.filter((k) => k === 'oracle').map((k) => String(b[k] ?? '')),
    ]);
    const head = [
      m('metric'),
      m('unit'),
      m('fixed'),
      ...extra.filter((k) => k !== 'oracle').map((k) => m(k)),
      m('recommended'),
      ...extra.filter((k) => k === 'oracle').map((k) => m(k)),
    ];
    return [table('table-backtest', m('backtest'), head, rows)];
  }
  return [];
}
