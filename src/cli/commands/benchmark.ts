/**
 * `followup benchmark <taiwan|bank-marketing>`: trains the network and the logistic baseline on a public dataset
 * and prints test AUC, KS, Brier, ECE, training seconds and the backend, beside XGBoost trained in the same run
 * on the same rows when python3 with xgboost is importable (src/benchmarks/trees.ts), else "not measured". Exit 0 even below the floors; the
 * summary's `pass` says whether the network met them.
 */

import type { Command } from 'commander';
import { BENCHMARKS, type BenchmarkName, runBenchmark } from '../../benchmarks/run.ts';
import { DEFAULT_SEED } from '../../core/defaults.ts';
import { UsageError } from '../../core/errors.ts';
import { makeContext, printSummary } from '../context.ts';

interface Flags {
  seed: string;
  baseline: boolean;
  trees: boolean;
  treeThreads: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('benchmark')
    .description('Train and evaluate the models on a public dataset (taiwan | bank-marketing)')
    .argument('<dataset>', `one of: ${Object.keys(BENCHMARKS).join(', ')}`)
    .option('--seed <n>', 'seed of the validation split and training', String(DEFAULT_SEED))
    .option('--no-baseline', 'skip the logistic-regression baseline')
    .option('--no-trees', 'skip the XGBoost reference')
    .option('--tree-threads <n>', 'threads of the XGBoost reference', '2')
    .option('--json', 'machine-readable summary on stdout')
    .action(async (dataset: string, o: Flags) => {
      const ctx = makeContext(o);
      if (!(dataset in BENCHMARKS))
        throw new UsageError(
          `unknown benchmark ${JSON.stringify(dataset)}; expected one of ${Object.keys(BENCHMARKS).join(', ')}`,
        );
      const seed = Number(o.seed);
      if (!Number.isInteger(seed))
        throw new UsageError(`--seed must be an integer; got ${JSON.stringify(o.seed)}`);
      const treeThreads = Number(o.treeThreads);
      if (!(Number.isInteger(treeThreads) && treeThreads >= 1))
        throw new UsageError(
          `--tree-threads must be a positive integer; got ${JSON.stringify(o.treeThreads)}`,
        );
      const r = await runBenchmark(dataset as BenchmarkName, {
        seed,
        skipBaseline: !o.baseline,
        trees: o.trees,
        treeThreads,
        log: ctx.log,
      });
      const line = (name: string, a: typeof r.network | null) =>
        a
          ? `${name.padEnd(9)} AUC ${a.auc.toFixed(4)}  KS ${a.ks.toFixed(4)}  Brier ${a.brier.toFixed(4)}  ECE ${a.ece.toFixed(4)}  train ${a.trainSeconds.toFixed(1)} s`
          : `${name.padEnd(9)} skipped`;
      printSummary(ctx, o.json, r, () =>
        [
          `${r.dataset} (${r.split}; ${r.rows.train} train / ${r.rows.valid} valid / ${r.rows.test} test rows) on ${r.backend}`,
          line('network', r.network),
          line('logistic', r.baseline),
          r.trees.measured
            ? `${'trees'.padEnd(9)} AUC ${r.trees.auc.toFixed(4)}  KS ${r.trees.ks.toFixed(4)}  Brier ${r.trees.brier.toFixed(4)}  ECE ${r.trees.ece.toFixed(4)}  train ${r.trees.trainSeconds.toFixed(1)} s (${r.trees.library}, ${r.trees.params.threads} threads, OMP_WAIT_POLICY=PASSIVE, same training rows)`
            : `trees     ${r.trees.reason}`,
          `floors: AUC ≥ ${r.floors.auc}, Brier ≤ ${r.floors.brier} → ${r.pass ? 'pass' : 'FAIL'}`,
          `data: ${r.source}`,
        ].join('\n'),
      );
    });
}
