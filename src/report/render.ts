/**
 * Server-side rendering: Vega-Lite spec → Vega spec (vega-lite `compile`) → headless Vega View → SVG string →
 * PNG with resvg. resvg is given the system fonts so CJK text renders with Debian's fonts-noto-cjk; without a
 * CJK font it would draw empty boxes (tofu), which the tests check for.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type RenderedImage, Resvg } from '@resvg/resvg-js';
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
  return rasterize(svg, opts).asPng();
}

/** SVG markup → rendered image (RGBA pixels, width, height), with the same fonts as svgToPng. */
export function rasterize(svg: string, opts: PngOptions = {}): RenderedImage {
  const auto = opts.systemFonts === undefined && opts.fontFiles === undefined ? reportFonts() : undefined;
  const found = auto?.cjk ? auto : undefined;
  // Each render re-reads its font files (resvg-js cannot share a font database), and the CJK faces are
  // ~20 MB each: load the regular CJK face only when the text needs it, and Latin faces always.
  const latin = found?.files.some((f) => !f.includes('CJK'));
  // (with no Latin face installed, the CJK face draws the Latin text too)
  const files = found?.files.filter(
    (f) => !f.includes('CJK') || ((HAS_CJK.test(svg) || !latin) && /Regular/.test(f)),
  );
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: opts.scale ?? PNG_SCALE },
    background: 'white',
    font: {
      loadSystemFonts: files ? false : (opts.systemFonts ?? true),
      ...(files ? { fontFiles: files } : opts.fontFiles ? { fontFiles: opts.fontFiles } : {}),
      ...(opts.defaultFontFamily
        ? { defaultFontFamily: opts.defaultFontFamily }
        : files
          ? { defaultFontFamily: 'DejaVu Sans' }
          : {}),
    },
  });
  return r.render();
}

/** Any CJK ideograph, kana, hangul or full-width form. */
const HAS_CJK = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]/;

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
