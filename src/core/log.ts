/**
 * An injectable logger. Human lines on a TTY, JSON lines otherwise (or with --json). Logs go to stderr so that
 * stdout carries only the machine-readable summary. Never log personal data (phones, names): callers pass ids.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  /** Emit JSON lines instead of human text. Default: true when stderr is not a TTY. */
  json?: boolean;
  /** Lowest level printed. Default: `info`, or `FOLLOWUP_LOG_LEVEL`. */
  level?: Level;
  /** Where lines go. Default: process.stderr. */
  write?: (line: string) => void;
  /** Clock for timestamps (tests inject a fixed one). */
  now?: () => Date;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const json = opts.json ?? !process.stderr.isTTY;
  const min = ORDER[opts.level ?? (process.env.FOLLOWUP_LOG_LEVEL as Level | undefined) ?? 'info'] ?? 20;
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = opts.now ?? (() => new Date());
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    if (json) write(JSON.stringify({ t: now().toISOString(), level, msg, ...fields }));
    else {
      const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
      write(`${level === 'info' ? '' : `${level}: `}${msg}${extra}`);
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A logger that keeps records in memory, for tests that assert on warnings. */
export function memoryLogger(): Logger & {
  records: { level: Level; msg: string; fields?: Record<string, unknown> }[];
} {
  const records: { level: Level; msg: string; fields?: Record<string, unknown> }[] = [];
  const push = (level: Level) => (msg: string, fields?: Record<string, unknown>) => {
    records.push(fields === undefined ? { level, msg } : { level, msg, fields });
  };
  return { records, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
