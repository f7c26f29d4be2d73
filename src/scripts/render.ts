/**
 * Filling texts: `{placeholder}` → the borrower's fact in the text's language. A text whose placeholder has no
 * value (no installment left, no promise) renders as null and is left out by the caller.
 */
import type { Lang, Placeholder } from './schema.ts';

/** Facts a text can name, already formatted for one language; null = not known for this borrower. */
export type TextFacts = Partial<Record<Placeholder, string | null>>;

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** Placeholder names used in `template`, in order. */
export function placeholdersOf(template: string): string[] {
  return [...cutOf(template).names];
}

/**
 * A template cut at its placeholders, once: the literal text around them (one more than the names) and the names.
 * Filling by `replace` with a callback ran the regular expression over every text of every follow-up (3.4 s of the
 * emission at a million loans); the library holds a few hundred templates.
 */
interface Cut {
  texts: string[];
  names: Placeholder[];
}
const CUTS = new Map<string, Cut>();
/** More distinct templates than any library holds: the cache is cleared rather than grown past it. */
const MAX_CUTS = 10_000;

function cutOf(template: string): Cut {
  let cut = CUTS.get(template);
  if (cut) return cut;
  cut = { texts: [], names: [] };
  let from = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    cut.texts.push(template.slice(from, m.index));
    cut.names.push(m[1] as Placeholder);
    from = m.index + m[0].length;
  }
  cut.texts.push(template.slice(from));
  if (CUTS.size >= MAX_CUTS) CUTS.clear();
  CUTS.set(template, cut);
  return cut;
}

/** `template` with every placeholder filled, or null when one has no value. */
export function fill(template: string, facts: TextFacts): string | null {
  const { texts, names } = cutOf(template);
  let out = texts[0] as string;
  for (let i = 0; i < names.length; i++) {
    const v = facts[names[i] as Placeholder];
    if (v === null || v === undefined) return null;
    out += v + (texts[i + 1] as string);
  }
  return out;
}

const ZH_WEEKDAY = '一二三四五六日';
const EN_WEEKDAY = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const EN_MONTH = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/**
 * The call window in the borrower's own zone: `ymd` is the borrower-local date, hours are local [start, end).
 * Hyphens, not dashes, so the English text stays in the GSM-7 alphabet.
 */
export function windowText(lang: Lang, ymd: string, weekday: number, start: number, end: number): string {
  const [, m, d] = ymd.split('-').map(Number) as [number, number, number];
  if (lang === 'zh-CN') return `${m}月${d}日（周${ZH_WEEKDAY[weekday - 1]}）${hh(start)}-${hh(end)}`;
  return `on ${EN_WEEKDAY[weekday - 1]} ${d} ${EN_MONTH[m - 1]}, ${hh(start)}-${hh(end)} your time`;
}

/**
 * One formatter for every amount: `toLocaleString` with options builds a new one per call, which cost ~50 s of a
 * 1,000,000-loan plan (two amounts per follow-up).
 */
const AMOUNT = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount with thousands separators and two decimals (1234567.5 → 1,234,567.50), the same in both languages. */
export function amountText(x: number): string {
  return AMOUNT.format(x);
}
