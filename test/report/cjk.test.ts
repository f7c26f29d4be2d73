/**
 * Chinese labels must render as glyphs, not boxes (tofu). The check: a font that lacks a character draws the
 * same .notdef box (or nothing) for every missing character, so rendering several different characters one by
 * one gives identical or empty images. With a real CJK font each character has ink and its own shape. The same
 * check run with no fonts at all must fail, which shows it can tell the two apart.
 */
import { describe, expect, it } from 'vitest';
import { FONT } from '../../src/report/charts/common.ts';
import { type PngOptions, rasterize, reportFonts, specToSvg, svgToPng } from '../../src/report/render.ts';

const CHARS = ['回', '访', '挂', '断', '率', '周'];

function glyph(ch: string, opts: PngOptions): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="white"/><text x="4" y="32" font-size="30" font-family="${FONT}" fill="black">${ch}</text></svg>`;
  return rasterize(svg, { ...opts, scale: 1 }).pixels;
}

/** Pixels whose red channel is darker than mid-grey (the text is black on white). */
function ink(rgba: Buffer): number {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if ((rgba[i] as number) < 128) n++;
  return n;
}

/** True when every character has ink and no two characters render alike. */
function distinctGlyphs(opts: PngOptions): boolean {
  const imgs = CHARS.map((c) => glyph(c, opts));
  if (imgs.some((p) => ink(p) < 30)) return false;
  for (let i = 0; i < imgs.length; i++)
    for (let j = i + 1; j < imgs.length; j++) if ((imgs[i] as Buffer).equals(imgs[j] as Buffer)) return false;
  return true;
}

describe('CJK text in PNGs', () => {
  it('finds a CJK font (Debian fonts-noto-cjk; CI installs it)', () => {
    expect(
      reportFonts().cjk,
      'no Noto Sans CJK font under /usr/share/fonts: `npm test` installs it (scripts/test-tools.sh), or apt-get install fonts-noto-cjk',
    ).toBe(true);
  });

  it('draws distinct glyphs with the report fonts, and the check fails without a CJK font', () => {
    expect(distinctGlyphs({})).toBe(true);
    expect(distinctGlyphs({ systemFonts: false, fontFiles: [] })).toBe(false);
  });

  it('a chart with Chinese labels has more ink than the same chart drawn with Latin fonts only', async () => {
    const svg = await specToSvg({
      title: '按渠道的挂断率',
      data: { values: [{ a: '电话', b: 3 }] },
      mark: 'bar',
      encoding: {
        x: { field: 'a', type: 'nominal', title: '渠道' },
        y: { field: 'b', type: 'quantitative' },
      },
      config: { font: FONT },
    });
    const withFonts = rasterize(svg, { scale: 1 });
    const latin = reportFonts().files.filter((f) => !f.includes('CJK'));
    const without = rasterize(svg, { scale: 1, systemFonts: false, fontFiles: latin });
    // 11 CJK glyphs (title 7, axis title 2, label 2) at 11–14 px; each has well over 10 dark pixels, which only
    // a CJK font can draw (the Latin-only render draws the digits and ticks the same way)
    expect(ink(withFonts.pixels) - ink(without.pixels)).toBeGreaterThan(11 * 10);
    const png = svgToPng(svg);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
