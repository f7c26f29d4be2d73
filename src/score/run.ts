/**
 * `followup score`: the champion delinquency model over every loan active at an as-of date.
 *
 *   buildBorrowerState(as_of) ─► champion (manifest checked) ─► hazards h1…hH + reasons, in chunks ─► scores
 *                                                                 └─► score_population 'scored' (drift input)
 * scoreLoans = predictLoans (features, hazards, reasons) + finishScores (waits for the reasons, writes). recommend
 * calls the two halves itself with `reasons: 'aside'`: the reason codes then run in a worker thread beside its
 * planning (src/score/reasons-aside.ts).
 * Without a champion but with the fallback card `train` recorded (no repayments, no onsets), every loan gets zero
 * hazards (model version `fallback-lifecycle-bounds`, one warning): the planner then follows the lifecycle bounds.
 */
import { join } from 'node:path';
import { BadInputError } from '../core/errors.ts';
import { yieldAndCheck } from '../core/interrupt.ts';
import type { Logger } from '../core/log.ts';
import { stopwatch } from '../core/stopwatch.ts';
import { buildBorrowerState, snapshotManifestOf } from '../features/index.ts';
import { sliceTable } from '../features/slice.ts';
import type { FeatureTable } from '../features/types.ts';
import {
  championVersion,
  explain,
  type FallbackCard,
  loadModel,
  predictHazard,
  readFallback,
} from '../models/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { ensureReportInputs } from '../warehouse/report-inputs.ts';
import { ensureScoresTable } from '../warehouse/scores.ts';
import { type Aside, explainAside } from './reasons-aside.ts';
import { writePopulation } from './store.ts';

export interface ScoreConfig {
  modelsDir: string;
  asOf: string;
  /** Only these loans (a shard); default every active loan. */
  loanIds?: readonly string[];
  /** Rows per prediction chunk (memory bound). Default 65 536. */
  chunk?: number;
  /**
   * Compute reason codes (one extra prediction per feature). Default true. `'aside'` (predictLoans only): in a
   * worker thread, so the caller's next work runs beside them (src/score/reasons-aside.ts).
   */
  reasons?: boolean | 'aside';
}

export interface Scored {
  state: FeatureTable;
  /** Row-major n × H. */
  hazard: Float32Array;
  horizon: number;
  reasons: string[][];
  /** Champion version, or `fallback-lifecycle-bounds` when the hazards are the fallback's zeros. */
  version: string;
  /** The fallback card when no delinquency model was trained; undefined with a champion. */
  fallback?: FallbackCard;
  /** Seconds per phase: point-in-time features, model predictions, reason codes, writing `scores`. */
  seconds: { features: number; predict: number; reasons: number; store: number };
}

/** The hazards of predictLoans, with the reason codes still to come (`reasons: 'aside'`) and nothing stored yet. */
export interface Predicted extends Omit<Scored, 'reasons'> {
  /** Resolves once the reason codes are done: at once, or (`'aside'`) after `begin` started their worker. */
  reasons: Promise<string[][]>;
  /**
   * Starts the reason-code worker (`'aside'`; a no-op otherwise, or once started). The caller picks the moment:
   * recommend starts it once the planner's view is read, so it shares the cores with the planner's JavaScript,
   * not with DuckDB's threads building the view.
   */
  begin: () => void;
  /** Ends a reason-code worker that still runs (a failed or stopped run); a no-op otherwise. */
  stop: () => Promise<void>;
}

/**
 * Called once the point-in-time features are built, before the model runs: `hazard` is the array the hazards will
 * be written into (filled when scoreLoans returns). Lets a caller start warehouse work that needs only the loans
 * (the planner's view) on DuckDB's threads while the predictions and reason codes run here.
 */
export type OnFeatures = (state: FeatureTable, hazard: Float32Array, horizon: number) => void;

export async function scoreLoans(
  w: Warehouse,
  cfg: ScoreConfig,
  log: Logger,
  onFeatures?: OnFeatures,
): Promise<Scored> {
  return finishScores(w, cfg.asOf, await predictLoans(w, cfg, log, onFeatures), log);
}

/**
 * The borrower state, built on a connection of its own: outside the caller's transaction (`followup score` and
 * `recommend` each run in one), where DuckDB frees the feature tables when they are dropped instead of when the
 * transaction ends (at a million loans they stayed resident through recommend's planning, ~0.5 GB, and added
 * 0.3 GB to `score`'s write).
 */
