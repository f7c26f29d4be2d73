/**
 * End to end: the real CLI writes a zh-CN report from the seeded fixture; Debian's Chromium (headless, driven
 * by playwright-core, never a downloaded browser; `npm test`'s pretest installs it) opens index.html from file:// and every chart must render with
 * no network request and no console error. Every written file is checked, and none may contain a phone number.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { fixedClock } from '../../src/core/clock.ts';
import type { ReportSummary } from '../../src/report/build.ts';
import { buildCharts } from '../../src/report/charts/index.ts';
import { collectReportData } from '../../src/report/collect.ts';
import { BUNDLES, bundleText } from '../../src/report/html.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { buildFixture } from './fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
/** The tables a model-risk reader expects, in page order (the golden list). */
const TABLES = [
  'table-versions',
  'table-metrics',
  'table-champion',
  'table-gains',
  'table-score-bands',
  'table-psi',
  'table-woe',
  'table-woe-bins',
  'table-vintage',
  'table-roll',
  'table-reasons',
  'table-overflow',
  'table-actions',
  'table-backtest',
];
const NOW = '2025-07-02T03:04:05Z';
let dir: string;
let wh: string;
let out: string;
let summary: ReportSummary;

/**
 * Latin words in a zh-CN page that are not on the allow-list: ids and codes (a digit or an underscore: L0001,
 * run ids, hashes, HANGUP_WINDOW, missed_30dpd), all-capital acronyms and grades (KS, AUC, PSI, AAA), CLI flags
 * (--capacity), and the names statisticians keep untranslated or that name software.
 */
