/**
 * The synthetic lending world: `runGenerate` writes it; `trueMonthlyHazard` and `trueHangupProbability` are
 * its ground truth, for the backtest to ask what would really have happened.
 */
export type { GenerateConfig } from './config.ts';
export { GenerateConfigSchema, resolveConfig } from './config.ts';
export { DEFAULT_PARAMS, GRADE_RANK } from './defaults.ts';
export type { Downturn, MarketPaths } from './market.ts';
export { buildMarket, hpiChange6m, unemploymentGap } from './market.ts';
export type { CreditGrade, GeneratorParams, HangupParams, HazardParams, LoanType } from './params.ts';
export { Rng } from './rng.ts';
export { GENERATOR_VERSION, type GenerateResult, runGenerate } from './run.ts';
export {
  type HangupContext,
  type HazardContext,
  hangupLogit,
  hazardLogit,
  trueHangupProbability,
  trueMonthlyHazard,
} from './truth.ts';
