/**
 * Where `--warehouse` and `--models` come from when the flag is not given: flag > environment
 * (FOLLOWUP_WAREHOUSE, FOLLOWUP_MODELS) > `followup.config.yaml` (the first found from the working directory
 * upward; paths in it are relative to its folder) > the command's default. Commander applies that order itself
 * once the environment variable and the config value are attached to the option (`Option.env`, `Option.default`).
 *
 * ```yaml
 * # followup.config.yaml — written by `npm start` (followup config init)
 * warehouse: .work/demo/warehouse.duckdb
 * models: .work/demo/models
 * ```
 *
 * `FOLLOWUP_CONFIG=path` reads that file instead; `FOLLOWUP_CONFIG=none` reads none (scripts that must not depend
 * on the machine they run on).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../core/errors.ts';
import { didYouMean } from '../core/suggest.ts';

export const CONFIG_FILE = 'followup.config.yaml';

/** The settings a config file may hold. */
export const configSchema = z
  .object({
    /** Warehouse DuckDB file, for every command's `--warehouse`. */
    warehouse: z.string().min(1).optional(),
    /** Model registry root, for every command's `--models`. Command default: `models`. */
    models: z.string().min(1).optional(),
  })
  .strict();
export type FollowupConfig = z.infer<typeof configSchema>;

/** Option attribute → environment variable. */
export const ENV: Record<keyof FollowupConfig, string> = {
  warehouse: 'FOLLOWUP_WAREHOUSE',
  models: 'FOLLOWUP_MODELS',
};

/** A loaded config: its file and its values with paths made absolute. */
export interface LoadedConfig {
  file: string;
  values: FollowupConfig;
}

/** The config file that applies from `cwd`, if any. */
export function findConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const forced = env.FOLLOWUP_CONFIG;
  if (forced === 'none') return undefined;
  if (forced) {
    if (!existsSync(forced))
      throw new BadInputError(`FOLLOWUP_CONFIG names ${forced}, which does not exist`, {
        place: { file: forced },
      });
    return resolve(forced);
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const f = join(dir, CONFIG_FILE);
    if (existsSync(f)) return f;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads and validates a config file; every problem is reported with its key. */
export function loadConfig(file: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (e) {
    throw new BadInputError(`config ${file} is not valid YAML: ${(e as Error).message}`, {
      place: { file },
      cause: e,
    });
  }
  const known = Object.keys(configSchema.shape);
  const res = configSchema.safeParse(raw);
  if (!res.success) {
    const problems = res.error.issues.map((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys
            .map((k) => `unknown key "${k}"${didYouMean(k, known)}; expected ${known.join(', ')}`)
            .join('; ')
        : `${i.path.join('.') || '(top level)'}: ${i.message}`,
    );
    throw new BadInputError(`config ${file} is invalid: ${problems.join('; ')}`, { place: { file } });
  }
  const base = dirname(file);
  const values: FollowupConfig = {};
  for (const k of known as (keyof FollowupConfig)[]) {
    const v = res.data[k];
    if (v !== undefined) values[k] = resolve(base, v);
  }
  return { file, values };
}

/**
 * Commands whose `--warehouse`/`--models` are derived from another flag (`run --workdir`, `backtest --world`),
 * or set the config itself (`config init`): a config pointing at the demo must not redirect them.
 */
const OWN_DEFAULTS = new Set(['run', 'backtest', 'config']);

/** Attaches env variables and config values to every `--warehouse`/`--models` option of the program. */
export function applyConfig(program: Command, config: LoadedConfig | undefined): void {
  const visit = (cmd: Command) => {
    if (OWN_DEFAULTS.has(cmd.name())) return;
    for (const opt of cmd.options as Option[]) {
      const key = opt.attributeName() as keyof FollowupConfig;
      if (!(key in ENV)) continue;
      // Commander wires env variables and defaults when an option is added; these options exist already, so the
      // listener and the default value are set here the way addOption would have set them.
      opt.env(ENV[key]);
      cmd.on(`optionEnv:${opt.name()}`, (val: string) => cmd.setOptionValueWithSource(key, val, 'env'));
      const v = config?.values[key];
      if (v !== undefined) {
        opt.default(v, `${key} from ${config?.file}`);
        cmd.setOptionValueWithSource(key, v, 'default');
      }
      if (opt.mandatory)
        opt.description += ` (required: the flag, $${ENV[key]} or ${key}: in ${CONFIG_FILE})`;
    }
    for (const sub of cmd.commands) visit(sub);
  };
  visit(program);
}
