/**
 * The analyst tables' data on the seeded fixture and by hand: WoE/IV, vintage curves, roll rates, the borrowers to
 * act on (current loans only, riskiest first), the versions header, and zh-CN reason texts mapped back from the
 * scorer's phrases.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { ivStrength, woeTable } from '../../src/report/collect/woe.ts';
import { collectReportData } from '../../src/report/collect.ts';
import { reasonText } from '../../src/report/reason-text.ts';
import type { ReportData } from '../../src/report/types.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { buildFixture } from './fixture.ts';

let dir: string;
let path: string;
let data: ReportData;
let late: Set<string>;
/** Roll-rate counts and hang-up breakdowns computed here by the plain formulation: every month end joined to every
 * installment, ICU's timezone() on every attempt, pre-notification as "any SMS/email in the 48 hours before". */
let plainRolls: { from: string; to: string; n: number }[];
let plainHangups: {
  heatmap: { weekday: number; hour: number; n: number; hung: number }[];
  byChannel: { channel: string; n: number; hung: number }[];
  byPrenotify: { prenotified: boolean; n: number; hung: number }[];
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-tables-'));
  path = await buildFixture(dir);
  await withWarehouse(
    path,
    async (w) => {
      data = await collectReportData(w, { clock: fixedClock('2025-07-02T03:04:05Z'), capacity: 9 });
      // loans with an installment unpaid past its due date at the run's as-of date, by a query of its own
      const rows = await w.all<{ loan_id: string }>(
        `SELECT DISTINCT loan_id FROM repayments
         WHERE due_on < DATE '2025-07-01' AND (paid_on IS NULL OR paid_on > DATE '2025-07-01')`,
      );
      late = new Set(rows.map((r) => r.loan_id));
      const end = data.vintage.ok ? data.vintage.value.data_end : '';
      plainRolls = await w.all(
        `WITH me AS (
           SELECT last_day(d::DATE) AS d FROM range(
             date_trunc('month', $1::DATE) - INTERVAL 12 MONTH, date_trunc('month', $1::DATE), INTERVAL 1 MONTH) t(d)),
         dpd AS (
           SELECT me.d, r.loan_id,
             coalesce(max(date_diff('day', r.due_on, me.d)) FILTER (WHERE r.paid_on IS NULL OR r.paid_on > me.d), 0) AS dpd
           FROM me JOIN repayments r ON r.due_on <= me.d JOIN loans l ON l.loan_id = r.loan_id
           WHERE l.maturity_on > me.d GROUP BY me.d, r.loan_id),
         b AS (SELECT d, loan_id, CASE WHEN dpd <= 0 THEN 'current' WHEN dpd < 30 THEN '1-29' WHEN dpd < 60 THEN '30-59'
                 WHEN dpd < 90 THEN '60-89' ELSE '90+' END AS bucket FROM dpd)
         SELECT a.bucket AS "from", b.bucket AS "to", count(*)::INTEGER AS n
         FROM b a JOIN b ON b.loan_id = a.loan_id AND b.d = last_day(a.d + INTERVAL 1 MONTH)
         GROUP BY ALL ORDER BY 1, 2`,
        [end],
      );
      const attempts = `(SELECT c.channel, c.outcome IN ('hung_up', 'refused') AS hung,
           isodow(timezone(l.time_zone, c.started_at))::INTEGER AS weekday,
           hour(timezone(l.time_zone, c.started_at))::INTEGER AS hour,
           EXISTS (SELECT 1 FROM contacts n WHERE n.loan_id = c.loan_id AND n.direction = 'outbound'
             AND n.channel IN ('sms', 'email') AND n.started_at < c.started_at
             AND n.started_at >= c.started_at - INTERVAL 48 HOUR) AS prenotified
         FROM contacts c JOIN loans l USING (loan_id) WHERE c.direction = 'outbound')`;
      plainHangups = {
        heatmap: await w.all(
          `SELECT weekday, hour, count(*)::INTEGER AS n, count_if(hung)::INTEGER AS hung FROM ${attempts}
           WHERE channel = 'phone' GROUP BY ALL ORDER BY ALL`,
        ),
        byChannel: await w.all(
          `SELECT channel, count(*)::INTEGER AS n, count_if(hung)::INTEGER AS hung FROM ${attempts}
           GROUP BY ALL ORDER BY ALL`,
        ),
        byPrenotify: await w.all(
          `SELECT prenotified, count(*)::INTEGER AS n, count_if(hung)::INTEGER AS hung FROM ${attempts}
           WHERE channel = 'phone' GROUP BY ALL ORDER BY ALL`,
        ),
      };
    },
    { readOnly: true },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WoE and IV', () => {
  it('by hand: WoE = ln(goods share / bads share), IV = Σ (goods − bads share)·WoE', () => {
    const [f] = woeTable([
      { feature: 'x', bin: '00', lo: 0, hi: 1, n: 60, bads: 2 },
      { feature: 'x', bin: '01', lo: 2, hi: 5, n: 40, bads: 8 },
    ]);
    // goods 58 + 32 = 90, bads 10: bin 00 → ln((58/90)/(2/10)), bin 01 → ln((32/90)/(8/10))
    const w0 = Math.log(58 / 90 / 0.2);
    const w1 = Math.log(32 / 90 / 0.8);
    expect(f?.bins.map((b) => b.woe)).toEqual([+w0.toFixed(6), +w1.toFixed(6)]);
    expect(f?.iv).toBeCloseTo((58 / 90 - 0.2) * w0 + (32 / 90 - 0.8) * w1, 5);
    expect(f?.strength).toBe('strong');
  });
  it('an empty cell gets 0.5, so WoE stays finite; a feature with one class has no IV', () => {
    const out = woeTable([
      { feature: 'a', bin: '00', lo: 0, hi: 0, n: 10, bads: 0 },
      { feature: 'a', bin: '01', lo: 1, hi: 1, n: 10, bads: 5 },
      { feature: 'b', bin: '00', lo: 0, hi: 0, n: 10, bads: 0 },
    ]);
    expect(out.map((f) => f.feature)).toEqual(['a']);
    expect(Number.isFinite(out[0]?.bins[0]?.woe)).toBe(true);
  });
  it.each([
    [0.01, 'none'],
    [0.05, 'weak'],
    [0.2, 'medium'],
    [0.5, 'strong'],
  ])('IV %f is %s', (iv, s) => expect(ivStrength(iv)).toBe(s));
  it('on the fixture: every feature of the training population, counts that add up', () => {
    expect(data.woe.ok).toBe(true);
    if (!data.woe.ok) return;
    expect(data.woe.value.map((f) => f.feature).sort()).toEqual(['burden', 'late_12m', 'loan_type']);
    for (const f of data.woe.value) {
      expect(f.bins.reduce((s, b) => s + b.n, 0)).toBe(f.n);
      expect(f.iv).toBeGreaterThanOrEqual(0);
    }
    // burden has missing values in the fixture: their own bin
    expect(data.woe.value.find((f) => f.feature === 'burden')?.bins[0]?.bin).toBe('missing');
    // the training population is the first 4 of the 6 snapshot months (60/20/20): 120 loans × 4
    expect(data.woe.value[0]?.n).toBe(480);
  });
});

