/**
 * Choosing a script: the most specific script whose narrowing keys all hold for the follow-up (ties: the earlier
 * entry in the file), then — when challengers of it are configured (`variant_of`) — one of the champion and its
 * challengers, drawn per borrower from a hash of the experiment seed, the champion id and the borrower id: random
 * across borrowers, the same for a borrower on every run, and reproducible from the recorded seed.
 */

import type { RecPurpose } from '../contract/recommendation.ts';
import { sha256 } from '../core/hash.ts';
import type { Lang, ScriptDoc, ScriptLibrary, Situation, Tier } from './schema.ts';

/** What the choice depends on. */
export interface ScriptContext {
  purpose: RecPurpose;
  loan_type: string;
  credit_grade: string;
  borrower_id: string;
  situations: ReadonlySet<Situation>;
}

/** The chosen script: its id, the champion it was drawn for (itself when no variant applies) and its entry. */
export interface ScriptChoice {
  id: string;
  champion: string;
  script: ScriptDoc;
}

/** Tier of a grade (undefined for a grade in no tier). */
export function tierOf(lib: ScriptLibrary, grade: string): Tier | undefined {
  for (const t of ['top', 'standard', 'watch'] as const)
    if ((lib.grade_tiers[t] as readonly string[]).includes(grade)) return t;
  return undefined;
}

/** Language of the texts for a borrower zone: longest matching prefix in `languages.zones`, else the default. */
export function langOf(lib: ScriptLibrary, zone: string): Lang {
  let best: Lang = lib.languages.default;
  let len = -1;
  for (const [prefix, lang] of Object.entries(lib.languages.zones)) {
    if (zone.startsWith(prefix) && prefix.length > len) {
      best = lang;
      len = prefix.length;
    }
  }
  return best;
}

/** Uniform draw in [0, 1) from the seed, the champion and the borrower: stable across runs and machines. */
export function variantDraw(seed: number, champion: string, borrowerId: string): number {
  return Number.parseInt(sha256(`${seed}\u0000${champion}\u0000${borrowerId}`).slice(0, 8), 16) / 2 ** 32;
}

export function chooseScript(lib: ScriptLibrary, c: ScriptContext): ScriptChoice {
  const tier = tierOf(lib, c.credit_grade);
  let best: [string, ScriptDoc] | undefined;
  let bestScore = -1;
  for (const entry of Object.entries(lib.scripts)) {
    const s = entry[1];
    if ((s.purpose !== undefined && s.purpose !== c.purpose) || s.variant_of !== undefined) continue;
    if (s.loan_type !== undefined && s.loan_type !== c.loan_type) continue;
    if (s.tier !== undefined && s.tier !== tier) continue;
    if (s.situation !== undefined && !c.situations.has(s.situation)) continue;
    // A situation says more about this call than the segment does, and the segment more than the purpose alone.
    const score = (s.situation ? 8 : 0) + (s.tier ? 4 : 0) + (s.loan_type ? 2 : 0) + (s.purpose ? 1 : 0);
    if (score > bestScore) {
      best = entry;
      bestScore = score;
    }
  }
  // The loader guarantees a fallback per purpose; this is unreachable with a validated library.
  if (!best) throw new Error(`no script for purpose ${c.purpose}`);
  const [champion, script] = best;
  const variants = Object.keys(lib.scripts)
    .filter((id) => lib.scripts[id]!.variant_of === champion)
    .sort();
  if (variants.length === 0) return { id: champion, champion, script };
  const arms = [champion, ...variants];
  const id = arms[Math.floor(variantDraw(lib.experiment.seed, champion, c.borrower_id) * arms.length)]!;
  return { id, champion, script: lib.scripts[id]! };
}
