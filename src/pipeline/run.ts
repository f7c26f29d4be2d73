/**
 * Runs a declarative pipeline:
 *
 *   check steps ─► lock warehouse ─► open ─► record run ─► schedule: each step once its needs are done (default:
 *                                                          the step before it; steps whose needs are done run side
 *                                                          by side) ─► interpolate params and earlier steps'
 *                                                          outputs ─► validate ─► run on its own connection
 *                                                          ─► record step     └─ failure: record; no new step starts;
 *                                                                                 rethrow the first in file order
 *
 * Steps hand ids to each other explicitly: a step's `with` names what an earlier step produced, e.g. an export's
 * `run: '${steps.recommend.run_id}'`, so it acts on that step's output and never on "the latest" in the warehouse.
 *
 * Stages are idempotent and deterministic (same inputs → same model versions, run ids of recommendations, export
 * ledger entries), so a run killed at any step is simply run again and ends with the same outputs.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { BadInputError, FollowupError, UsageError } from '../core/errors.ts';
import { stableStringify } from '../core/hash.ts';
import { throwIfInterrupted } from '../core/interrupt.ts';
import type { Logger } from '../core/log.ts';
import { didYouMean } from '../core/suggest.ts';
import { openWarehouse } from '../warehouse/db.ts';
import { ensureLedger } from './ledger.ts';
import { lockWarehouse } from './lock.ts';
import {
  interpolate,
  type PipelineSpec,
  type StageStep,
  type StepOutputs,
  stepRefs,
  waitsFor,
} from './spec.ts';
import type { StageDef, StageResult } from './stage.ts';

export interface RunOptions {
  /** Work directory; the warehouse defaults to `<workdir>/warehouse.duckdb`. */
  workdir: string;
  warehouse?: string;
  /** `--set name=value` overrides of pipeline params. */
  set?: Record<string, string>;
  log: Logger;
  clock: Clock;
  stages: Record<string, StageDef<unknown>>;
  waitLockSeconds?: number;
  progress?: (step: string, what: string, done: number, total: number) => void;
}

export interface RunRecord {
  runId: string;
  pipeline: string;
  warehouse: string;
  workdir: string;
  steps: {
    id: string;
    stage: string;
    seconds: number;
    outcome: 'ok' | 'skipped';
    summary: Record<string, unknown>;
  }[];
  results: Record<string, StageResult>;
}

