/**
 * `followup recommend`: the next follow-up of every active loan.
 *
 *   preparePlanning (./io/planning.ts: score with the champions, planner loans, slot scorer)
 *     ─► planFollowUps(policy, hang-up champion over every allowed slot) ─► next actions, scripts ─► recommendations
 *     └─► reason codes in a worker thread, beside the planning ─┘ (awaited before the first follow-up is written)
 *
 * The run id is a hash of (as-of, models, policy, loans), so re-running the same inputs replaces the same run.
 *
 * Fallbacks (recorded by `train` in models/<name>/fallback.json when the data could not support a model):
 *   no hang-up champion  → every slot scored alike (0), so the planner keeps the policy's default hours and channel
 *   no delinquency champ → score's zero hazards, so due dates follow the lifecycle bounds of each grade
 * each said once in the log and in every recommendation's reasons (codes NO_HANGUP_MODEL, NO_DELINQUENCY_MODEL).
 *
 * Each planned follow-up then gets its next action from the last contact outcome (policy `next_actions`) and its
 * script and notice texts (script library, `--scripts`): ./talk.ts.
 */
import type { Clock } from '../core/clock.ts';
import { sha256 } from '../core/hash.ts';
import { throwIfInterrupted } from '../core/interrupt.ts';
import type { Logger } from '../core/log.ts';
import { collectGarbage } from '../core/memory.ts';
import { stopwatch } from '../core/stopwatch.ts';
import type { FallbackCard } from '../models/index.ts';
import { ensureScoreTables } from '../score/run.ts';
import { loadLibrary } from '../scripts/load.ts';
import type { ScriptLibrary } from '../scripts/schema.ts';
import { recordLibrary } from '../scripts/store.ts';
import { parseShard, shareCapacity } from '../shard/index.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { ensureRecommendationTables } from '../warehouse/recommendations.ts';
import {
  type CapacityOverflow,
  loadPolicy,
  type PlanStats,
  planFollowUps,
  type Recommendation,
} from './index.ts';
import type { SkippedLoan } from './io/plannable.ts';
import { preparePlanning } from './io/planning.ts';
import { byPurpose, PurposeColumns, type PurposeRow } from './io/segments.ts';
import { type TalkStats, talker } from './io/talk.ts';
import { talkFacts } from './io/talk-facts.ts';
import { commitRecommendations, type RecommendationSink, stageRecommendations } from './io/write.ts';
import { nextActionMoves } from './next-action.ts';
import type { Policy } from './policy/schema.ts';

export interface RecommendConfig {
  modelsDir: string;
  asOf: string;
  /** Policy YAML; default the shipped policy. */
  policy?: string;
  /** Script library YAML laid over the shipped one (src/config/scripts.default.yaml); default that one alone. */
  scripts?: string;
  /** Only these loans (a shard). */
  loanIds?: readonly string[];
  /** Shard `K/N` stored on the run (e.g. `2/8`); the policy's capacities become this shard's share. Default none. */
  shard?: string;
}

export interface RecommendSummary {
  run_id: string;
  as_of: string;
  policy_version: string;
  models: { delinquency: string; hangup: string };
  stats: PlanStats;
  /** Follow-ups by purpose with mean risk at due, mean hang-up risk, notice share and cadence. */
  by_purpose: PurposeRow[];
  overflow: CapacityOverflow[];
  /** Active loans left out because the planner cannot plan them (src/recommend/io/plannable.ts), with column and value. */
  skipped: SkippedLoan[];
  /** Script library version, and follow-ups by next action, by script and SMS notices by segment count. */
  scripts_version: string;
  talk: TalkStats;
  seconds: number;
}

/**
 * Says in a recommendation's reasons that a model was missing. With `replaces`, that reason's words (which quote
 * a model's risk) give way to the fallback's; otherwise the words are added.
 */
