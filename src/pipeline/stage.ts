/**
 * A stage: a named step with validated parameters that declares what it reads and writes (tables of the
 * warehouse, files under the work directory), so a reader sees the data path without running it.
 */
import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { Warehouse } from '../warehouse/db.ts';

export interface StageContext {
  /** Open warehouse shared by the run's stages (DuckDB allows one writer process per file). */
  w: Warehouse;
  /** Work directory for outputs (models, exports, report). */
  workdir: string;
  runId: string;
  log: Logger;
  clock: Clock;
  /** Results of earlier steps of the same run, by step id. */
  previous: Record<string, StageResult>;
  /** Progress callback: `done` of `total` units of `what`. */
  progress: (what: string, done: number, total: number) => void;
}

export interface StageResult {
  /** JSON-serializable summary shown in the run record and the final summary. */
  summary: Record<string, unknown>;
  /** Files written (paths), recorded in the run ledger. */
  outputs?: string[];
  /** sha256 of the inputs this stage read (files or table fingerprints), recorded for reproducibility. */
  inputHash?: string;
  /** Set by monitor-like stages: later `when: drift` steps run only if true. */
  drift?: boolean;
  /** Ids this step produced, by the names its stage declares in `produces`; later steps of the same run refer to
   * them as `${steps.<step id>.<name>}` (e.g. the recommendations run an export step must export). */
  produced?: Record<string, string>;
}

export interface StageDef<P = unknown> {
  name: string;
  doc: string;
  /** Tables or paths read, e.g. `table:loans`, `file:${input}`. */
  reads: string[];
  /** Tables or paths written. */
  writes: string[];
  /** Names of the ids a run of this stage hands to later steps (`StageResult.produced`). Default none. */
  produces?: string[];
  params: z.ZodType<P>;
  /**
   * Creates the tables the stage writes, when missing, each committed on its own. The runner calls it, for one
   * step at a time, at the start of a run for every step that may run beside another (`needs`): two transactions
   * that create the same table fail ("Catalog write-write conflict"), and a stage creates its tables inside its
   * transaction (so that, run alone, a stopped first run leaves no empty table).
   */
  prepare?(w: Warehouse): Promise<void>;
  run(ctx: StageContext, params: P): Promise<StageResult>;
}

export function defineStage<P>(def: StageDef<P>): StageDef<P> {
  return def;
}
