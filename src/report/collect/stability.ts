/**
 * Collects PSI per (model, feature) between the training and the scored population, with the same function
 * `followup monitor` uses (lifecycle/drift.ts → src/evaluate psi: deciles of the training values plus one bin for
 * missing values), so the page and `monitor --json` print the same PSI.
 * Reads: the relation sources.ts chose (score_population, and the registry's saved training population of models
 * this warehouse holds none of).
 */
import { populationDrift } from '../../lifecycle/drift.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import { psiBand } from '../metrics/psi.ts';
import { round6 } from '../metrics/util.ts';
import type { Part, PsiRow } from '../types.ts';

export async function collectStability(w: Warehouse, from: string | null): Promise<Part<PsiRow[]>> {
  if (from === null)
    return { ok: false, reason: 'table score_population does not exist (run the score stage first)' };
  const models = await w.all<{ model: string }>(`SELECT DISTINCT model FROM ${from} ORDER BY model`);
  const out: PsiRow[] = [];
  for (const { model } of models) {
    const rows = (await populationDrift(w, model, 10, from)) ?? [];
    const byName = [...rows].sort((a, b) => (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
    for (const r of byName)
      out.push({
        model,
        feature: r.feature,
        psi: round6(r.psi),
        band: psiBand(r.psi),
        n_train: r.n,
        n_scored: r.m,
        bins: r.bins,
        noise_p95: round6(r.noChange95),
      });
  }
  if (out.length === 0)
    return {
      ok: false,
      reason: "score_population has no feature with both a 'train' and a 'scored' population",
    };
  return { ok: true, value: out };
}
