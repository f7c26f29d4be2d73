/**
 * Server-side rendering: Vega-Lite spec → Vega spec (vega-lite `compile`) → headless Vega View → SVG string →
 * PNG with resvg. resvg is given the system fonts so CJK text renders with Debian's fonts-noto-cjk; without a
 * CJK font it would draw empty boxes (tofu), which the tests check for.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VlSpec } from './charts/common.ts';

/** PNG pixels per SVG pixel. Default 2 (sharp on high-density screens and in print). */
export const PNG_SCALE = 2;

/**
 * Text width in pixels for layout without a canvas. Vega's own estimate (0.8 em per character) is too narrow
 * for CJK (1 em) and clips legends and titles; this counts wide characters as 1 em and others as DejaVu's
 * average ~0.62 em, bold 8 % wider.
 */
export function estimateTextWidth(text: string, fontSize: number, bold: boolean): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6);
    em += wide ? 1 : 0.62;
  }
  return Math.ceil(em * fontSize * (bold ? 1.08 : 1));
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}
// vega exports textMetrics at run time but its typings do not declare it
(vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics.width =
  (item, text) => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    return estimateTextWidth(text == null ? '' : String(text).trim(), size, bold);
  };

/** Vega-Lite → SVG markup. Deterministic for the same spec (no animation, no random layout). */
export async function specToSvg(spec: VlSpec): Promise<string> {
  const vg = compile(spec as unknown as TopLevelSpec).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** PNG pixels per SVG pixel. Default: PNG_SCALE. */
  scale?: number;
  /** Load the machine's fonts (fontconfig dirs). Default: true. Tests switch it off to draw tofu on purpose. */
  systemFonts?: boolean;
  /** Extra font files to load. Default: none. */
  fontFiles?: string[];
  /** Family for text whose font-family matches nothing. Default: resvg's first system font. */
  defaultFontFamily?: string;
}

/** SVG markup → PNG bytes on a white background. Default fonts: `reportFonts()`. */
export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  const auto = opts.systemFonts === undefined && opts.fontFiles === undefined ? reportFonts() : undefined;
  const found = auto?.cjk ? auto : undefined;
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: opts.scale ?? PNG_SCALE },
    background: 'white',
    font: {
      // Loading every system font costs ~0.5 s per image; the report's own short list costs ~0.15 s.
      loadSystemFonts: found ? false : (opts.systemFonts ?? true),
      ...(found ? { fontFiles: found.files } : opts.fontFiles ? { fontFiles: opts.fontFiles } : {}),
      ...(opts.defaultFontFamily
        ? { defaultFontFamily: opts.defaultFontFamily }
        : found
          ? { defaultFontFamily: 'Noto Sans CJK SC' }
          : {}),
    },
  });
  return r.render().asPng();
}

/** Font directories searched for the report's fonts (Debian's layout). */
export const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts'];

const WANTED =
  /^(NotoSansCJK-(Regular|Bold)\.tt[cf]|NotoSansCJK(sc|SC)?-(Regular|Bold)\.otf|DejaVuSans(-Bold)?\.ttf|LiberationSans-(Regular|Bold)\.ttf)$/;
let cached: { files: string[]; cjk: boolean } | undefined;

/** The font files the PNGs use: Noto Sans CJK (fonts-noto-cjk) plus a Latin sans; `cjk` says whether CJK was found. */
export function reportFonts(): { files: string[]; cjk: boolean } {
  if (cached) return cached;
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a missing font directory is normal on non-Debian machines
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (WANTED.test(e.name)) files.push(p);
    }
  };
  for (const d of FONT_DIRS) walk(d, 0);
  cached = { files, cjk: files.some((f) => f.includes('CJK')) };
  return cached;
}