describe('vintages and roll rates', () => {
  it('vintage curves are cumulative (never fall) and roll rates of each bucket sum to 1', () => {
    expect(data.vintage.ok).toBe(true);
    if (!data.vintage.ok) return;
    const v = data.vintage.value;
    expect(v.curves.length).toBeGreaterThan(5);
    for (const name of new Set(v.curves.map((c) => c.vintage))) {
      const c = v.curves.filter((x) => x.vintage === name);
      for (let i = 1; i < c.length; i++) expect(c[i]?.rate).toBeGreaterThanOrEqual(c[i - 1]?.rate ?? 0);
      // the same loans at every month on book
      expect(new Set(c.map((x) => x.n)).size).toBe(1);
    }
    for (const from of new Set(v.roll_rates.map((r) => r.from)))
      expect(v.roll_rates.filter((r) => r.from === from).reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 5);
    // loans that stop paying roll forward: some 30–59 loans reach 60–89
    expect(v.roll_rates.find((r) => r.from === '30-59' && r.to === '60-89')?.n ?? 0).toBeGreaterThan(0);
  });
  it('roll rates count the same transitions as every month end joined to every installment', () => {
    if (!data.vintage.ok) throw new Error(data.vintage.reason);
    const counted = data.vintage.value.roll_rates
      .filter((r) => r.n > 0)
      .map(({ from, to, n }) => ({ from, to, n }))
      .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    expect(plainRolls.length).toBeGreaterThan(3);
    expect(counted).toEqual(plainRolls);
  });
});

