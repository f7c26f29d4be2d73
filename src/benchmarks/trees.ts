/**
 * The tree reference of a benchmark, measured in the same run on the same rows and features: XGBoost (hist,
 * 300 trees, depth 4, learning rate 0.05) through scripts/tree_reference.py when a python3 with xgboost is
 * importable (Debian: python3-xgboost), never a constant and never a runtime dependency.
 *
 *   FeatureTable + masks ─► DuckDB table (y, split, numeric columns as they are, categoricals one-hot on the
 *   training levels) ─► COPY … TO frame.csv ─► python3 tree_reference.py ─► pred.f64 ─► evaluateBinary on the
 *   test rows (the same metric code as the network's figures)
 *
 * The trees fit on the training rows only; validation rows are never in the test figure. OpenMP runs with
 * OMP_WAIT_POLICY=PASSIVE: on a shared machine its spinning threads otherwise inflate XGBoost's time several-fold.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../core/log.ts';
import { silentLogger } from '../core/log.ts';
import { evaluateBinary } from '../evaluate/evaluate.ts';
import type { FeatureTable } from '../features/types.ts';
import { ident, literal, openWarehouse } from '../warehouse/db.ts';

export const TREE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../scripts/tree_reference.py');

/** XGBoost settings of the reference (those of issue 15's figures). */
export const TREE_PARAMS = { n_estimators: 300, max_depth: 4, learning_rate: 0.05 } as const;

/** A measured reference. */
/** Test metrics (AUC, Gini, KS, Brier, ECE, log loss) by the same code as the network's. */
type Metrics = ReturnType<typeof evaluateBinary>['metrics'];

export interface TreesMeasured extends Metrics {
  measured: true;
  /** e.g. `xgboost 1.7.4`. */
  library: string;
  params: typeof TREE_PARAMS & { threads: number; seed: number };
  /** OpenMP environment the fit ran with. */
  env: { OMP_WAIT_POLICY: 'PASSIVE'; OMP_NUM_THREADS: string };
  /** Python interpreter used. */
  python: string;
  rows: { train: number; test: number };
  /** Input columns the trees saw (numeric as they are, one-hot categoricals). */
  inputs: number;
  /** Seconds of the fit alone, measured in Python. */
  trainSeconds: number;
  scoreRowsPerSecond: number | null;
}

/** No reference in this run, and why. */
export interface TreesNotMeasured {
  measured: false;
  reason: string;
}

export type TreeReference = TreesMeasured | TreesNotMeasured;

export interface TreeOptions {
  /** XGBoost threads (n_jobs and OMP_NUM_THREADS). Default 2. */
  threads?: number;
  seed?: number;
  /** Interpreter; default: FOLLOWUP_PYTHON, else the first of python3, /usr/bin/python3 that imports xgboost. */
  python?: string;
  log?: Logger;
}