async function stateOutside(w: Warehouse, asOf: string, loanIds?: readonly string[]): Promise<FeatureTable> {
  const reader = await w.fork();
  try {
    return await buildBorrowerState(reader, asOf, loanIds);
  } finally {
    reader.close();
  }
}

/**
 * The first half of scoreLoans: features, hazards and (unless `reasons: 'aside'`) reason codes; nothing stored.
 * finishScores is the second half.
 */
export async function predictLoans(
  w: Warehouse,
  cfg: ScoreConfig,
  log: Logger,
  onFeatures?: OnFeatures,
): Promise<Predicted> {
  const version = await championVersion(cfg.modelsDir, 'delinquency');
  if (!version) {
    const fallback = await readFallback(cfg.modelsDir, 'delinquency');
    if (fallback) return predictFallback(w, cfg, fallback, log, onFeatures);
    throw new BadInputError(`no champion delinquency model in ${cfg.modelsDir}`, {
      hint: 'run `followup train` first (the first trained model becomes champion)',
    });
  }
  const modelDir = join(cfg.modelsDir, 'delinquency', version);
  const model = await loadModel(modelDir, await snapshotManifestOf(w));
  const lap = stopwatch();
  const seconds = { features: 0, predict: 0, reasons: 0, store: 0 };
  const state = await stateOutside(w, cfg.asOf, cfg.loanIds);
  seconds.features = lap();
  const H = model.outputs;
  const hazard = new Float32Array(state.n * H);
  onFeatures?.(state, hazard, H);
  const inline = cfg.reasons !== false && cfg.reasons !== 'aside';
  const reasons: string[][] = new Array(state.n);
  const chunk = cfg.chunk ?? 65_536;
  for (let a = 0; a < state.n; a += chunk) {
    const b = Math.min(state.n, a + chunk);
    const part = sliceTable(state, a, b);
    hazard.set(predictHazard(model, part).hazard, a * H);
    seconds.predict += lap();
    // Without inline reasons the rows get empty lists (stored as such), except when the worker will fill them.
    if (cfg.reasons !== 'aside') {
      const why = inline ? explain(model, part, 3) : [];
      for (let i = a; i < b; i++) reasons[i] = (why[i - a] ?? []).map((r) => r.text);
    }
    seconds.reasons += lap();
    // A check point per chunk: the predictions are synchronous, so let a pending SIGINT/SIGTERM handler run.
    await yieldAndCheck(w.signal, 'while scoring; nothing of this run was written');
  }
  for (const net of model.nets) net.dispose();
  const base = { state, hazard, horizon: H, version, seconds };
  if (cfg.reasons !== 'aside')
    return { ...base, reasons: Promise.resolve(reasons), begin: () => {}, stop: async () => {} };
  let aside: Aside | undefined;
  let settle: { resolve: (r: string[][]) => void; reject: (e: unknown) => void } | undefined;
  const later = new Promise<string[][]>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A caller that stops the worker (or never starts it) may never await the reasons.
  later.catch(() => {});
  return {
    ...base,
    reasons: later,
    begin: () => {
      if (aside) return;
      const started = explainAside({
        modelDir,
        table: state,
        k: 3,
        chunk,
        signal: w.signal,
        what: 'while computing reason codes; nothing of this run was written',
      });
      aside = started;
      started.reasons.then((r) => {
        seconds.reasons = started.seconds();
        settle!.resolve(r);
      }, settle!.reject);
    },
    stop: async () => {
      if (aside) return aside.stop();
      settle!.reject(new Error('the reason codes were stopped before they started'));
    },
  };
}

/** The tables finishScores writes (`scores`, and the drift population's), created when missing. */
export async function ensureScoreTables(w: Warehouse): Promise<void> {
  await ensureScoresTable(w);
  await ensureReportInputs(w);
}

/**
 * The second half of scoreLoans: waits for the reason codes, then writes `scores` and (for a model's hazards) the
 * drift population in one transaction: a run killed or stopped between them leaves neither half-written.
 */