export async function runPipeline(spec: PipelineSpec, opts: RunOptions): Promise<RunRecord> {
  const workdir = resolve(opts.workdir);
  await mkdir(workdir, { recursive: true });
  const warehouse = resolve(opts.warehouse ?? `${workdir}/warehouse.duckdb`);
  // A mistyped --set would silently run with the default (a typo once re-trained for minutes): refuse it.
  const known = ['allow_mass_cancel', ...Object.keys(spec.params), 'workdir', 'warehouse', 'today'];
  for (const k of Object.keys(opts.set ?? {}))
    if (!known.includes(k))
      throw new UsageError(`--set ${k}: pipeline ${spec.name} has no param "${k}"${didYouMean(k, known)}`, {
        hint: `params of ${spec.name}: ${[...new Set(known)].join(', ')}`,
      });
  const params: Record<string, string | number | boolean> = {
    // `followup run --allow-mass-cancel` sets it; export steps pass it on as `allow_mass_cancel`.
    allow_mass_cancel: false,
    ...spec.params,
    workdir,
    warehouse,
    // The run's date from the injected clock, so a daily pipeline can default its as-of date to `${today}`.
    today: opts.clock.now().toISOString().slice(0, 10),
    ...(opts.set ?? {}),
  };
  // Param defaults may refer to the built-ins (`as_of: '${today}'`, `models: '${workdir}/models'`); one pass.
  for (const [k, v] of Object.entries(params))
    if (typeof v === 'string' && v.includes('${'))
      params[k] = interpolate(v, params, `params.${k}`) as string;
  for (const step of spec.stages) {
    if (!opts.stages[step.uses]) {
      throw new BadInputError(`step "${step.id}" uses unknown stage "${step.uses}"`, {
        hint: `known stages: ${Object.keys(opts.stages).join(', ')}`,
      });
    }
  }
  checkStepRefs(spec, opts.stages);

  const release = await lockWarehouse(warehouse, { waitSeconds: opts.waitLockSeconds ?? 0 });
  const w = await openWarehouse(warehouse);
  const startedAt = opts.clock.now();
  const runId = `${spec.name}-${startedAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${process.pid}`;
  const record: RunRecord = { runId, pipeline: spec.name, warehouse, workdir, steps: [], results: {} };
  try {
    await ensureLedger(w);
    await w.run('INSERT INTO pipeline_runs VALUES ($1, $2, $3, $4::TIMESTAMPTZ, NULL, $5, NULL)', [
      runId,
      spec.name,
      stableStringify(params),
      startedAt.toISOString(),
      'running',
    ]);
    const outputs: StepOutputs = {};
    const upstream = waitsFor(spec);
    const order = new Map(spec.stages.map((s, i) => [s.id, i]));
    // Tables that steps side by side would both create are created first, one step at a time (StageDef.prepare).
    for (const step of besideOthers(spec.stages, upstream)) await opts.stages[step.uses]!.prepare?.(w);
    /** Steps that reported drift (monitor steps); a `when: drift` step looks among those it waits for. */
    const drifted = new Set<string>();
    const runStep = async (step: StageStep): Promise<void> => {
      const stage = opts.stages[step.uses]!;
      const t0 = opts.clock.now();
      const when = interpolate(step.when, params, `stages.${step.id}.when`);
      if (when !== 'always' && when !== 'drift')
        throw new BadInputError(
          `stages.${step.id}.when must be always or drift; got ${JSON.stringify(when)}`,
        );
      if (when === 'drift' && ![...upstream.get(step.id)!].some((id) => drifted.has(id))) {
        await recordStep(
          w,
          runId,
          step.id,
          stage.name,
          t0,
          t0,
          { summary: { skipped: 'no drift found' } },
          'skipped',
        );
        record.steps.push({
          id: step.id,
          stage: stage.name,
          seconds: 0,
          outcome: 'skipped',
          summary: { skipped: 'no drift found' },
        });
        opts.log.info(`step ${step.id}: skipped (no drift)`);
        return;
      }
      const raw = interpolate(step.with, params, `stages.${step.id}.with`, outputs);
      const parsed = stage.params.safeParse(raw);
      if (!parsed.success) {
        const problems = parsed.error.issues.map(
          (i) => `stages.${step.id}.with.${i.path.join('.')}: ${i.message}`,
        );
        throw new BadInputError(
          `invalid parameters for step "${step.id}" (${stage.name}):\n  ${problems.join('\n  ')}`,
        );
      }
      opts.log.info(`step ${step.id}: ${stage.name} started`, { reads: stage.reads, writes: stage.writes });
      const started = performance.now();
      // Each step on a connection of its own: steps that run at the same time each have their transaction, and
      // the ledger's rows (on `w`) never land in a step's.
      const own = await w.fork();
      try {
        const result = await stage.run(
          {
            w: own,
            workdir,
            runId,
            log: opts.log,
            clock: opts.clock,
            previous: record.results,
            progress: (what, done, total) => opts.progress?.(step.id, what, done, total),
          },
          parsed.data,
        );
        const seconds = (performance.now() - started) / 1000;
        record.results[step.id] = result;
        outputs[step.id] = result.produced ?? {};
        if (result.drift) drifted.add(step.id);
        record.steps.push({
          id: step.id,
          stage: stage.name,
          seconds,
          outcome: 'ok',
          summary: result.summary,
        });
        await recordStep(w, runId, step.id, stage.name, t0, opts.clock.now(), result, 'ok', seconds);
        opts.log.info(`step ${step.id}: done in ${seconds.toFixed(1)} s`, { step: step.id, seconds });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        await recordStep(
          w,
          runId,
          step.id,
          stage.name,
          t0,
          opts.clock.now(),
          { summary: {} },
          'failed',
          undefined,
          msg,
        ).catch(() => {});
        throw e;
      } finally {
        own.close();
      }
    };
    await schedule(spec.stages, upstream, runStep, w.signal);
    record.steps.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    await w.run("UPDATE pipeline_runs SET finished_at = $1::TIMESTAMPTZ, outcome = 'ok' WHERE run_id = $2", [
      opts.clock.now().toISOString(),
      runId,
    ]);
    return record;
  } catch (e) {
    const msg = e instanceof FollowupError || e instanceof Error ? e.message : String(e);
    await w
      .run(
        "UPDATE pipeline_runs SET finished_at = $1::TIMESTAMPTZ, outcome = 'failed', error = $2 WHERE run_id = $3",
        [opts.clock.now().toISOString(), msg, runId],
      )
      .catch(() => {});
    throw e;
  } finally {
    w.close();
    await release();
  }
}

