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
export const SECTIONS = [
  'performance',
  'stability',
  'portfolio',
  'hangups',
  'schedule',
  'actions',
  'backtest',
] as const;
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

/**
 * Top-level wrapper: schema, title, font config and the data inline (no URL: the page makes no request). In
 * zh-CN the time-format locale names months and weekdays in Chinese (month ticks read 2025年3月, not Mar).
 */
export function spec(title: string, values: unknown[], body: VlSpec, lang: Lang = 'en'): VlSpec {
  return {
    $schema: SCHEMA_URL,
    title,
    data: { values },
    ...body,
    config: {
      ...(lang === 'zh-CN' ? { locale: { time: ZH_TIME } } : {}),
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

/** d3-time-format's zh-CN locale (the definition d3 ships as locale/zh-CN.json). */
export const ZH_TIME = {
  dateTime: '%x %A %X',
  date: '%Y年%-m月%-d日',
  time: '%H:%M:%S',
  periods: ['上午', '下午'],
  days: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  shortDays: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  months: [
    '一月',
    '二月',
    '三月',
    '四月',
    '五月',
    '六月',
    '七月',
    '八月',
    '九月',
    '十月',
    '十一月',
    '十二月',
  ],
  shortMonths: [
    '一月',
    '二月',
    '三月',
    '四月',
    '五月',
    '六月',
    '七月',
    '八月',
    '九月',
    '十月',
    '十一月',
    '十二月',
  ],
};

/** Tick format of a month axis: `Mar 2025` / `2025年3月`. */
export function monthFormat(lang: Lang): string {
  return lang === 'zh-CN' ? '%Y年%-m月' : '%b %Y';
}

/** Tick format of a day axis: `Mar 5` / `3月5日`. */
export function dayFormat(lang: Lang): string {
  return lang === 'zh-CN' ? '%-m月%-d日' : '%b %-d';
}

/** One panel of a grid: its title and the rows it shows. */
export interface Panel {
  title: string;
  /** Field values a row must have to be drawn in this panel. */
  where: Record<string, string>;
}

/**
 * Panels in rows of `columns`, as a concat rather than a facet: a wrapped facet draws axes under every column of
 * its last row, empty cells included, and shares one y scale, so a 2 % model's lines lie on the floor of a 40 %
 * one's axis. Concatenated panels have their own scales and no empty cells; colours stay shared (one legend).
 */
export function grid(panels: Panel[], body: VlSpec, columns = 3): VlSpec {
  const cells = panels.map((p) => ({
    title: { text: p.title, fontSize: 12, fontWeight: 'normal' },
    transform: Object.entries(p.where).map(([field, equal]) => ({ filter: { field, equal } })),
    ...body,
  }));
  const rows: VlSpec[] = [];
  for (let i = 0; i < cells.length; i += columns) rows.push({ hconcat: cells.slice(i, i + columns) });
  return rows.length === 1 ? (rows[0] as VlSpec) : { vconcat: rows };
}

/** One panel per model · horizon label. */
export function byGroup(labels: string[]): Panel[] {
  return labels.map((l) => ({ title: l, where: { label: l } }));
}