const ALLOWED = new Set(['Brier', 'Gini', 'WoE', 'followup', 'vega', 'vega-lite']);
function englishWords(text: string): string[] {
  return (text.match(/--?[A-Za-z][\w-]*|[\w@.-]*[A-Za-z][\w@.-]*/g) ?? [])
    .map((w) => w.replace(/^[.-]+|[.-]+$/g, ''))
    .filter((w) => /[A-Za-z]/.test(w))
    .filter((w) => !(w.startsWith('--') || /[\d_]/.test(w) || /^[A-Z]+$/.test(w) || ALLOWED.has(w)));
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))).toBe(true);
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-e2e-'));
  wh = await buildFixture(dir);
  // found by default beside the warehouse
  writeFileSync(
    join(dir, 'backtest_results.json'),
    // the shape `followup backtest` writes: eight metrics, five policies (random floor … oracle ceiling)
    JSON.stringify({
      metrics: (
        [
          ['pre_delinquency_reach', '%', false, [24.4, 20.7, 28.2, 40.6, 43.8]],
          ['early_warning_coverage', '%', false, [87, 87.6, 89.7, 90.3, 91.4]],
          ['median_lead_days', 'days', false, [16, 6, 17, 14, 18]],
          ['attempts', 'calls', true, [15341, 15341, 15367, 15360, 15380]],
          ['attempts_per_loan_year', 'calls', true, [4.66, 4.67, 4.68, 4.67, 4.68]],
          ['true_hangup_rate', '%', true, [9.23, 9.23, 9.19, 7.65, 5.59]],
          ['answered_rate', '%', false, [69.4, 69.4, 69.4, 75.7, 81.8]],
          ['rule_violations', '', true, [0, 0, 0, 0, 0]],
        ] as [string, string, boolean, [number, number, number, number, number]][]
      ).map(([name, unit, lower_is_better, [random, fixed, tiered, recommended, oracle]]) => ({
        name,
        unit,
        lower_is_better,
        random,
        fixed,
        tiered,
        recommended,
        oracle,
      })),
    }),
  );
  out = join(dir, 'out');
  const r = spawnSync(
    process.execPath,
    [
      'src/cli/followup.mjs',
      'report',
      '--warehouse',
      wh,
      '--out',
      out,
      '--lang',
      'zh-CN',
      '--capacity',
      '9',
      '--json',
    ],
    { encoding: 'utf8', env: { ...process.env, FOLLOWUP_NOW: NOW, TZ: 'UTC' } },
  );
  expect(r.status, r.stderr).toBe(0);
  summary = JSON.parse(r.stdout) as ReportSummary;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('followup report (CLI)', () => {
  it('writes specs, SVG, PNG, data and the page for the latest run', async () => {
    expect(summary.run_id).toBe('run-2025-07-01-abc123');
    expect(summary.charts).toContain('backtest');
    expect(summary.not_available).toEqual([]);
    const files = readdirSync(out).sort();
    expect(files).toEqual([...summary.files].sort());
    // the data file is what the collector returns; each spec is what the chart builder makes of it
    const data = await withWarehouse(
      wh,
      (w) =>
        collectReportData(w, {
          clock: fixedClock(NOW),
          lang: 'zh-CN',
          capacity: 9,
          backtestPath: join(dir, 'backtest_results.json'),
        }),
      { readOnly: true },
    );
    expect(JSON.parse(readFileSync(join(out, 'report-data.json'), 'utf8'))).toEqual(data);
    for (const c of buildCharts(data).charts) {
      expect(JSON.parse(readFileSync(join(out, `${c.name}.vl.json`), 'utf8'))).toEqual(c.spec);
      const svg = readFileSync(join(out, `${c.name}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain(c.title);
      const m = /width="(\d+)" height="(\d+)"/.exec(svg);
      // PNG is the SVG at twice the size
      expect(pngSize(readFileSync(join(out, `${c.name}.png`)))).toEqual({
        width: Number(m?.[1]) * 2,
        height: Number(m?.[2]) * 2,
      });
    }
  });

  it('never writes a phone number (E.164) into any output', async () => {
    const phones = await withWarehouse(wh, (w) => w.all<{ phone: string }>('SELECT phone FROM loans'), {
      readOnly: true,
    });
    expect(phones.length).toBe(120);
    const e164 = /\+[1-9]\d{7,14}/g;
    for (const f of readdirSync(out)) {
      if (f.endsWith('.png')) continue; // pixels, not text
      let text = readFileSync(join(out, f), 'utf8');
      if (f === 'index.html')
        for (const [p, file] of BUNDLES) {
          // the inlined third-party bundles are byte-for-byte node_modules copies (they hold PRNG constants
          // that look like numbers); everything else in the page is ours and is scanned
          const b = bundleText(p, file);
          expect(text.includes(b)).toBe(true);
          text = text.replace(b, '');
        }
      expect([f, text.match(e164)]).toEqual([f, null]);
      for (const { phone } of phones) expect(text.includes(phone.slice(1))).toBe(false);
    }
  });

  it('rejects bad options with exit code 2', async () => {
    const err = process.stderr.write;
    let said = '';
    process.stderr.write = ((s: string) => {
      said += s;
      return true;
    }) as typeof process.stderr.write;
    try {
      const base = ['node', 'followup', 'report', '--warehouse', wh, '--out', join(dir, 'x')];
      expect(await main([...base, '--lang', 'fr'])).toBe(2);
      expect(said).toContain('--lang');
      expect(await main([...base, '--run', 'no-such-run'])).toBe(2);
      expect(said).toContain('no-such-run: no such recommendation run');
      expect(
        await main(['node', 'followup', 'report', '--warehouse', join(dir, 'nope.duckdb'), '--out', dir]),
      ).toBe(2);
      expect(said).toContain('warehouse not found');
      writeFileSync(join(dir, 'bad.duckdb'), 'not a database');
      expect(
        await main(['node', 'followup', 'report', '--warehouse', join(dir, 'bad.duckdb'), '--out', dir]),
      ).toBe(2);
      expect(said).toContain('cannot open warehouse: expected a DuckDB file');
    } finally {
      process.stderr.write = err;
    }
  });
});

describe('index.html in headless Chromium', () => {
  it('renders every chart offline with no request and no console error', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: \`npm test\` installs it (scripts/test-tools.sh, as root with apt), or apt-get update && apt-get install -y chromium fonts-noto-cjk`,
      );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      // a 1,280 px window (a laptop): the page must fit it without scrolling sideways
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      await page.waitForSelector('body[data-rendered], body[data-failed]', { timeout: 60_000 });
      expect(await page.getAttribute('body', 'data-failed')).toBeNull();
      expect(await page.getAttribute('body', 'data-rendered')).toBe(String(summary.charts.length));
      const rendered = await page.$$eval('[data-chart]', (els) =>
        els.map((e) => {
          const svg = e.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return {
            name: e.getAttribute('data-chart'),
            marks: svg ? svg.querySelectorAll('path, rect, line, text').length : 0,
            w: box?.width ?? 0,
            h: box?.height ?? 0,
          };
        }),
      );
      expect(rendered.map((r) => r.name)).toEqual(summary.charts);
      for (const r of rendered)
        expect([r.name, r.marks > 10, r.w > 100, r.h > 50]).toEqual([r.name, true, true, true]);
      // no horizontal scroll at 1,280 px
      // (<html> is the scrolling element of a standards-mode page)
      const scroll = await page.$eval('html', (e) => ({
        scrollWidth: e.scrollWidth,
        clientWidth: e.clientWidth,
      }));
      expect(scroll.scrollWidth).toBeLessThanOrEqual(scroll.clientWidth);
      // every panel (concat cell, facet cell, layer) outside the legends draws marks: no empty cell with stray axes
      const empty = await page.$$eval('[data-chart]', (els) =>
        els.flatMap((e) =>
          [...e.querySelectorAll('svg g.role-scope')]
            .filter((g) => !g.closest('.role-legend'))
            .filter((g) => g.querySelectorAll('g.role-mark > *').length === 0)
            .map((g) => `${e.getAttribute('data-chart')}: ${g.getAttribute('class')}`),
        ),
      );
      expect(empty).toEqual([]);
      // the golden list of tables, each with rows
      const tables = await page.$$eval('table[id]', (ts) =>
        ts.map((t) => [t.id, t.querySelectorAll('tbody tr').length > 0]),
      );
      expect(tables).toEqual(TABLES.map((id) => [id, true]));
      // zh-CN: every visible string is Chinese — the page text and every chart's SVG text, minus the allow-list
      const text = await page.$eval('body', (b) =>
        // innerText, not textContent: the visible text only, without the specs JSON and the boot script
        // biome-ignore lint/performance/useDomNodeTextContent: see above
        [b.innerText, ...[...b.querySelectorAll('svg text')].map((t) => t.textContent ?? '')].join('\n'),
      );
      expect(englishWords(text)).toEqual([]);
      // the check does catch English (so the line above can fail)
      expect(englishWords('风险 capacity not given; KS 0.41; L0001; HANGUP_WINDOW; delinquency@1')).toEqual([
        'capacity',
        'not',
        'given',
      ]);
      expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
      expect(errors).toEqual([]);
      const shot = join(out, 'screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      const size = pngSize(readFileSync(shot));
      expect(size.width).toBe(1280);
      expect(size.height).toBeGreaterThan(3000); // 16 charts and 5 tables stacked
      expect(statSync(shot).size).toBeGreaterThan(200_000);
    } finally {
      await browser.close();
    }
  });
});