describe('hang-up rates', () => {
  it("count the same attempts and hang-ups as ICU's local time and a plain 48-hour look-back", () => {
    if (!data.hangups.ok) throw new Error(data.hangups.reason);
    const h = data.hangups.value;
    const hung = (c: { n: number; rate: number }) => Math.round(c.n * c.rate);
    expect(
      h.observed_heatmap.map((c) => ({ weekday: c.weekday, hour: c.hour, n: c.n, hung: hung(c) })),
    ).toEqual(plainHangups.heatmap);
    expect(h.observed_by_channel.map((c) => ({ channel: c.channel, n: c.n, hung: hung(c) }))).toEqual(
      plainHangups.byChannel,
    );
    expect(
      h.observed_by_prenotify.map((c) => ({ prenotified: c.prenotified, n: c.n, hung: hung(c) })),
    ).toEqual(plainHangups.byPrenotify);
    // both sides of the pre-notification split are in the fixture
    expect(plainHangups.byPrenotify.map((c) => c.prenotified)).toEqual([false, true]);
  });
});

describe('borrowers to act on', () => {
  it('lists only loans current at the as-of date, riskiest first', () => {
    expect(data.actions.ok).toBe(true);
    if (!data.actions.ok) return;
    const a = data.actions.value;
    expect(late.size).toBeGreaterThan(0); // the fixture has loans to leave out
    expect(a.length).toBe(25);
    for (const r of a) expect(late.has(r.loan_id)).toBe(false);
    for (let i = 1; i < a.length; i++) expect(a[i]?.risk_6m).toBeLessThanOrEqual(a[i - 1]?.risk_6m ?? 1);
    expect(a[0]?.reasons.length).toBe(2);
    expect(a[0]?.due_on).not.toBeNull();
  });
});

describe('versions header', () => {
  it('names the run, its models and policy, the data window and the code version', () => {
    const v = data.versions;
    expect([v.run_id, v.delinquency_model, v.hangup_model, v.policy_version, v.as_of]).toEqual([
      'run-2025-07-01-abc123',
      'delinquency@1',
      'hangup@1',
      'p1',
      '2025-07-01',
    ]);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(v.code.followup).toBe(pkg.version);
    expect(v.disbursed.from && v.disbursed.from < (v.disbursed.to ?? '')).toBe(true);
  });
});

describe('reason texts in zh-CN', () => {
  it.each([
    ['3 late payments in the last 12 months', '近12个月逾期次数：3'],
    ['1 late payment in the last 3 months', '近3个月逾期次数：1'],
    // the longer phrase wins over its prefix "unemployment {v}"
    ['unemployment 0.2 percentage points above its 3-year regional average', '失业率缺口：0.2'],
    ['0 answered calls in the last 180 days', '近180天接通次数：0'],
    ['collateral covers 134.4% of the principal', '抵押覆盖率：134.4%'],
    ['something the scorer never says', '（无法翻译的原因）'],
  ])('%s → %s', (en, zh) => {
    expect(reasonText('zh-CN', en)).toBe(zh);
    expect(reasonText('en', en)).toBe(en);
  });
});
