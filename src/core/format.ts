/**
 * Numbers and counted nouns in texts people read (reason phrases, messages), through Intl so percent signs,
 * grouping and plural forms follow the language: en and zh-CN.
 *
 *   formatNumber(0.34, '%')          → "34%"         a share stored as a fraction (0…1)
 *   formatNumber(0.004, 'pp')        → "0.4 percentage points" (zh-CN: "0.4个百分点") — a difference of shares
 *   formatNumber(12345.678)          → "12,345.68"
 *   plural(1, 'day', 'days')         → "day"
 *   fillPhrase('{v} {day|days} ago', 1, 'days') → "1 day ago"
 */

/** Languages texts are written in: reports, reason codes and scripts. */
export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

const cache = new Map<string, Intl.NumberFormat>();
function nf(lang: Lang, style: 'percent' | 'decimal', digits: number): Intl.NumberFormat {
  const key = `${lang}|${style}|${digits}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang, { style, maximumFractionDigits: digits });
    cache.set(key, f);
  }
  return f;
}

const MISSING: Record<Lang, string> = { en: 'unknown', 'zh-CN': '未知' };

/**
 * Formats a value for a phrase. `unit` '%': a fraction shown as a percent (0.34 → 34%, one decimal at most);
 * 'pp': a difference of fractions in percentage points; anything else: a number with at most two decimals and
 * grouping. Strings pass through; null is "unknown" ("未知").
 */
export function formatNumber(v: number | string | null, unit = '', lang: Lang = 'en'): string {
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return MISSING[lang];
  if (typeof v === 'string') return v;
  if (unit === '%') return nf(lang, 'percent', 1).format(v);
  if (unit === 'pp') {
    const n = nf(lang, 'decimal', 1).format(v * 100);
    return lang === 'zh-CN' ? `${n}个百分点` : `${n} percentage ${plural(v * 100, 'point', 'points')}`;
  }
  return nf(lang, 'decimal', 2).format(v);
}

const rules = new Intl.PluralRules('en');

/** The English singular or plural noun for a count (1 → one; 0, 2, 1.5 → other). */
export function plural(n: number, one: string, other: string): string {
  return rules.select(n) === 'one' ? one : other;
}

/** A count with its noun: `counted(1, 'day', 'days')` → "1 day". */
export function counted(n: number, one: string, other: string): string {
  return `${nf('en', 'decimal', 2).format(n)} ${plural(n, one, other)}`;
}

/**
 * Fills an English phrase: `{v}` is the formatted value, `{one|other}` the noun form that agrees with it
 * ("{v} late {payment|payments}"). A missing value takes the plural form.
 */
export function fillPhrase(phrase: string, v: number | string | null, unit = ''): string {
  const n = typeof v === 'number' && !Number.isNaN(v) ? v : Number.NaN;
  return phrase
    .replace(/\{([^{}|]*)\|([^{}|]*)\}/g, (_m, one: string, other: string) =>
      Number.isNaN(n) ? other : plural(n, one, other),
    )
    .replaceAll('{v}', formatNumber(v, unit));
}
