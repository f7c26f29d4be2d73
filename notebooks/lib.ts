/**
 * Helpers shared by the analyst notebooks (Deno Jupyter kernel): where the demo warehouse is, SQL rows as plain
 * numbers, and inline display of tables and Vega-Lite charts as Jupyter mime bundles. A chart carries an SVG
 * beside its Vega-Lite spec: JupyterLab renders the spec, while stock Jupyter (Debian's notebook, nbconvert HTML,
 * GitHub's viewer) know no Vega-Lite mimetype and show the SVG instead of "Vega-Lite chart: …".
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWarehouse, report, type Warehouse } from '../src/index.ts';

/** Repository root (the notebooks live in <root>/notebooks). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The demo pipeline's work directory: $FOLLOWUP_DEMO_DIR, default <root>/.work/demo (what
 * `node src/cli/followup.mjs run demo --workdir .work/demo` builds). Throws with the build command when missing.
 */
export function demoDir(): string {
  const dir = resolve(ROOT, Deno.env.get('FOLLOWUP_DEMO_DIR') ?? '.work/demo');
  if (!existsSync(join(dir, 'warehouse.duckdb')))
    throw new Error(
      `expected a demo warehouse at ${join(dir, 'warehouse.duckdb')}, found none; build it with ` +
        `\`node src/cli/followup.mjs run demo --workdir ${dir}\` (from ${ROOT}) or set FOLLOWUP_DEMO_DIR`,
    );
  return dir;
}

/** Opens the demo warehouse (read-write: DuckDB files have one writer; close it at the end of the notebook). */
export function openDemo(): Promise<Warehouse> {
  return openWarehouse(join(demoDir(), 'warehouse.duckdb'));
}

/** A plain JSON-friendly row: BigInt counts become numbers, timestamps ISO strings. */
export type Row = Record<string, string | number | boolean | null | unknown[]>;

function plain(v: unknown): Row[string] {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return String(v);
  return v as Row[string];
}

/** Runs a query (values bound as parameters) and returns plain rows. */
export async function rows(w: Warehouse, sql: string, params: unknown[] = []): Promise<Row[]> {
  const out = await w.all<Record<string, unknown>>(sql, params as never);
  return out.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cell = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : String(v ?? ''));

/** Displays rows as an HTML table (at most `limit` rows, default 20), a plain-text fallback and all rows as JSON. */
export function showTable(data: readonly Row[], title = '', limit = 20): Promise<void> {
  const cols = Object.keys(data[0] ?? {});
  const shown = data.slice(0, limit);
  const head = cols.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = shown.map((r) => `<tr>${cols.map((c) => `<td>${esc(cell(r[c]))}</td>`).join('')}</tr>`).join('');
  const more = data.length > limit ? `<p>… ${data.length - limit} more rows</p>` : '';
  const caption = title ? `<caption>${esc(title)}</caption>` : '';
  const text = [cols.join('\t'), ...shown.map((r) => cols.map((c) => cell(r[c])).join('\t'))].join('\n');
  // Display is asynchronous: await it, or the last outputs of a cell can arrive after the cell has finished.
  return settle(Deno.jupyter.display(
    {
      'text/html': `<table class="followup" data-rows="${data.length}">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`,
      'text/plain': `${title ? `${title}\n` : ''}${text}`,
      // Every row, machine-readable: tests and downstream tools read this instead of scraping the HTML.
      'application/json': { title, rows: data },
    },
    { raw: true },
  ));
}

/** A Vega-Lite v5 spec (loosely typed: the notebooks write specs inline). */
export type VegaLite = Record<string, unknown>;

/**
 * Displays a Vega-Lite chart inline; `data` becomes the spec's inline values. The SVG is rendered here, by the
 * report's renderer (vega-lite → vega → SVG, no browser), so the chart shows wherever the notebook is opened.
 */
export async function showChart(spec: VegaLite, data: readonly Row[]): Promise<void> {
  // Composite views (facet, repeat) size their inner spec; a top-level size would be ignored with a warning.
  const size = 'facet' in spec || 'repeat' in spec ? {} : { width: 480, height: 240 };
  const full = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...size,
    ...spec,
    data: { values: data },
  };
  const svg = await report.specToSvg(full);
  // Display is asynchronous: await it, or the last outputs of a cell can arrive after the cell has finished.
  return settle(Deno.jupyter.display(
    {
      'application/vnd.vegalite.v5+json': full,
      'image/svg+xml': svg,
      'text/plain': `Vega-Lite chart: ${String(spec.title ?? spec.mark ?? 'chart')} (${data.length} rows)`,
    },
    { raw: true },
  ));
}

/**
 * Even an awaited display can reach the client after the cell's reply when the machine is busy (seen with
 * nbconvert under load: the last chart of a cell went missing). A short pause lets the IOPub message go first.
 */
async function settle(shown: Promise<void>): Promise<void> {
  await shown;
  await new Promise((r) => setTimeout(r, 200));
}
