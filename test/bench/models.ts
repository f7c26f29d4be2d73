/**
 * bench:models — training seconds and scoring throughput of the hang-up network at 1,000,000 synthetic feature
 * rows, beside XGBoost (hist, 2 threads, OMP_WAIT_POLICY=PASSIVE, 300 trees, depth 4) fitted in the same run on
 * the same training rows and features when a python3 with xgboost is importable (Debian's python3-xgboost); both
 * test AUCs on the test rows only. Prints figures; asserts nothing (timings are never test assertions).
 *
 *   npm run bench:models                 # 1,000,000 rows
 *   BENCH_ROWS=200000 npm run bench:models
 */
import { treeReference } from '../../src/benchmarks/trees.ts';
import { createLogger } from '../../src/core/log.ts';
import { mulberry32 } from '../../src/core/prng.ts';
import { auc } from '../../src/evaluate/auc.ts';
import { makeManifest } from '../../src/features/manifest.ts';
import type { FeatureSpec, FeatureTable } from '../../src/features/types.ts';
import { predictHangup, trainHangupModel } from '../../src/models/hangup.ts';

const N = Number(process.env.BENCH_ROWS ?? 1_000_000);
const NUM = 20;
const log = createLogger({ json: false });

/** Synthetic attempts: 20 numeric features, hour and channel; a non-linear true logit with interactions. */
function synthetic(n: number): { table: FeatureTable; y: Uint8Array } {
  const r = mulberry32(2026);
  const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const specs: FeatureSpec[] = [];
  const numeric: Record<string, Float64Array> = {};
  for (let j = 0; j < NUM; j++) {
    specs.push({ name: `f${j}`, type: 'numeric', family: 'bench', phrase: `f${j} {v}` });
    numeric[`f${j}`] = Float64Array.from({ length: n }, () => (r() < 0.02 ? Number.NaN : g()));
  }
  const channels = ['call', 'sms', 'email', 'app'];
  const hour = Array.from({ length: n }, () => String(8 + Math.floor(r() * 13)));
  const channel = Array.from({ length: n }, () => channels[Math.floor(r() * 4)] as string);
  specs.push({ name: 'hour', type: 'categorical', family: 'context', phrase: 'called at {v}h' });
  specs.push({ name: 'channel', type: 'categorical', family: 'contact', phrase: 'by {v}' });
  const v = (j: number, i: number) => {
    const x = (numeric[`f${j}`] as Float64Array)[i] as number;
    return Number.isNaN(x) ? 0 : x;
  };
  const y = Uint8Array.from({ length: n }, (_, i) => {
    const z =
      -1.6 +
      0.8 * v(0, i) -
      0.6 * v(1, i) +
      0.5 * v(2, i) * v(3, i) +
      0.7 * Math.tanh(2 * v(4, i)) +
      0.4 * Math.abs(v(5, i)) +
      (Number(hour[i]) >= 18 ? 0.5 : 0) +
      (channel[i] === 'sms' ? -0.4 : 0) +
      0.3 * v(6, i) * (channel[i] === 'call' ? 1 : -1);
    return r() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  });
  const table: FeatureTable = {
    manifest: makeManifest(specs, 'bench-1'),
    n,
    keys: { loan_id: Array.from({ length: n }, (_, i) => String(i)) },
    numeric,
    categorical: { hour, channel },
  };
  return { table, y };
}

const t0 = performance.now();
const { table, y } = synthetic(N);
log.info('generated', { rows: N, seconds: (performance.now() - t0) / 1000 });
// 80 % train, 10 % valid, 10 % test (every 10th row), so both learners see the same test rows.
const test = Uint8Array.from({ length: N }, (_, i) => (i % 10 === 0 ? 1 : 0));
const valid = Uint8Array.from({ length: N }, (_, i) => (i % 10 === 1 ? 1 : 0));
const train = Uint8Array.from({ length: N }, (_, i) => (i % 10 >= 2 ? 1 : 0));
const model = await trainHangupModel(
  table,
  y,
  { train, valid, test },
  {
    hidden: [64, 32],
    batchSize: 4096,
    lr: 0.003,
    epochs: Number(process.env.BENCH_EPOCHS ?? 4),
    patience: 2,
    log,
  },
);
const s0 = performance.now();
const p = predictHangup(model, table);
const scoreSeconds = (performance.now() - s0) / 1000;
const pick = (a: ArrayLike<number>) => Array.from({ length: N / 10 }, (_, k) => a[k * 10] as number);
const tfjs = {
  backend: model.training.backend,
  rows: N,
  inputs: model.preprocess.width,
  trainSeconds: model.training.seconds,
  epochs: model.training.epochs[0],
  scoreSeconds,
  scoreRowsPerSecond: N / scoreSeconds,
  testAuc: auc(pick(y), pick(p)),
};
log.info('tfjs', tfjs);

// XGBoost on the same rows and features (src/benchmarks/trees.ts: the feature table through DuckDB to CSV, fit on
// the training rows only, 2 threads, OMP_WAIT_POLICY=PASSIVE; validation rows are never in its test figure), or
// "not measured" when no python3 with xgboost is importable.
const xgboost = await treeReference(table, y, { train, valid, test }, { threads: 2, log });
log.info('xgboost', { ...xgboost });
const x = xgboost.measured ? xgboost : undefined;
const summary = {
  tfjs,
  xgboost,
  trainRatio: x ? tfjs.trainSeconds / x.trainSeconds : null,
  aucDifference: x ? tfjs.testAuc - x.auc : null,
  targets: { trainRatioMax: 3, scoreRowsPerSecondMin: 200_000 },
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
