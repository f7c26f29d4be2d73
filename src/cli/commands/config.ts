/**
 * `followup config show` — where --warehouse and --models come from here (flag > env > config file > default).
 * `followup config init --warehouse W [--models M] [--force]` — writes followup.config.yaml in the working directory,
 * so later commands need no flags. `npm start` runs it after the demo; an existing file is kept unless --force.
 */

import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { DEFAULT_MODELS_DIR } from '../../core/defaults.ts';
import { CONFIG_FILE, ENV, findConfig, loadConfig } from '../config.ts';
import { makeContext, printSummary } from '../context.ts';

export function register(program: Command): void {
  const cfg = program
    .command('config')
    .description(`Show or write ${CONFIG_FILE}, which gives every command its --warehouse and --models.`);
  cfg
    .command('show')
    .description('Print the config file in effect and where --warehouse and --models come from.')
    .option('--json', 'print as JSON on stdout')
    .action((o: { json?: boolean }) => {
      const ctx = makeContext(o);
      const file = findConfig(process.cwd());
      const values = file ? loadConfig(file).values : {};
      const settings = (Object.keys(ENV) as (keyof typeof ENV)[]).map((k) => {
        const env = process.env[ENV[k]];
        const [value, source] = env
          ? [env, `$${ENV[k]}`]
          : values[k]
            ? [values[k], file]
            : [k === 'models' ? DEFAULT_MODELS_DIR : null, 'default'];
        return { option: `--${k}`, value, source };
      });
      printSummary(ctx, o.json, { config: file ?? null, settings }, () =>
        [
          `config: ${file ?? (process.env.FOLLOWUP_CONFIG === 'none' ? '(none: FOLLOWUP_CONFIG=none)' : `(none: no ${CONFIG_FILE} from ${process.cwd()} upward)`)}`,
          ...settings.map((s) => `${s.option} ${s.value ?? '(required)'}  ← ${s.source}`),
        ].join('\n'),
      );
    });
  cfg
    .command('init')
    .description(`Write ${CONFIG_FILE} in the working directory.`)
    .requiredOption('--warehouse <file>', 'warehouse the commands run on')
    .option('--models <dir>', 'model registry root')
    .option('--force', 'replace an existing config file')
    .option('--json', 'print the summary as JSON on stdout')
    .action((o: { warehouse: string; models?: string; force?: boolean; json?: boolean }) => {
      const ctx = makeContext(o);
      const file = join(process.cwd(), CONFIG_FILE);
      // Paths relative to the file, so the folder can move as a whole.
      const rel = (p: string) => relative(process.cwd(), resolve(p)) || '.';
      const values = { warehouse: rel(o.warehouse), ...(o.models ? { models: rel(o.models) } : {}) };
      const kept = existsSync(file) && !o.force;
      if (!kept)
        writeFileSync(
          file,
          `# followup settings for commands run in this folder or below (flag > env > this file).\n${stringify(values)}`,
        );
      printSummary(
        ctx,
        o.json,
        { config: file, written: !kept, values: kept ? loadConfig(file).values : values },
        () =>
          kept
            ? `kept the existing ${file} (--force replaces it)`
            : `wrote ${file}: ${Object.entries(values)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}`,
      );
    });
}
