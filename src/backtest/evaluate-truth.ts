/**
 * `followup evaluate`: the champion delinquency model's monthly hazards against the generator's true hazards.
 *
 *   as-of months ─► borrower state (point in time) ─► champion h_1…h_H ─► bt_pred ─┐
 *   truth/hazard.csv ─► bt_truth ──────────────────────────────────────────────────┴─► pairs (truth.ts mapping)
 *     ─► Pearson (probability, logit) + decile calibration, overall and per model month k
 *     ─► per (loan, as-of): the cumulative 6-month risk against the true one and a persistence oracle's (risk-6m.ts)
 */
import { join } from 'node:path';
import { BadInputError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { addMonths, monthRange, monthStart } from '../core/months.ts';
import { buildBorrowerState, snapshotManifest } from '../features/index.ts';
import { sliceTable } from '../features/slice.ts';
import { championVersion, loadModel, predictHazard, type TrainedModel } from '../models/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { RISK_MONTHS, type RiskSummary, riskAgreement } from './risk-6m.ts';
import { type Agreement, agreement, pearson } from './stats.ts';
import {
  appendPredictions,
  createPredictionTable,
  loadTruth,
  loanWindows,
  type TruthPair,
  truthFile,
  truthPairs,
} from './truth.ts';

/** What the 6-month comparison's "true" and oracle are, in the JSON beside the figures (risk-6m.ts in full). */
export const RISK_6M_DEFINITION = {
  predicted:
    '1 − Π(1 − h_k), k = 1…6: the champion’s monthly hazards at the as-of date (riskWithin, 6 months)',
  truth:
    'the same product over the generator’s hazards of the installments whose onset (due + 30 days) falls in the 6 months after the as-of date, as the generator drew them along the path the world took: later months depend on events after the as-of date (lateness, income shocks, markets), and month 1 is the ex-ante hazard of an installment nearly always already due, whose payment the model has seen (months_2_6 leaves it out)',
  censoring:
    'windows past maturity (known at the as-of date) count 0 on both sides; after a loan leaves the truth before maturity (its first onset or a prepayment) the true side holds its last true hazard and the predicted side keeps h_k (both conditional on staying at risk); as-of dates whose 6 months run past the end of the truth are left out',
  oracle:
    'persistence oracle: knows the true hazards set by the as-of date (the installment already due and the next one, latent frailty and income shock included) and holds the next one’s for the later months',
} as const;

/** The 6-month comparison, with the as-of dates it covers. */
export type Risk6m = RiskSummary & {
  as_of: { from: string; to: string; months: number };
  definition: typeof RISK_6M_DEFINITION;
};

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
  /**
   * The next installment only: per (loan, as-of), the first window whose installments are all still to fall
   * due. Its true hazard depends on what is known at the as-of date plus the latent state, not on events still
   * to come, so this is where a model can approach the truth.
   */
  next: Agreement;
  /**
   * Pearson that an oracle knowing the next installment's TRUE hazard (latent frailty and income shock included)
   * reaches on the unseen pairs by predicting that hazard for every later month: the later truths depend on
   * lateness, shocks and markets that have not happened yet, so no forecast made at the as-of date is exact.
   */
  unseen_ceiling: number;
  /**
   * Risk over the whole unseen horizon per (loan, as-of) with every month from the next installment to H:
   * 1 − Π(1 − h) of the predicted against 1 − Π(1 − h) of the true hazards. Only (loan, as-of) whose truth runs
   * without a gap to its last month count, however short; risk_6m is the fixed-length figure with censoring rules.
   */
  cumulative: Agreement;
  /** Agreement per model month k = 1…H, with the same oracle's Pearson on month k's unseen pairs. */
  by_k: (Agreement & { k: number; ceiling: number })[];
  /**
   * The cumulative risk over the next 6 months per (loan, as-of) against the true one, beside the persistence
   * oracle (risk-6m.ts; `definition` says what "true" is). Null when no as-of date has 6 months of truth after it
   * or the model has fewer than 6 monthly hazards (`risk_6m_skipped` says which).
   */
  risk_6m: Risk6m | null;
  risk_6m_skipped?: string;
  seconds: number;
}

export async function runTruthEvaluation(
  w: Warehouse,
  cfg: TruthEvalConfig,
  log: Logger,
): Promise<TruthEvalSummary> {
  const version = await championVersion(cfg.modelsDir, 'delinquency');
  if (!version)
    throw new BadInputError(`no champion delinquency model in ${cfg.modelsDir}`, {
      hint: 'run `followup train` first',
    });
  const model = await loadModel(join(cfg.modelsDir, 'delinquency', version), snapshotManifest());
  return { model: version, ...(await truthAgreement(w, model, cfg, log)) };
}

