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
export * as generate from './generate/index.ts';
export * as ingest from './ingest/index.ts';
export * as lifecycle from './lifecycle/index.ts';
export * as models from './models/index.ts';
export { plannerLoans } from './ops/planner-loans.ts';
export { type RecommendConfig, runRecommend } from './ops/recommend.ts';
export { type ScoreConfig, scoreLoans } from './ops/score.ts';
export { sliceTable, slotBatchTable } from './ops/slot-table.ts';
export { runTrain, type TrainConfig } from './ops/train.ts';
export { runPipeline } from './pipeline/run.ts';
export { loadPipeline } from './pipeline/spec.ts';
export { STAGES } from './pipeline/stages/index.ts';
export * as recommend from './recommend/index.ts';
export * as report from './report/index.ts';
export * as scripts from './scripts/index.ts';
export { openWarehouse, type Warehouse, withWarehouse } from './warehouse/db.ts';
export { ensureContractTables } from './warehouse/schema.ts';
