/**
 * The model's reasons in the page's language. The scorer writes each reason from its feature's phrase
 * (src/features/families: "{v} late {payment|payments} in the last 12 months"); in zh-CN the phrase is matched
 * back to its feature and shown as "<feature name>：<value>", so no English sentence reaches a Chinese page.
 * A reason no phrase matches is shown as its feature-free fallback, never dropped.
 */
import { CONTEXT_FAMILY, SNAPSHOT_FAMILIES } from '../features/families/index.ts';
import { nameOf } from './i18n-names.ts';
import type { Lang } from './types.ts';

/** Regex source of a phrase: {v} captures the value, {a|b} matches either plural form, the rest literally. */
function phraseRegex(phrase: string): RegExp {
  const parts = phrase.split(/(\{[^}]*\})/);
  const src = parts
    .map((p) => {
      if (p === '{v}') return '(.+?)';
      if (p.startsWith('{') && p.endsWith('}'))
        return `(?:${p
          .slice(1, -1)
          .split('|')
          .map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('|')})`;
      return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${src}$`);
}

let cache: { feature: string; re: RegExp }[] | undefined;
function phrases(): { feature: string; re: RegExp }[] {
  // longest fixed text first: "unemployment {v}" would otherwise swallow "unemployment {v} above its …", and
  // "{v} calls …" would swallow "{v} answered calls …"
  cache ??= [...SNAPSHOT_FAMILIES, CONTEXT_FAMILY]
    .flatMap((f) =>
      f.features.map((s) => ({
        feature: s.name,
        re: phraseRegex(s.phrase),
        fixed: s.phrase.replace('{v}', '').length,
      })),
    )
    .sort((a, b) => b.fixed - a.fixed)
    .map(({ feature, re }) => ({ feature, re }));
  return cache;
}

/** The number in a formatted value ("0.01% points" → "0.01%", "1,200" → "1,200"); the text when none. */
function numberOf(v: string): string {
  const m = /-?[\d.,]+\s?%?/.exec(v);
  return m ? m[0].replace(/\s/g, '') : v;
}

/** One reason in the page's language. */
export function reasonText(lang: Lang, text: string): string {
  if (lang === 'en') return text;
  for (const p of phrases()) {
    const m = p.re.exec(text);
    if (m) return `${nameOf(lang, 'feature', p.feature)}：${numberOf(m[1] ?? '')}`;
  }
  return '（无法翻译的原因）';
}