/** The comparison for a model in memory (the registry-free core: benchmarks compare variants with it). */
export async function truthAgreement(
  w: Warehouse,
  model: TrainedModel,
  cfg: Omit<TruthEvalConfig, 'modelsDir'>,
  log: Logger,
): Promise<Omit<TruthEvalSummary, 'model'>> {
  const t0 = performance.now();
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
  const risk6 = await sixMonths(w, from, to, monthStart(span.b), H);
  await w.run('DROP TABLE IF EXISTS temp.bt_pred; DROP TABLE IF EXISTS temp.bt_truth');
  const p = Float64Array.from(pairs, (x) => x.predicted);
  const t = Float64Array.from(pairs, (x) => x.truth);
  // The oracle predicts, for every pair, the true hazard of its (loan, as-of)'s next installment.
  const head = firstUnseen(pairs);
  const ceil = Float64Array.from(head, (h) => (h >= 0 ? t[h]! : Number.NaN));
  const byK: TruthEvalSummary['by_k'] = [];
  for (let k = 1; k <= H; k++) {
    const idx = pairs.flatMap((x, i) => (x.k === k ? [i] : []));
    const pick = (a: ArrayLike<number>) => Float64Array.from(idx, (i) => a[i]!);
    const withOracle = idx.filter((i) => pairs[i]!.unseen);
    byK.push({
      k,
      ...agreement(pick(p), pick(t)),
      ceiling: pearson(
        Float64Array.from(withOracle, (i) => ceil[i]!),
        Float64Array.from(withOracle, (i) => t[i]!),
      ),
    });
  }
  const unseen = pairs.flatMap((x, i) => (x.unseen ? [i] : []));
  const next = unseen.filter((i) => head[i] === i);
  const cum = cumulativePairs(pairs, head);
  const of = (rows: number[], a: ArrayLike<number>) => Float64Array.from(rows, (i) => a[i]!);
  return {
    truth_file: file,
    as_of: { from, to, months: months.length },
    scored_rows: rows,
    pairs: pairs.length,
    overall: agreement(p, t),
    unseen: agreement(of(unseen, p), of(unseen, t)),
    next: agreement(of(next, p), of(next, t)),
    unseen_ceiling: pearson(of(unseen, ceil), of(unseen, t)),
    cumulative: agreement(cum.predicted, cum.truth),
    by_k: byK,
    ...risk6,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The 6-month comparison over the as-of dates from `from` whose six windows end by the truth's last month
 * `lastTruth` (installments due up to A + 6 months − 30 days, i.e. by the end of month A + 5).
 */
async function sixMonths(
  w: Warehouse,
  from: string,
  to: string,
  lastTruth: string,
  H: number,
): Promise<Pick<TruthEvalSummary, 'risk_6m' | 'risk_6m_skipped'>> {
  if (H < RISK_MONTHS)
    return {
      risk_6m: null,
      risk_6m_skipped: `the model has ${H} monthly hazards, fewer than ${RISK_MONTHS}`,
    };
  const last = minMonth(to, addMonths(lastTruth, -(RISK_MONTHS - 1)));
  if (last < from)
    return {
      risk_6m: null,
      risk_6m_skipped: `no as-of date from ${from} to ${to} has ${RISK_MONTHS} months of truth after it (the truth ends in ${lastTruth.slice(0, 7)})`,
    };
  const rows = await loanWindows(w, from, last, RISK_MONTHS);
  return {
    risk_6m: {
      as_of: { from, to: last, months: monthRange(from, last).length },
      ...riskAgreement(rows),
      definition: RISK_6M_DEFINITION,
    },
  };
}

const minMonth = (a: string, b: string) => (a < b ? a : b);

/** Pairs arrive ordered by (as_of, loan_id, k): the index of the first unseen pair of each (as_of, loan). */
function firstUnseen(pairs: TruthPair[]): Int32Array {
  const out = new Int32Array(pairs.length).fill(-1);
  let head = -1;
  for (let i = 0; i < pairs.length; i++) {
    const x = pairs[i]!;
    const prev = pairs[i - 1];
    if (!prev || prev.as_of !== x.as_of || prev.loan_id !== x.loan_id) head = -1;
    if (x.unseen && head < 0) head = i;
    out[i] = head;
  }
  return out;
}

/**
 * Per (as_of, loan) whose unseen pairs run without a gap from its next installment to the last month H of that
 * group: the cumulative predicted and true risk over those months.
 */
function cumulativePairs(pairs: TruthPair[], head: Int32Array): { predicted: number[]; truth: number[] } {
  const predicted: number[] = [];
  const truth: number[] = [];
  let i = 0;
  while (i < pairs.length) {
    let j = i;
    while (j < pairs.length && pairs[j]!.as_of === pairs[i]!.as_of && pairs[j]!.loan_id === pairs[i]!.loan_id)
      j++;
    const h = head[j - 1]!;
    if (h >= 0) {
      let sp = 1;
      let st = 1;
      let ok = true;
      for (let k = h; k < j; k++) {
        const x = pairs[k]!;
        if (!x.unseen || (k > h && x.k !== pairs[k - 1]!.k + 1)) ok = false;
        sp *= 1 - x.predicted;
        st *= 1 - x.truth;
      }
      if (ok && j - h >= 2) {
        predicted.push(1 - sp);
        truth.push(1 - st);
      }
    }
    i = j;
  }
  return { predicted, truth };
}
