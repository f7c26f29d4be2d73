/**
 * Examples shown at the end of every command's `--help`, keyed by command path. A test walks the program and fails
 * when a command has none. With a followup.config.yaml (written by `npm start`) the --warehouse and --models flags
 * below may be left out.
 */
export const EXAMPLES: Record<string, string[]> = {
  ingest: [
    'followup ingest --warehouse w.duckdb data/incoming/',
    'followup ingest --warehouse w.duckdb --mapping lender.yaml --encoding gbk 贷款台账.csv',
  ],
  rejects: [
    'followup rejects --warehouse w.duckdb',
    'followup rejects --warehouse w.duckdb --batch B000002-20260106T060000Z-1a2b3c4d --limit 20 --json',
  ],
  export: [
    'followup export --warehouse w.duckdb --format csv --out exports/dialer.csv --since-last',
    'followup export --warehouse w.duckdb --format csv --template genesys-cloud --out exports/genesys.csv',
    'followup export --warehouse w.duckdb --format ics --out exports/followups.ics',
    'FOLLOWUP_WEBHOOK_TOKEN=… followup export --warehouse w.duckdb --format webhook --url https://dialer.example/hooks',
  ],
  generate: ['followup generate --borrowers 5000 --months 36 --seed 11 --out worlds/w5k --gzip'],
  features: ['followup features --warehouse w.duckdb --as-of 2025-06-30,2025-12-31'],
  report: ['followup report --warehouse w.duckdb --out report/ --lang zh-CN'],
  benchmark: ['followup benchmark taiwan --json'],
  train: [
    'followup train --warehouse w.duckdb --models models/',
    'followup train --warehouse w.duckdb --models models/ --only hangup --epochs 20',
  ],
  score: ['followup score --warehouse w.duckdb --models models/ --as-of 2025-12-31'],
  recommend: [
    'followup recommend --warehouse w.duckdb --models models/ --as-of 2025-12-31',
    'followup recommend --warehouse w.duckdb --as-of 2025-12-31 --shard 2/8 --json',
    'followup recommend --warehouse w.duckdb --as-of 2025-12-31 --scripts lender-scripts.yaml',
  ],
  run: [
    'followup run demo --workdir .work/demo',
    'followup run daily-score --workdir /srv/followup --set input=/srv/followup/incoming --wait-lock 1800',
    'followup run --list-stages',
  ],
  evaluate: ['followup evaluate --warehouse worlds/w5k/backtest.duckdb --truth worlds/w5k/truth'],
  warehouse: ['followup warehouse export-parquet --warehouse w.duckdb --out lake/ --shards 16'],
  'warehouse export-parquet': [
    'followup warehouse export-parquet --warehouse w.duckdb --out lake/ --shards 16',
  ],
  models: ['followup models list --models models/', 'followup models rollback hangup --reason "AUC dropped"'],
  'models list': ['followup models list --models models/'],
  'models show': ['followup models show hangup --models models/'],
  'models promote': ['followup models promote hangup 2025-12-01-7feddd035b --reason "beats champion"'],
  'models rollback': ['followup models rollback hangup --reason "calibration regression"'],
  retrain: ['followup retrain --warehouse w.duckdb --models models/ --margin 0.005'],
  monitor: ['followup monitor --warehouse w.duckdb --models models/ --fail-on drift'],
  backtest: ['followup backtest --world worlds/w5k --replicates 400'],
  config: [
    'followup config show',
    'followup config init --warehouse .work/demo/warehouse.duckdb --models .work/demo/models',
  ],
  'config show': ['followup config show --json'],
  'config init': ['followup config init --warehouse .work/demo/warehouse.duckdb --models .work/demo/models'],
  scripts: ['followup scripts stats --warehouse w.duckdb'],
  'scripts stats': [
    'followup scripts stats --warehouse w.duckdb',
    'followup scripts stats --warehouse w.duckdb --run rec-2025-12-31-813dacaa6f --json',
  ],
};

/** The help text block for a command path, or undefined when it has no examples. */
export function examplesFor(path: string): string | undefined {
  const ex = EXAMPLES[path];
  return ex?.length ? `\nExamples:\n${ex.map((e) => `  $ ${e}`).join('\n')}\n` : undefined;
}
