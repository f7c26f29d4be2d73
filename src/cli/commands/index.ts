/**
 * The command registry: one file per command under src/cli/commands/, each exporting `register(program)`.
 * Add a command by adding its file and one line here.
 */
import type { Command } from 'commander';
import { register as backtest } from './backtest.ts';
import { register as benchmark } from './benchmark.ts';
import { register as config } from './config.ts';
import { register as evaluate } from './evaluate.ts';
import { register as exportCmd } from './export.ts';
import { register as features } from './features.ts';
import { register as generate } from './generate.ts';
import { register as ingest } from './ingest.ts';
import { register as models } from './models.ts';
import { register as monitor } from './monitor.ts';
import { register as recommend } from './recommend.ts';
import { register as rejects } from './rejects.ts';
import { register as report } from './report.ts';
import { register as retrain } from './retrain.ts';
import { register as run } from './run.ts';
import { register as score } from './score.ts';
import { register as scripts } from './scripts.ts';
import { register as train } from './train.ts';
import { register as warehouse } from './warehouse.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  ingest,
  exportCmd,
  generate,
  features,
  report,
  benchmark,
  train,
  score,
  recommend,
  run,
  evaluate,
  warehouse,
  models,
  retrain,
  monitor,
  backtest,
  rejects,
  config,
  scripts,
];
