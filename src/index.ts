/**
 * followup's public API, for notebooks and other programs; the CLI (src/cli) is a thin layer over the same calls.
 * test/index.test.ts lists every exported name, so growing or shrinking this surface is a visible decision.
 *
 *   sources ─ingest─► warehouse ─features─► models (train/score) ─recommend─► recommendations ─► export · report
 *
 * Two kinds of names: one namespace per library area (`F.recommend.planFollowUps`, `F.evaluate.auc`), and the
 * entry points of the stages and the warehouse, flat (`F.runTrain`, `F.preparePlanning`, `F.openWarehouse`).
 */

// Library areas.
export * as backtest from './backtest/index.ts';
export * as contract from './contract/index.ts';
// Clock, logging and the typed errors every call throws.
export { type Clock, fixedClock, systemClock } from './core/clock.ts';
export {
  BadInputError,
  BusyError,
  FollowupError,
  InsufficientDataError,
  InterruptedError,
  MassCancelError,
  MismatchError,
  PartialError,
  type Place,
  StaleDataError,
  UsageError,
} from './core/errors.ts';
export { createLogger, type Logger, memoryLogger, silentLogger } from './core/log.ts';
export * as evaluate from './evaluate/index.ts';
export * as exporters from './export/index.ts';
export * as features from './features/index.ts';
export * as generate from './generate/index.ts';
export * as ingest from './ingest/index.ts';
export * as lifecycle from './lifecycle/index.ts';
export * as models from './models/index.ts';
export { runPipeline } from './pipeline/run.ts';
export { loadPipeline } from './pipeline/spec.ts';
export { STAGES } from './pipeline/stages/index.ts';
export * as recommend from './recommend/index.ts';
export { type Planning, type PlanningConfig, preparePlanning } from './recommend/io/planning.ts';
export { type RecommendConfig, runRecommend } from './recommend/run.ts';
export * as report from './report/index.ts';
export { type ScoreConfig, type Scored, scoreLoans } from './score/run.ts';
export * as scripts from './scripts/index.ts';
// Stages, in pipeline order.
export { runTrain, type TrainConfig } from './train/run.ts';
// The warehouse.
export { openWarehouse, type Warehouse, withWarehouse } from './warehouse/db.ts';
export { ensureContractTables } from './warehouse/schema.ts';
