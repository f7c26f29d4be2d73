/**
 * What every chart builder returns, and the shared look: one font stack that has CJK glyphs (Debian's
 * fonts-noto-cjk) before a Latin fallback, UTC time scales (so a chart never depends on the machine's zone),
 * and a fixed panel size so goldens and screenshots are stable.
 */
import { type MsgKey, t } from '../i18n.ts';
import type { Lang } from '../types.ts';

/** A Vega-Lite spec as plain JSON (validated against the Vega-Lite JSON schema in the tests). */
export type VlSpec = Record<string, unknown>;

/** Report sections in page order. */
export const SECTIONS = ['performance', 'stability', 'hangups', 'schedule', 'backtest'] as const;
export type SectionKey = (typeof SECTIONS)[number];

/** One chart: file stem `<name>` (→ `<name>.vl.json`, `.svg`, `.png`), its section and title. */
export interface Chart {
  name: string;
  section: SectionKey;
  title: string;
  spec: VlSpec;
}

/** A chart or part that could not be drawn, shown on the page as "not available: <reason>". */
export interface Note {
  section: SectionKey;
  /** Chart name or part it stands for. */
  name: string;
  title: string;
  reason: string;
}

/**
 * Font stack: a Latin sans first, then Noto Sans CJK SC for the characters it lacks (per-character fallback in
 * resvg and browsers). Latin first because shaping every digit with the 20 MB CJK face makes PNGs ~4× slower.
 */
export const FONT = 'DejaVu Sans, Liberation Sans, Noto Sans CJK SC, sans-serif';

export const SCHEMA_URL = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Panel size in pixels for single charts and for each facet cell. */
export const SIZE = { width: 420, height: 260, cell: 200 } as const;

/** Top-level wrapper: schema, title, font config and the data inline (no URL: the page makes no request). */
export function spec(title: string, values: unknown[], body: VlSpec): VlSpec {
  return {
    $schema: SCHEMA_URL,
    title,
    data: { values },
    ...body,
    config: {
      font: FONT,
      background: 'white',
      view: { stroke: '#ddd' },
      axis: { labelFontSize: 11, titleFontSize: 12, titlePadding: 8 },
      legend: { labelFontSize: 11, titleFontSize: 12 },
      title: { fontSize: 14, anchor: 'start' },
    },
  };
}

/** A helper that builds a translator bound to one language. */
export function tr(lang: Lang): (key: MsgKey) => string {
  return (key) => t(lang, key);
}

/** Translates a data value when the catalog has it (variant names, yes/no), else keeps it. */
export function label(lang: Lang, value: string): string {
  const k = value as MsgKey;
  return k in CATALOG_KEYS ? t(lang, k) : value;
}

const CATALOG_KEYS: Record<string, true> = { network: true, baseline: true, observed: true, predicted: true };

/** The diagonal y = x as a rule layer (ROC chance line, perfect calibration). */
export const DIAGONAL: VlSpec = {
  mark: { type: 'rule', strokeDash: [4, 4], color: '#999' },
  encoding: { x: { datum: 0 }, y: { datum: 0 }, x2: { datum: 1 }, y2: { datum: 1 } },
};

/** Facet over model · horizon labels, three panels a row, in the given order. */
export function facetByGroup(lang: Lang, labels: string[]): VlSpec {
  return {
    facet: { field: 'label', type: 'nominal', title: t(lang, 'model_group'), sort: labels },
    columns: 3,
  };
}
