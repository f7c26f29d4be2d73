/** Public benchmarks (Taiwan credit default, Bank Marketing): adapters to FeatureTables and the runner. */
export { loadBank } from './bank.ts';
export { readCsv } from './read.ts';
export {
  type ArmResult,
  BENCHMARKS,
  type BenchmarkName,
  type BenchmarkOptions,
  type BenchmarkResult,
  runBenchmark,
} from './run.ts';
export { type BenchmarkData, loadTaiwan } from './taiwan.ts';
