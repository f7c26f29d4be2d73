/**
 * What every command receives: a logger, a clock, and a way to print its machine-readable summary.
 * Commands never call process.exit; they return or throw typed errors (src/core/errors.ts).
 */
import { type Clock, systemClock } from '../core/clock.ts';
import { createLogger, type Logger } from '../core/log.ts';

export interface CliContext {
  log: Logger;
  clock: Clock;
  /** Writes to stdout (the summary channel). */
  out: (text: string) => void;
}

export interface GlobalOptions {
  json?: boolean;
}

export function makeContext(
  opts: GlobalOptions,
  out: (text: string) => void = (t) => process.stdout.write(t),
): CliContext {
  const json = opts.json === true ? true : undefined;
  return { log: createLogger(json === undefined ? {} : { json }), clock: systemClock, out };
}

/** Prints a command's summary: JSON on stdout with --json, else readable lines. */
export function printSummary(
  ctx: CliContext,
  json: boolean | undefined,
  summary: unknown,
  human: () => string,
): void {
  if (json) ctx.out(`${JSON.stringify(summary, jsonReplacer, 2)}\n`);
  else ctx.out(`${human()}\n`);
}

/** BigInt and Date are common in DuckDB results; JSON has neither. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  return value;
}