function sayFallback(r: Recommendation, code: string, card: FallbackCard, replaces?: string): void {
  const words =
    card.name === 'hangup'
      ? `no hang-up model (${card.reason}): call ${String(r.hour_start).padStart(2, '0')}:00–${String(r.hour_end).padStart(2, '0')}:00, the policy's default hours`
      : `no delinquency model (${card.reason}): due by the lifecycle bounds of the grade`;
  const at = replaces ? r.reason_codes.indexOf(replaces) : -1;
  if (at >= 0) {
    r.reason_codes[at] = code;
    r.reasons[at] = words;
  } else {
    r.reason_codes.push(code);
    r.reasons.push(words);
  }
}

/** The tables recommend writes (its run and follow-ups, and the scores'), created when missing. */
export async function ensureRecommendTables(w: Warehouse): Promise<void> {
  await ensureScoreTables(w);
  await ensureRecommendationTables(w);
}

/**
 * Scores, plans and stores one run in ONE transaction (scores, score population, the run, its follow-ups and its
 * script library): a run killed, stopped or failed anywhere leaves the warehouse as it was, never scores without
 * their plan or a plan without its library.
 */
export async function runRecommend(
  w: Warehouse,
  cfg: RecommendConfig,
  log: Logger,
  clock: Clock,
): Promise<RecommendSummary> {
  let written = 0;
  const summary = await w.tx(async () => {
    const s = await recommendIn(w, cfg, log, clock);
    written = performance.now();
    return s;
  });
  // DuckDB stores the run at the COMMIT (its write-ahead log, then a checkpoint into the file): at a million loans
  // that is seconds of its own, which the phases above do not show. (This is the outermost transaction: no caller
  // runs recommend inside another.)
  const seconds = (performance.now() - written) / 1000;
  log.info('recommend: committed', { run_id: summary.run_id, seconds: ms(seconds), ...memoryNow() });
  return { ...summary, seconds: summary.seconds + seconds };
}

/** Seconds to the millisecond, as the phase lines give them. */
const ms = (seconds: number) => Math.round(seconds * 1000) / 1000;

/**
 * The process's memory for a phase line, in MiB: resident; of it the JavaScript heap and V8's external memory
 * (ordinary typed arrays and the wasm memory of the models' backend, this thread's). The shared feature columns
 * are not in external (Node counts them under arrayBuffers only); they, DuckDB and the reason-code worker make up
 * what is resident beyond heap and external.
 */
function memoryNow(): { rss_mb: number; heap_mb: number; external_mb: number } {
  const m = process.memoryUsage();
  return {
    rss_mb: Math.round(m.rss / 2 ** 20),
    heap_mb: Math.round(m.heapUsed / 2 ** 20),
    external_mb: Math.round(m.external / 2 ** 20),
  };
}

/** A forced full collection, as a phase line's field. */
const collected = () => ({ gc_seconds: ms(collectGarbage()) });

