/**
 * `followup evaluate`: the champion delinquency model's monthly hazards against the generator's true hazards.
 *
 *   as-of months ─► borrower state (point in time) ─► champion h_1…h_H ─► bt_pred ─┐
 *   truth/hazard.csv ─► bt_truth ──────────────────────────────────────────────────┴─► pairs (truth.ts mapping)
 *     ─► Pearson (probability, logit) + decile calibration, overall and per model month k
 */
import { join } from 'node:path';
import { BadInputError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { buildBorrowerState, snapshotManifest } from '../features/index.ts';
import { championVersion, loadModel, predictHazard } from '../models/index.ts';
import { addMonths, monthRange, monthStart } from '../ops/months.ts';
import { sliceTable } from '../ops/slot-table.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { type Agreement, agreement } from './stats.ts';
import { appendPredictions, createPredictionTable, loadTruth, truthFile, truthPairs } from './truth.ts';

/** What to compare. */
export interface TruthEvalConfig {
  /** Model registry root. */
  modelsDir: string;
  /** Folder with hazard.csv(.gz) (the world's truth/ folder, or the world folder). */
  truthDir: string;
  /** First and last as-of month (YYYY-MM-01). Default: 2 months after the first truth month … the last one. */
  from?: string;
  to?: string;
  /** Rows per prediction chunk. Default 16 384 (the wasm backend wants big batches). */
  chunk?: number;
}

/** The comparison's result. */
export interface TruthEvalSummary {
  model: string;
  truth_file: string;
  /** As-of months scored. */
  as_of: { from: string; to: string; months: number };
  /** (loan, as-of) rows scored and (loan, as-of, k) pairs with a truth. */
  scored_rows: number;
  pairs: number;
  overall: Agreement;
  /** Pairs whose installments all fall due after the as-of date (see TruthPair.unseen): the fair comparison. */
  unseen: Agreement;
  /** Agreement per model month k = 1…H. */
  by_k: (Agreement & { k: number })[];
  seconds: number;
}

export async function runTruthEvaluation(
  w: Warehouse,
  cfg: TruthEvalConfig,
  log: Logger,
): Promise<TruthEvalSummary> {
  const t0 = performance.now();
  const version = await championVersion(cfg.modelsDir, 'delinquency');
  if (!version)
    throw new BadInputError(`no champion delinquency model in ${cfg.modelsDir}`, {
      hint: 'run `followup train` first',
    });
  const model = await loadModel(join(cfg.modelsDir, 'delinquency', version), snapshotManifest());
  const file = truthFile(cfg.truthDir);
  const nTruth = await loadTruth(w, file);
  const span = await w.one<{ a: string | null; b: string | null }>(
    'SELECT min(month)::VARCHAR AS a, max(month)::VARCHAR AS b FROM temp.bt_truth',
  );
  if (!nTruth || !span?.a || !span.b)
    throw new BadInputError(`truth file ${file} has no rows`, { place: { file } });
  const from = monthStart(cfg.from ?? addMonths(monthStart(span.a), 2));
  const to = monthStart(cfg.to ?? span.b);
  const months = monthRange(from, to);
  if (months.length === 0) throw new BadInputError(`no as-of months between ${from} and ${to}`);
  const H = model.outputs;
  const chunk = cfg.chunk ?? 16_384;
  await createPredictionTable(w);
  let rows = 0;
  for (const asOf of months) {
    const state = await buildBorrowerState(w, asOf);
    for (let a = 0; a < state.n; a += chunk) {
      const b = Math.min(state.n, a + chunk);
      const { hazard } = predictHazard(model, sliceTable(state, a, b));
      await appendPredictions(w, asOf, state.keys.loan_id.slice(a, b), hazard, H);
    }
    rows += state.n;
    log.info('evaluate: scored', { as_of: asOf, loans: state.n });
  }
  const pairs = await truthPairs(w);
  await w.run('DROP TABLE IF EXISTS temp.bt_pred; DROP TABLE IF EXISTS temp.bt_truth');
  const p = Float64Array.from(pairs, (x) => x.predicted);
  const t = Float64Array.from(pairs, (x) => x.truth);
  const byK: (Agreement & { k: number })[] = [];
  for (let k = 1; k <= H; k++) {
    const idx = pairs.flatMap((x, i) => (x.k === k ? [i] : []));
    byK.push({
      k,
      ...agreement(
        Float64Array.from(idx, (i) => p[i]!),
        Float64Array.from(idx, (i) => t[i]!),
      ),
    });
  }
  return {
    model: version,
    truth_file: file,
    as_of: { from, to, months: months.length },
    scored_rows: rows,
    pairs: pairs.length,
    overall: agreement(p, t),
    unseen: agreement(
      pairs.flatMap((x) => (x.unseen ? [x.predicted] : [])),
      pairs.flatMap((x) => (x.unseen ? [x.truth] : [])),
    ),
    by_k: byK,
    seconds: (performance.now() - t0) / 1000,
  };
}
