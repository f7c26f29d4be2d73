/**
 * Cross-entry rules of a script library, run after the schema: placeholders known, no links, no personal numbers,
 * one fallback script per purpose, variants that name a champion, SMS notices within their segment limit. Each
 * rule pushes path-prefixed problems; all are reported at once.
 */
import { REC_PURPOSES } from '../contract/recommendation.ts';
import { hasLink, personalNumberIn } from './privacy.ts';
import { fill, placeholdersOf, windowText } from './render.ts';
import {
  LANGS,
  NOTICE_CHANNELS,
  NOTICE_PLACEHOLDERS,
  PLACEHOLDERS,
  type ScriptLibraryDoc,
} from './schema.ts';
import { smsSize } from './sms.ts';

/** One problem: where (key path) and what was expected and found. */
export interface LibraryProblem {
  path: (string | number)[];
  message: string;
}

function checkText(
  text: string,
  allowed: readonly string[],
  hotline: string,
  path: (string | number)[],
  out: LibraryProblem[],
): void {
  for (const p of placeholdersOf(text)) {
    if (!allowed.includes(p))
      out.push({ path, message: `expected placeholders among {${allowed.join('}, {')}}, found {${p}}` });
  }
  if (hasLink(text))
    out.push({
      path,
      message: `expected no link (phishing texts carry links), found one in ${JSON.stringify(text)}`,
    });
  const literal = text.replace(/\{[a-z_]+\}/g, ' ');
  const n = personalNumberIn(literal, hotline);
  if (n)
    out.push({
      path,
      message: `expected no phone or id number other than the hotline ${hotline}, found ${JSON.stringify(n)}`,
    });
}

/** Every problem of a schema-valid library; empty when it is usable. */
export function checkLibrary(lib: ScriptLibraryDoc): LibraryProblem[] {
  const out: LibraryProblem[] = [];
  const hotline = lib.lender.hotline;
  if (/^1[3-9]\d{9}$/.test(hotline))
    out.push({
      path: ['lender', 'hotline'],
      message: `expected the lender's official service number, found a mobile number`,
    });
  for (const lang of LANGS) {
    const name = lib.lender.name[lang];
    checkText(name, [], hotline, ['lender', 'name', lang], out);
  }
  for (const [id, s] of Object.entries(lib.scripts)) {
    for (const lang of LANGS)
      s[lang].forEach((t, i) => {
        checkText(t, PLACEHOLDERS, hotline, ['scripts', id, lang, i], out);
      });
    if (s.variant_of !== undefined) {
      const champ = lib.scripts[s.variant_of];
      if (!champ || champ.variant_of !== undefined || champ.purpose !== s.purpose)
        out.push({
          path: ['scripts', id, 'variant_of'],
          message: `expected the id of a script of purpose ${s.purpose ?? '(any)'} that is not itself a variant, found ${JSON.stringify(s.variant_of)}`,
        });
    }
  }
  for (const p of REC_PURPOSES) {
    const fallback = Object.values(lib.scripts).some(
      (s) =>
        (s.purpose === p || s.purpose === undefined) &&
        !s.loan_type &&
        !s.tier &&
        !s.situation &&
        !s.variant_of,
    );
    if (!fallback)
      out.push({
        path: ['scripts'],
        message: `expected a script for purpose ${p} without loan_type, tier, situation or variant_of (the fallback), found none`,
      });
  }
  for (const ch of NOTICE_CHANNELS) {
    const n = lib.notices[ch];
    for (const lang of LANGS) {
      const path = ['notices', ch, lang];
      checkText(n[lang], NOTICE_PLACEHOLDERS, hotline, path, out);
      if (n.max_segments === null) continue;
      // The longest window there is (two-digit day and month, a two-hour window) and every purpose's label.
      for (const p of REC_PURPOSES) {
        const t = fill(n[lang], {
          lender: lib.lender.name[lang],
          hotline,
          purpose_label: lib.purposes[p][lang],
          window: windowText(lang, '2026-12-31', 3, 20, 22),
        });
        const size = smsSize(t ?? '');
        if (size.segments > n.max_segments)
          out.push({
            path,
            message: `expected at most ${n.max_segments} SMS segment(s) (${size.encoding === 'gsm7' ? '160 GSM-7' : '70 UCS-2'} characters each), found ${size.segments} (${size.units} ${size.encoding} units for purpose ${p})`,
          });
      }
    }
  }
  return out;
}
