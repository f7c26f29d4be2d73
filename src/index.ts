/**
 * followup's public API, for notebooks and other programs. The CLI (src/cli) is a thin layer over the same calls.
 *
 *   sources ─ingest─► warehouse ─features─► models (train/score) ─recommend─► recommendations ─► export · report
 */

export * as backtest from './backtest/index.ts';
export { contractMarkdown } from './contract/docs.ts';
export * as contract from './contract/index.ts';
export { type Clock, fixedClock, systemClock } from './core/clock.ts';
export * from './core/errors.ts';
export { createLogger, type Logger, memoryLogger, silentLogger } from './core/log.ts';
export * as evaluate from './evaluate/index.ts';
export * as exporters from './export/index.ts';
export * as features from './features/index.ts';
export { sliceTable } from './features/slice.ts';
export * as generate from './generate/index.ts';
export * as ingest from './ingest/index.ts';
export * as lifecycle from './lifecycle/index.ts';
export * as models from './models/index.ts';
export { runPipeline } from './pipeline/run.ts';
export { loadPipeline } from './pipeline/spec.ts';
export { STAGES } from './pipeline/stages/index.ts';
export * as recommend from './recommend/index.ts';
export { plannerLoans } from './recommend/io/planner-loans.ts';
export { slotBatchTable } from './recommend/io/slot-scorer.ts';
export { type RecommendConfig, runRecommend } from './recommend/run.ts';
export * as report from './report/index.ts';
export { type ScoreConfig, scoreLoans } from './score/run.ts';
export * as scripts from './scripts/index.ts';
export { runTrain, type TrainConfig } from './train/run.ts';
export { openWarehouse, type Warehouse, withWarehouse } from './warehouse/db.ts';
export { ensureContractTables } from './warehouse/schema.ts';
