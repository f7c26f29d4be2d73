/**
 * The CLI entry: builds the commander program from the command registry and owns the one top-level error
 * handler that maps typed errors to exit codes (0 ok, 1 internal, 2 bad input or usage, 3 partial, 4 busy, 5 drift,
 * 130/143 interrupted).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { FollowupError, formatPlace, PartialError } from '../core/errors.ts';
import { trapInterrupts } from '../core/interrupt.ts';
import { loadCommands, type RegisterCommand } from './commands/index.ts';
import { applyConfig, findConfig, type LoadedConfig, loadConfig } from './config.ts';
import { jsonReplacer } from './context.ts';
import { examplesFor } from './examples.ts';

/** The package version, read where the bin's fast `--version` path reads it, so both always agree. */
const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/**
 * The program with the given commands (`loadCommands`), their examples, and the config file's defaults (`config`,
 * when given).
 */
export function buildProgram(commands: readonly RegisterCommand[], config?: LoadedConfig): Command {
  const program = new Command('followup')
    .description('Post-loan follow-up analytics: ingest, features, models, schedules, exports and reports.')
    .version(VERSION)
    .showHelpAfterError()
    .showSuggestionAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  const visit = (c: Command, path: string) => {
    c.exitOverride();
    // Unknown flags are refused with commander's "(Did you mean --x?)"; never passed through silently.
    c.allowUnknownOption(false).showSuggestionAfterError();
    const ex = examplesFor(path);
    if (ex) c.addHelpText('after', ex);
    for (const sub of c.commands) visit(sub, `${path} ${sub.name()}`);
  };
  for (const c of program.commands) visit(c, c.name());
  applyConfig(program, config);
  return program;
}

/**
 * A write past the file-size limit (`ulimit -f`) raises SIGXFSZ. Node ignores it, so the write fails with EFBIG
 * and becomes a typed no-room error; but signal-exit (loaded by proper-lockfile) listens to SIGXFSZ and, alone on
 * it, re-raises it with the default action, killing the process mid-write. This listener keeps it from being alone.
 */
const ignoreFileSizeSignal = () => {};

/** Runs the CLI and returns the exit code. `argv` as in process.argv. */
export async function main(argv: string[]): Promise<number> {
  const wantsJson = argv.includes('--json');
  process.on('SIGXFSZ', ignoreFileSizeSignal);
  // SIGINT/SIGTERM stop every command at its next check point with exit 130/143 (src/core/interrupt.ts).
  const trap = trapInterrupts();
  try {
    const file = findConfig(process.cwd());
    const program = buildProgram(await loadCommands(argv.slice(2)), file ? loadConfig(file) : undefined);
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    return handleError(e, wantsJson);
  } finally {
    trap.release();
    process.off('SIGXFSZ', ignoreFileSizeSignal);
  }
}

export function handleError(e: unknown, json: boolean): number {
  if (e instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof PartialError) {
    // The command did its work; the summary is the result and the exit code says some rows were rejected.
    process.stdout.write(`${JSON.stringify(e.summary, jsonReplacer, json ? 2 : undefined)}\n`);
    process.stderr.write(`followup: ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof FollowupError) {
    if (json) process.stderr.write(`${JSON.stringify(e.toJSON(), jsonReplacer)}\n`);
    else {
      const where = formatPlace(e.place);
      process.stderr.write(
        `followup: ${e.message}${where ? `\n  at ${where}` : ''}${e.hint ? `\n  hint: ${e.hint}` : ''}\n`,
      );
    }
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`followup: internal error: ${err.stack ?? err.message}\n`);
  return 1;
}