/** The steps that may run at the same time as another: neither waits for the other, directly or through others. */
function besideOthers(steps: readonly StageStep[], upstream: Map<string, Set<string>>): StageStep[] {
  return steps.filter((a) =>
    steps.some((b) => b !== a && !upstream.get(a.id)!.has(b.id) && !upstream.get(b.id)!.has(a.id)),
  );
}

/**
 * Starts every step whose needs are done, in file order; waits for one to end; again. After a failure (or a stop
 * request) no further step starts, the running ones end as they would (each commits or rolls back its own
 * transaction), and this throws the error of the first failed step in file order — the same error whichever
 * step failed first.
 */
async function schedule(
  steps: readonly StageStep[],
  upstream: Map<string, Set<string>>,
  run: (step: StageStep) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const failures = new Map<string, unknown>();
  let waiting = [...steps];
  while (waiting.length > 0 || running.size > 0) {
    if (failures.size === 0 && !signal?.aborted) {
      const ready = waiting.filter((s) => [...upstream.get(s.id)!].every((id) => done.has(id)));
      waiting = waiting.filter((s) => !ready.includes(s));
      for (const step of ready)
        running.set(
          step.id,
          run(step).then(
            () => {
              done.add(step.id);
            },
            (e: unknown) => {
              failures.set(step.id, e);
            },
          ),
        );
    }
    if (running.size === 0) break;
    const ended = await Promise.race([...running].map(([id, p]) => p.then(() => id)));
    running.delete(ended);
  }
  const failed = steps.find((s) => failures.has(s.id));
  if (failed) throw failures.get(failed.id);
  // Asked to stop (SIGINT/SIGTERM) between steps: the steps done stay done, the next ones never started; the run
  // is recorded as failed by the caller. A step stopped midway rolled its own transaction back.
  const next = waiting[0];
  if (next)
    throwIfInterrupted(
      signal,
      `before step ${next.id}; the steps before it are done, a re-run does the rest`,
    );
}

/** Every `${steps.<id>.<name>}` names an earlier step whose stage declares `name` in `produces`. */
function checkStepRefs(spec: PipelineSpec, stages: Record<string, StageDef<unknown>>): void {
  const before = new Map<string, StageDef<unknown>>();
  for (const step of spec.stages) {
    for (const [id, name] of stepRefs(step.with)) {
      const stage = before.get(id);
      if (!stage)
        throw new BadInputError(
          `stages.${step.id}.with refers to \${steps.${id}.${name}}, but no earlier step has id "${id}"`,
          { hint: `earlier steps: ${[...before.keys()].join(', ') || '(none)'}` },
        );
      if (!(stage.produces ?? []).includes(name))
        throw new BadInputError(
          `stages.${step.id}.with refers to \${steps.${id}.${name}}, but stage "${stage.name}" produces no "${name}"`,
          { hint: `it produces: ${(stage.produces ?? []).join(', ') || '(nothing)'}` },
        );
    }
    before.set(step.id, stages[step.uses]!);
  }
}

async function recordStep(
  w: import('../warehouse/db.ts').Warehouse,
  runId: string,
  stepId: string,
  stage: string,
  t0: Date,
  t1: Date,
  result: StageResult,
  outcome: 'ok' | 'failed' | 'skipped',
  seconds?: number,
  error?: string,
): Promise<void> {
  await w.run(
    `INSERT OR REPLACE INTO pipeline_steps VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $5::TIMESTAMPTZ, $6, $7, $8, $9, $10, $11)`,
    [
      runId,
      stepId,
      stage,
      t0.toISOString(),
      t1.toISOString(),
      seconds ?? null,
      result.inputHash ?? null,
      JSON.stringify(result.outputs ?? []),
      JSON.stringify(result.summary, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
      outcome,
      error ?? null,
    ],
  );
}
