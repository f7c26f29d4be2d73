/**
 * The one planning step: score the book once with the champions, build the planner's view of it and the hang-up
 * slot scorer, then plan it under any number of policies. `followup recommend`, the backtest's replay and the
 * what-if notebook all start here, so they plan the same loans with the same scores and the same (factored) slot
 * scorer.
 *
 *   champions ─► predictLoans: features ─► h1…hH (reasons inline, or later in a worker) ─┐
 *                                   └─► stagePlannerView (2nd connection) ─► readPlannerView ─► plannable ─► slotScorer
 *                                                                                           ─► planFollowUps(policy)
 *
 * With `reasons: 'aside'` the caller starts the reasons' worker (`scored.begin()`) when its own DuckDB work is done;
 * `scores()` starts it too, at the latest.
 *
 * Fallbacks: without a hang-up champion but with a fallback card (written by `train`), every slot is scored alike
 * (0) and the policy's default hours decide; without either, a typed error says to train first.
 *
 * Reads: the champions in `modelsDir`; the warehouse through predictLoans and the planner view
 * (src/recommend/io/planner-loans.ts). Writes: `scores` (as scoreLoans does) before it returns, or — with
 * `reasons: 'aside'` — when the caller calls `Planning.scores()`.
 */
import { join } from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import { yieldAndCheck } from '../../core/interrupt.ts';
import type { Logger } from '../../core/log.ts';
import { hangupManifestOf } from '../../features/index.ts';
import { championVersion, type FallbackCard, loadModel, readFallback } from '../../models/index.ts';
import { finishScores, type Predicted, predictLoans, type Scored } from '../../score/run.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import type { HangupScorer, PlannerLoan } from '../input.ts';
import type { ContactPriors } from '../profile.ts';
import { plannable, type SkippedLoan } from './plannable.ts';
import { type PlannerView, readPlannerView, stagePlannerView } from './planner-loans.ts';
import { slotScorer } from './slot-scorer.ts';

export interface PlanningConfig {
  modelsDir: string;
  asOf: string;
  /** Days of contact history the personal profiles and rules look back over (policy `contact.lookback_days`). */
  lookbackDays: number;
  /** Only these loans (a shard). */
  loanIds?: readonly string[];
  /** Keep only contacts before this UTC instant (the backtest: replayed calls have no real outcomes). */
  contactsBefore?: string;
  /**
   * Compute reason codes (default true; the backtest needs none). `'aside'`: in a worker thread while the caller
   * plans, started by the caller's `scored.begin()` (or by `Planning.scores()`); `scores` is then not written until
   * the caller calls `Planning.scores()` (recommend does, in its transaction).
   */
  reasons?: boolean | 'aside';
}

/** Everything a plan needs besides the policy. `dispose` frees the slot scorer's tensors. */
export interface Planning {
  asOf: string;
  /** The hazards; `scored.reasons` resolves when the reason codes are done (at once unless `reasons: 'aside'`). */
  scored: Predicted;
  /**
   * The scores written to `scores` with their reason codes: waits for the reasons, writes once (later calls return
   * the same). Without `reasons: 'aside'` preparePlanning has already written them.
   */
  scores: () => Promise<Scored>;
  loans: PlannerLoan[];
  /** `stateRow[i]`: the row of planner loan i in `scored.state` (−1 without one). */
  stateRow: Int32Array;
  /** Active loans left out because the planner cannot plan them, with column and value. */
  skipped: SkippedLoan[];
  contactPriors?: ContactPriors;
  models: { delinquency: string; hangup: string };
  /** The hang-up fallback card when no hang-up model was trained. */
  hangFallback?: FallbackCard;
  hangup: HangupScorer;
  /** True when the slot scorer runs the first layer once per loan and per context (src/models/pair-scorer.ts). */
  factored: boolean;
  /** Frees the slot scorer's tensors and ends a reason-code worker that still runs. */
  dispose: () => void;
}

/** Scores every slot alike: the planner's ties keep the earliest window of the rule pack's hours, no notice. */
const constantScorer: HangupScorer = async (batch) => new Float32Array(batch.size);

/**
 * The planner is pure and runs for minutes at a million loans; its calls to the slot scorer are where it can stop:
 * each lets the event loop turn (a pending SIGINT/SIGTERM handler runs) and throws once the run is asked to stop.
 */