/** The first interpreter that imports xgboost and numpy, or the reason none does. */
export function findPython(explicit?: string): { python: string } | { reason: string } {
  const candidates = explicit
    ? [explicit]
    : [process.env.FOLLOWUP_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  const tried: string[] = [];
  for (const py of [...new Set(candidates)]) {
    const r = spawnSync(py, ['-c', 'import xgboost, numpy'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py };
    tried.push(
      `${py}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`,
    );
  }
  return {
    reason: `the tree reference was not measured: no python3 with xgboost (${tried.join('; ')}); install Debian's python3-xgboost to measure it`,
  };
}

/** Trains and evaluates the reference on `split` (test rows only in the figure); see the module comment. */
export async function treeReference(
  table: FeatureTable,
  y: ArrayLike<number>,
  split: { train: Uint8Array; valid: Uint8Array; test: Uint8Array },
  opts: TreeOptions = {},
): Promise<TreeReference> {
  const log = opts.log ?? silentLogger;
  const found = findPython(opts.python);
  if ('reason' in found) {
    log.warn(found.reason);
    return { measured: false, reason: found.reason };
  }
  const threads = opts.threads ?? 2;
  const params = { ...TREE_PARAMS, threads, seed: opts.seed ?? 42 };
  const dir = await mkdtemp(join(tmpdir(), 'followup-trees-'));
  try {
    const frame = join(dir, 'frame.csv');
    const rows = await writeFrame(table, y, split, frame);
    await writeFile(join(dir, 'params.json'), JSON.stringify(params));
    const env = { OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: String(threads) } as const;
    const r = spawnSync(found.python, [TREE_SCRIPT, frame, join(dir, 'params.json'), join(dir, 'pred.f64')], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) {
      const reason = `the tree reference was not measured: ${found.python} ${TREE_SCRIPT} exited ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().slice(-400)}`;
      log.warn(reason);
      return { measured: false, reason };
    }
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      library: string;
      fitSeconds: number;
      scoreRowsPerSecond: number | null;
      trainRows: number;
    };
    const buf = await readFile(join(dir, 'pred.f64'));
    const p = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    // Frame rows are the table's rows in order (rows.index maps back), so the test mask selects the same rows.
    const yy = Float64Array.from(rows.index, (i) => y[i]!);
    const test = Uint8Array.from(rows.index, (i) => split.test[i]!);
    const metrics = evaluateBinary(yy, p, test).metrics;
    log.info('tree reference', { library: out.library, threads, auc: metrics.auc, brier: metrics.brier });
    return {
      measured: true,
      ...metrics,
      library: out.library,
      params,
      env,
      python: found.python,
      rows: { train: out.trainRows, test: rows.test },
      inputs: rows.inputs,
      trainSeconds: out.fitSeconds,
      scoreRowsPerSecond: out.scoreRowsPerSecond,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the frame through DuckDB: y, split (0 train, 1 valid, 2 test), the numeric features as they are (NaN
 * → nan), and one 0/1 column per categorical level seen in the training rows (unseen levels are all zeros).
 */
async function writeFrame(
  table: FeatureTable,
  y: ArrayLike<number>,
  split: { train: Uint8Array; valid: Uint8Array; test: Uint8Array },
  path: string,
): Promise<{ index: Int32Array; test: number; inputs: number }> {
  const index: number[] = [];
  for (let i = 0; i < table.n; i++) if (split.train[i] || split.valid[i] || split.test[i]) index.push(i);
  const numeric = Object.entries(table.numeric);
  const onehot: { name: string; col: (string | null)[]; level: string }[] = [];
  for (const [name, col] of Object.entries(table.categorical)) {
    const levels = new Set<string>();
    for (let i = 0; i < table.n; i++) if (split.train[i] && col[i] != null) levels.add(col[i]!);
    for (const level of [...levels].sort()) onehot.push({ name: `${name}=${level}`, col, level });
  }
  const cols = [...numeric.map(([n]) => n), ...onehot.map((o) => o.name)];
  const w = await openWarehouse(':memory:', { threads: 1 });
  try {
    await w.run(
      `CREATE TABLE frame (y DOUBLE, split TINYINT, ${cols.map((c) => `${ident(c)} DOUBLE`).join(', ')})`,
    );
    const app = await w.conn.createAppender('frame');
    let test = 0;
    try {
      for (const i of index) {
        app.appendDouble(Number(y[i]));
        const s = split.train[i] ? 0 : split.valid[i] ? 1 : 2;
        if (s === 2) test++;
        app.appendTinyInt(s);
        for (const [, col] of numeric) {
          const v = col[i]!;
          if (Number.isFinite(v)) app.appendDouble(v);
          else app.appendNull();
        }
        for (const o of onehot) app.appendDouble(o.col[i] === o.level ? 1 : 0);
        app.endRow();
      }
    } finally {
      app.closeSync();
    }
    await w.run(`COPY frame TO ${literal(path)} (FORMAT csv, HEADER true, NULLSTR 'nan')`);
    return { index: Int32Array.from(index), test, inputs: cols.length };
  } finally {
    w.close();
  }
}
