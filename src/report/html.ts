/**
 * The one self-contained page: every chart embedded with vega-embed, the key tables, and a visible
 * "not available" note for each missing part. vega, vega-lite and vega-embed are inlined from node_modules and a
 * Content-Security-Policy forbids any fetch, so the page works offline and no request leaves it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Chart, Note } from './charts/index.ts';
import { SECTIONS, type SectionKey } from './charts/index.ts';
import { type MsgKey, t } from './i18n.ts';
import { sourceLines } from './sources-text.ts';
import { tablesFor, versionsTable } from './tables.ts';
import type { ReportData } from './types.ts';

const require = createRequire(import.meta.url);

/** The inlined library bundles, in load order (vega-lite and vega-embed expect the globals of the previous). */
export const BUNDLES = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

/** Text of an inlined bundle. The packages' `exports` hide build files, so walk up from the entry to the root. */
export function bundleText(pkg: string, file: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return readFileSync(join(dir, file), 'utf8');
}

/** Escapes text for HTML element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Makes script text safe inside <script>: no `</script` can close the element early. */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'";

// The page fits a 1,280 px window: charts are at most ~1,180 px wide, and a wide table scrolls inside its own box
// (.tw) rather than the page.
const STYLE = `body{font-family:"Noto Sans CJK SC","Noto Sans CJK",system-ui,sans-serif;margin:24px;color:#222;max-width:1232px}
.tw{max-width:100%;overflow-x:auto}caption{text-align:left;font-weight:bold;padding:4px 0}
#table-actions td:last-child,#table-reasons td:last-child{text-align:left}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
.chart{margin:12px 0;min-height:40px}.na{background:#fff4e5;border-left:4px solid #e0a100;padding:6px 10px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.meta{color:#555}.src{color:#555;font-size:13px;margin:4px 0}`;

/** Boot script: embeds every chart, then marks the page rendered (or failed) for people and tests to see. */
const BOOT = `(function(){
  var specs = JSON.parse(document.getElementById('report-specs').textContent);
  var names = Object.keys(specs);
  Promise.all(names.map(function(n){
    return vegaEmbed('#chart-' + n, specs[n], {actions:false, renderer:'svg'});
  })).then(function(){ document.body.setAttribute('data-rendered', String(names.length)); })
  .catch(function(e){ document.body.setAttribute('data-failed', String(e)); console.error(e); });
})();`;

export function renderHtml(data: ReportData, charts: Chart[], notes: Note[]): string {
  const lang = data.lang;
  const m = (k: MsgKey) => esc(t(lang, k));
  const specs: Record<string, unknown> = {};
  for (const c of charts) specs[c.name] = c.spec;
  const run = data.schedule.ok ? data.schedule.value.run : undefined;
  const body: string[] = [
    `<h1>${m('report_title')}</h1>`,
    `<p class="meta">${m('generated')}: ${esc(generatedAt(data.generated_at))}${
      run ? ` · ${m('run')}: <code>${esc(run.run_id)}</code> (${esc(run.as_of)})` : ''
    }</p>`,
    ...(data.versions ? [`<div class="tw">${versionsTable(lang, data.versions)}</div>`] : []),
  ];
  for (const s of SECTIONS) body.push(section(data, s, charts, notes));
  const scripts = BUNDLES.map(([p, f]) => `<script>${scriptSafe(bundleText(p, f))}</script>`).join('\n');
  const json = JSON.stringify(specs).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${esc(lang)}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${m('report_title')}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
${scripts}
</head><body>
${body.join('\n')}
<script type="application/json" id="report-specs">${json}</script>
<script>${BOOT}</script>
</body></html>
`;
}

/** `2025-07-02T03:04:05Z` → `2025-07-02 03:04:05 UTC`: the same instant, readable in both languages. */
function generatedAt(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

function section(data: ReportData, key: SectionKey, charts: Chart[], notes: Note[]): string {
  const lang = data.lang;
  const out = [`<section id="sec-${key}"><h2>${esc(t(lang, `sec_${key}`))}</h2>`];
  for (const line of sourceLines(data, key)) out.push(`<p class="src" data-source="${key}">${esc(line)}</p>`);
  out.push(...tablesFor(data, key).map((h) => (h.startsWith('<table') ? `<div class="tw">${h}</div>` : h)));
  for (const n of notes.filter((x) => x.section === key))
    out.push(
      lang === 'en'
        ? `<p class="na" data-note="${esc(n.name)}"><b>${esc(n.title)}</b> — ${esc(t(lang, 'not_available'))}: ${esc(n.reason)}</p>`
        : // the reasons are the collectors' diagnostics (table names, flags, file paths), kept exact so they can be
          // searched and acted on: folded under a translated summary rather than mistranslated
          `<div class="na" data-note="${esc(n.name)}"><b>${esc(n.title)}</b> — ${esc(t(lang, 'not_available'))}<details><summary>${esc(t(lang, 'details'))}</summary><code lang="en">${esc(n.reason)}</code></details></div>`,
    );
  for (const c of charts.filter((x) => x.section === key))
    out.push(`<div class="chart" id="chart-${esc(c.name)}" data-chart="${esc(c.name)}"></div>`);
  out.push('</section>');
  return out.join('\n');
}