export async function finishScores(w: Warehouse, asOf: string, p: Predicted, log: Logger): Promise<Scored> {
  p.begin();
  const { stop: _stop, begin: _begin, reasons: pending, ...rest } = p;
  const scored: Scored = { ...rest, reasons: await pending };
  const { state, hazard, horizon: H, version, seconds } = scored;
  const lap = stopwatch();
  if (!scored.fallback) log.info('scored', { loans: state.n, as_of: asOf, model: version, seconds });
  await w.tx(async () => {
    await storeScores(w, asOf, state, hazard, H, scored.reasons, version);
    if (scored.fallback) return;
    const score = new Float64Array(state.n);
    for (let i = 0; i < state.n; i++) score[i] = 1 - productSurvival(hazard, i, H, H);
    await writePopulation(w, 'delinquency', 'scored', { ...state.numeric, score });
  });
  seconds.store = lap();
  return scored;
}

/** Months of the fallback's hazards (the default horizon of the delinquency model). */
export const FALLBACK_HORIZON = 6;

/**
 * Zero hazards for every active loan: no model means no predicted risk, so due dates follow the lifecycle bounds.
 * Stored in `scores` like a model's (so exports and reports see the run) but not in the drift population.
 */
async function predictFallback(
  w: Warehouse,
  cfg: ScoreConfig,
  fallback: FallbackCard,
  log: Logger,
  onFeatures?: OnFeatures,
): Promise<Predicted> {
  const lap = stopwatch();
  const seconds = { features: 0, predict: 0, reasons: 0, store: 0 };
  const state = await stateOutside(w, cfg.asOf, cfg.loanIds);
  seconds.features = lap();
  const H = FALLBACK_HORIZON;
  const hazard = new Float32Array(state.n * H);
  onFeatures?.(state, hazard, H);
  const reasons: string[][] = Array.from({ length: state.n }, () => []);
  const version = `fallback-${fallback.fallback}`;
  log.warn(
    `score: no delinquency model (${fallback.reason}); fallback ${fallback.fallback}: zero hazards for ${state.n} loans`,
    { as_of: cfg.asOf, loans: state.n, model: version },
  );
  return {
    state,
    hazard,
    horizon: H,
    version,
    fallback,
    seconds,
    reasons: Promise.resolve(reasons),
    begin: () => {},
    stop: async () => {},
  };
}

/** 1 − cumulative risk after `t` months of row i. */
export function productSurvival(hazard: Float32Array, i: number, H: number, t: number): number {
  let s = 1;
  for (let k = 0; k < t; k++) s *= 1 - hazard[i * H + k]!;
  return s;
}

async function storeScores(
  w: Warehouse,
  asOf: string,
  state: FeatureTable,
  hazard: Float32Array,
  H: number,
  reasons: string[][],
  version: string,
): Promise<void> {
  // Inside the transaction from the table's creation on: a stopped first run leaves no empty `scores` behind.
  await w.tx(async (t) => {
    await ensureScoresTable(t);
    await stageAndReplace(t, asOf, state, hazard, H, reasons, version);
  });
}

/** Replaces the day's rows of the staged loans; runs inside storeScores' transaction. */
async function stageAndReplace(
  w: Warehouse,
  asOf: string,
  state: FeatureTable,
  hazard: Float32Array,
  H: number,
  reasons: string[][],
  version: string,
): Promise<void> {
  await w.run('CREATE OR REPLACE TEMP TABLE score_stage (loan_id VARCHAR, hazard VARCHAR, reasons VARCHAR)');
  const app = await w.conn.createAppender('score_stage', 'main', 'temp');
  try {
    for (let i = 0; i < state.n; i++) {
      app.appendVarchar(state.keys.loan_id[i]!);
      app.appendVarchar(JSON.stringify(Array.from(hazard.subarray(i * H, (i + 1) * H))));
      app.appendVarchar(JSON.stringify(reasons[i] ?? []));
      app.endRow();
    }
  } finally {
    app.closeSync();
  }
  await w.run(
    'DELETE FROM scores WHERE as_of = $1::DATE AND loan_id IN (SELECT loan_id FROM temp.score_stage)',
    [asOf],
  );
  await w.run(
    `INSERT INTO scores
     SELECT $1::DATE, loan_id, $2, hz,
       1 - list_product(list_transform(hz[1:3], x -> 1 - x)),
       1 - list_product(list_transform(hz, x -> 1 - x)),
       json_extract_string(reasons, '$[*]')
     FROM (SELECT loan_id, hazard::JSON::DOUBLE[] AS hz, reasons FROM temp.score_stage)`,
    [asOf, version],
  );
  await w.run('DROP TABLE temp.score_stage');
}
