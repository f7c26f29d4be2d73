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
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** `template` with every placeholder filled, or null when one has no value. */
export function fill(template: string, facts: TextFacts): string | null {
  let missing = false;
  const out = template.replace(PLACEHOLDER, (_, name: string) => {
    const v = facts[name as Placeholder];
    if (v === null || v === undefined) {
      missing = true;
      return '';
    }
    return v;
  });
  return missing ? null : out;
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