function checked(score: HangupScorer, signal: AbortSignal | undefined): HangupScorer {
  return async (batch) => {
    await yieldAndCheck(signal, 'while planning; nothing of this run was written');
    return score(batch);
  };
}

/** Scores the book once and prepares the planner's inputs; see the file comment. */
export async function preparePlanning(w: Warehouse, cfg: PlanningConfig, log: Logger): Promise<Planning> {
  const champion = await championVersion(cfg.modelsDir, 'hangup');
  const hangFallback = champion ? undefined : await readFallback(cfg.modelsDir, 'hangup');
  if (!champion && !hangFallback)
    throw new BadInputError(`no champion hang-up model in ${cfg.modelsDir}`, {
      hint: 'run `followup train` first',
    });
  const hangVersion = champion ?? `fallback-${hangFallback!.fallback}`;
  const hangModel = champion
    ? await loadModel(join(cfg.modelsDir, 'hangup', champion), await hangupManifestOf(w))
    : undefined;
  if (hangFallback)
    log.warn(
      `recommend: no hang-up model (${hangFallback.reason}); fallback ${hangFallback.fallback}: every call slot scored alike, the policy's default hours decide`,
      { model: hangVersion },
    );
  // The planner's view needs only the loans and their point-in-time state, so its queries run on a second
  // connection, on DuckDB's threads, while the model's predictions and reason codes run here in JavaScript; then its
  // rows are read into the planner's loans. (On 2 cores the two slow each other: at a million loans the view was
  // ready 13 s sooner and the peak 0.5 GB lower, the run as long. With more cores the overlap is the gain.)
  const fork = await w.fork();
  const stop = new AbortController();
  let staging: Promise<void> | undefined;
  let scored: Predicted | undefined;
  let view: PlannerView;
  try {
    scored = await predictLoans(
      w,
      {
        modelsDir: cfg.modelsDir,
        asOf: cfg.asOf,
        ...(cfg.loanIds ? { loanIds: cfg.loanIds } : {}),
        ...(cfg.reasons !== undefined ? { reasons: cfg.reasons } : {}),
      },
      log,
      (state) => {
        staging = stagePlannerView(fork, cfg.asOf, state.keys.loan_id, {
          lookbackDays: cfg.lookbackDays,
          ...(cfg.contactsBefore ? { contactsBefore: cfg.contactsBefore } : {}),
          stop: stop.signal,
        });
        // Awaited below; a failure meanwhile must not count as unhandled.
        staging.catch(() => {});
      },
    );
    if (!staging) throw new Error('preparePlanning: predictLoans returned without building the loans’ state');
    await staging;
    view = await readPlannerView(fork, scored);
  } catch (e) {
    // Scoring failed or was stopped: stop the view's queries and the reason codes too, and let the queries end
    // before their connection closes.
    void scored?.stop();
    stop.abort();
    fork.conn.interrupt();
    await staging?.catch(() => {});
    throw e;
  } finally {
    fork.close();
  }
  // A loan the planner cannot plan (infinite maturity, Factory zone) is named and left out, not fatal for the book.
  const { loans, stateRow, skipped } = plannable(view.loans, view.stateRow);
  for (const s of skipped)
    log.warn('recommend: loan skipped', {
      loan_id: s.loan_id,
      column: s.column,
      value: s.value,
      reason: s.reason,
    });
  const predicted = scored;
  let stored: Promise<Scored> | undefined;
  const scores = () => {
    stored ??= finishScores(w, cfg.asOf, predicted, log);
    return stored;
  };
  let slots: ReturnType<typeof slotScorer> | undefined;
  try {
    // Without a worker the reason codes are done: write the scores now, as `followup score` would.
    if (cfg.reasons !== 'aside') await scores();
    slots = hangModel ? slotScorer(hangModel, scored.state, stateRow) : undefined;
  } catch (e) {
    void predicted.stop();
    throw e;
  }
  const tensors = slots;
  return {
    asOf: cfg.asOf,
    scored,
    scores,
    loans,
    stateRow,
    skipped,
    ...(view.contactPriors ? { contactPriors: view.contactPriors } : {}),
    models: { delinquency: scored.version, hangup: hangVersion },
    ...(hangFallback ? { hangFallback } : {}),
    hangup: checked(tensors ? tensors.score : constantScorer, w.signal),
    factored: tensors?.factored ?? false,
    dispose: () => {
      tensors?.dispose();
      void predicted.stop();
    },
  };
}