async function recommendIn(
  w: Warehouse,
  cfg: RecommendConfig,
  log: Logger,
  clock: Clock,
): Promise<RecommendSummary> {
  const t0 = performance.now();
  const policy = loadPolicy(cfg.policy);
  const library = loadLibrary(cfg.scripts);
  if (cfg.shard) {
    // Capacity is global: a shard plans against its share, so the shards together never exceed it.
    const s = parseShard(cfg.shard);
    policy.capacity = {
      daily: shareCapacity(policy.capacity.daily, s),
      hourly: shareCapacity(policy.capacity.hourly, s),
    };
  }
  // Each phase logs its seconds and the process's memory (resident; of it the JavaScript heap and V8's external
  // memory), so a slow or large run says where its time and memory went.
  const watch = stopwatch();
  // …and is a check point: asked to stop (SIGINT/SIGTERM), the run ends there and its transaction rolls back.
  const lap: Lap = (msg, fields = {}) => {
    log.info(msg, { ...fields, seconds: ms(watch()), ...memoryNow() });
    throwIfInterrupted(w.signal, `after "${msg}"; nothing of this run was written`);
  };
  // Follow-ups go to a staging file as they are emitted; only the by-purpose columns stay in memory.
  await ensureRecommendTables(w);
  const sink = await stageRecommendations();
  try {
    const staged = await planAndStage(w, cfg, policy, library, sink, log, lap);
    // The follow-ups are on disk: the planner's loans and the script facts (~2 GB of heap at a million loans) are
    // garbage now, but V8 collects only when JavaScript allocates, and what follows is mostly DuckDB's work.
    // Collected here, they leave before the scores and the follow-ups are stored (at a million loans the scores'
    // write on top of the live planning heap was the run's peak).
    lap('recommend: planning memory released', collected());
    await staged.writeScores();
    // Collected again before the follow-ups are stored (at a million loans, the run's other memory peak): the
    // collection above can find the planning still held. V8 may be compiling the planner's emission loop in the
    // background when it ends; until the main thread installs or drops that code, the compile job's handles keep
    // the loop's closure context (the plan state, the planner's loans) alive. At a million loans that was 1.35 GB
    // of heap in five runs of six (a heap snapshot showed it held only by the job's handles), and the commit became
    // the run's peak; after the scores' write the job is gone and this collection finds the heap at 0.3 GB.
    lap('recommend: scores written', collected());
    const { runId, models, result } = staged;
    await commitRecommendations(
      w,
      runId,
      { ...cfg, capacityPerDay: result.stats.capacity_daily },
      policy.policy_version,
      models.delinquency,
      models.hangup,
      sink.count,
      clock,
      sink.path,
    );
    await recordLibrary(w, runId, library);
    // Written inside the transaction: runRecommend's COMMIT makes them final.
    lap('recommendations written', { run_id: runId, n: sink.count });
    return {
      run_id: runId,
      as_of: cfg.asOf,
      policy_version: policy.policy_version,
      models,
      stats: result.stats,
      by_purpose: byPurpose(staged.segments),
      overflow: result.overflow,
      skipped: staged.skipped,
      scripts_version: library.version,
      talk: staged.talk,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await sink.remove();
  }
}

/** A phase's log line and check point (recommendIn's `lap`). */
type Lap = (msg: string, fields?: Record<string, unknown>) => void;

/** What the planning leaves for the commit: no loan or fact, so they can be collected before it. */
interface Staged {
  /** Writes the scores (hazards and reason codes, done by then) to `scores`; holds no planner loan. */
  writeScores: () => Promise<unknown>;
  runId: string;
  models: { delinquency: string; hangup: string };
  result: { stats: PlanStats; overflow: CapacityOverflow[] };
  segments: PurposeColumns;
  skipped: SkippedLoan[];
  talk: TalkStats;
}

/**
 * Scores and plans the book and streams its follow-ups into `sink`; the scores are written by the caller
 * (`writeScores`). Everything large it builds stays in here, so it is garbage once this returns.
 */
async function planAndStage(
  w: Warehouse,
  cfg: RecommendConfig,
  policy: Policy,
  library: ScriptLibrary,
  sink: RecommendationSink,
  log: Logger,
  lap: Lap,
): Promise<Staged> {
  const planning = await preparePlanning(
    w,
    {
      modelsDir: cfg.modelsDir,
      asOf: cfg.asOf,
      lookbackDays: policy.contact.lookback_days,
      ...(cfg.loanIds ? { loanIds: cfg.loanIds } : {}),
      // The reason codes run in a worker thread beside the planning (on a second core) and are awaited just
      // before the follow-ups are written out.
      reasons: 'aside',
    },
    log,
  );
  // Whatever ends the planning — a failure, a stop at any check point, or its end — frees the slot scorer and ends
  // the reason-code worker, which would otherwise keep the process alive until its last chunk.
  try {
    const { scored, loans, stateRow, skipped, contactPriors, hangFallback } = planning;
    const hangVersion = planning.models.hangup;
    lap('recommend: planner view built', { loans: loans.length, skipped: skipped.length });
    // What the features' and the view's queries left cached goes before the facts' query, not on top of it.
    const cached = await w.dropCache();
    // On a connection outside the run's transaction, where its temp table is freed when dropped (as the features'
    // are: src/score/run.ts).
    const reader = await w.fork();
    const facts = await talkFacts(
      reader,
      loans.map((l) => l.loan_id),
      cfg.asOf,
      policy.contact.lookback_days,
    ).finally(() => reader.close());
    const talk = talker(policy, library, cfg.asOf);
    lap('recommend: script facts read', { loans: facts.length, cache_dropped_before: cached });
    // DuckDB's part is done until the scores are written: the blocks the facts' query cached (~0.5 GB at a
    // million loans) would stay resident through the planning, the run's largest JavaScript heap.
    lap("recommend: DuckDB's cache dropped", await w.dropCache());
    // Only now the reason codes' worker starts (its backend, model and first chunks): started before the facts'
    // query, its memory came on top of the query's, and the two shared the cores. At a million loans the facts now
    // take 10–13 s instead of 19–23 s and the codes are still ready as early (62–77 s after the view, against 67–85 s).
    scored.begin();
    const runId = `rec-${cfg.asOf}-${sha256(
      JSON.stringify([
        cfg.asOf,
        scored.version,
        hangVersion,
        policy.policy_version,
        library.version,
        cfg.shard ?? '',
        loans.length,
        scored.state.keys.loan_id,
      ]),
    ).slice(0, 10)}`;
    const segments = new PurposeColumns();
    lap('recommend: hang-up scorer ready', { factored: planning.factored });
    let result: Awaited<ReturnType<typeof planFollowUps>>;
    let reasons: string[][] = [];
    try {
      result = await planFollowUps({
        asOf: cfg.asOf,
        runId,
        loans,
        policy,
        modelVersions: { delinquency: scored.version, hangup: hangVersion },
        hangup: planning.hangup,
        ...(contactPriors ? { contactPriors } : {}),
        // Stored in the order the exports write (export/plan.ts), they read the run in place.
        order: 'export',
        beforeEmit: async () => {
          reasons = await scored.reasons;
          lap('recommend: reason codes ready', { worker_seconds: scored.seconds.reasons });
        },
        finish: (r, i) => {
          const why = reasons[stateRow[i]!] ?? [];
          // The model's own drivers make the risk figure explainable to the agent who calls.
          if (why.length) {
            r.reason_codes.push('RISK_DRIVERS');
            r.reasons.push(`main risk drivers: ${why.join('; ')}`);
          }
          if (scored.fallback) sayFallback(r, 'NO_DELINQUENCY_MODEL', scored.fallback);
          if (hangFallback) sayFallback(r, 'NO_HANGUP_MODEL', hangFallback, 'HANGUP_WINDOW');
          talk.annotate(r, loans[i]!, facts[i]);
        },
        // The next action moves a follow-up to check a promise or review a hardship (talk.annotate).
        moves: (i) => nextActionMoves(facts[i]?.last ?? null, policy),
        onRecommendation: (r) => {
          // Emission yields to the event loop now and then, so a SIGINT/SIGTERM is seen here within a second.
          throwIfInterrupted(w.signal, 'while writing out the plan; nothing of this run was written');
          sink.add(r);
          segments.add(r);
        },
      });
    } finally {
      sink.close();
    }
    lap('recommend: planned', { recommendations: sink.count, stats: result.stats });
    // A plan with no follow-up never asked for the reason codes: they must be done before `dispose` below ends
    // their worker, since the scores are written after this returns.
    await scored.reasons;
    return {
      writeScores: planning.scores,
      runId,
      models: { delinquency: scored.version, hangup: hangVersion },
      result: { stats: result.stats, overflow: result.overflow },
      segments,
      skipped,
      talk: talk.stats,
    };
  } finally {
    planning.dispose();
  }
}
