/**
 * Typed errors. Commands throw these; the one top-level CLI handler (src/cli/run.ts) maps them to exit codes.
 * Exit codes: 0 ok, 1 internal error, 2 bad input or usage (also too little data to fit), 3 partial (some rows
 * rejected), 4 busy (locked), 5 drift (src/lifecycle/errors.ts), 128 + signal number when interrupted (130 SIGINT,
 * 143 SIGTERM).
 */

/** Where in a file a problem sits; every field optional because not every input has lines. */
export interface Place {
  file?: string;
  line?: number;
  column?: string | number;
  value?: unknown;
}

export class FollowupError extends Error {
  /** Machine-readable code, e.g. `E_BAD_INPUT`. */
  readonly code: string;
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;
  /** Where the problem was found, when it concerns input. */
  readonly place: Place | undefined;
  /** What the user can do about it. */
  readonly hint: string | undefined;

  constructor(
    code: string,
    exitCode: number,
    message: string,
    opts: { place?: Place; hint?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.place = opts.place;
    this.hint = opts.hint;
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, place: this.place, hint: this.hint };
  }
}

/** Bad input: unreadable file, wrong format, invalid configuration. Exit 2. */
export class BadInputError extends FollowupError {
  constructor(message: string, opts: { place?: Place; hint?: string; cause?: unknown } = {}) {
    super('E_BAD_INPUT', 2, message, opts);
  }
}

/** Bad usage: a flag missing or out of range. Exit 2. */
export class UsageError extends FollowupError {
  constructor(message: string, opts: { hint?: string } = {}) {
    super('E_USAGE', 2, message, opts);
  }
}

/** The command finished but some rows were rejected. Exit 3; the summary is still printed. */
export class PartialError extends FollowupError {
  readonly summary: unknown;
  constructor(message: string, summary: unknown) {
    super('E_PARTIAL', 3, message, { hint: 'see the rejects table for each rejected row and its reason' });
    this.summary = summary;
  }
}

/** Another run holds the warehouse lock. Exit 4. */
export class BusyError extends FollowupError {
  constructor(message: string, opts: { hint?: string } = {}) {
    super('E_BUSY', 4, message, opts);
  }
}

/** A fitted artifact (model, preprocessing) does not match what it is applied to. Exit 2. */
export class MismatchError extends FollowupError {
  constructor(message: string, opts: { hint?: string } = {}) {
    super('E_MISMATCH', 2, message, opts);
  }
}

/** The newest data is older than the run's freshness limit: planning on it would act on a stale book. Exit 2. */
export class StaleDataError extends FollowupError {
  constructor(message: string, opts: { place?: Place; hint?: string } = {}) {
    super('E_STALE_DATA', 2, message, opts);
  }
}

/** An export would cancel more of what its target holds than the allowed share, and nobody said it may. Exit 2. */
export class MassCancelError extends FollowupError {
  constructor(message: string, opts: { hint?: string } = {}) {
    super('E_MASS_CANCEL', 2, message, opts);
  }
}

/**
 * The data cannot support a fit: an empty training set, one class only, too few periods for an out-of-time split.
 * Exit 2. `missing` names what is lacking (e.g. `hang-ups among the outbound phone attempts`), so a caller can act.
 */
export class InsufficientDataError extends FollowupError {
  /** What the data lacks, in words. */
  readonly missing: string;
  constructor(message: string, opts: { missing: string; hint?: string }) {
    super('E_INSUFFICIENT_DATA', 2, message, opts.hint === undefined ? {} : { hint: opts.hint });
    this.missing = opts.missing;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), missing: this.missing };
  }
}

/**
 * No room to write: the disk is full (ENOSPC), the user's quota is used up (EDQUOT) or the file would pass the
 * process's file-size limit (EFBIG, `ulimit -f`). The user's environment, not a bug: exit 2, naming what could not
 * be written. Node reports these as errno codes, DuckDB as "Could not write file …: <strerror>" text.
 */
export class NoRoomError extends FollowupError {
  constructor(message: string, opts: { place?: Place; hint?: string; cause?: unknown } = {}) {
    super('E_NO_ROOM', 2, message, opts);
  }
}

const NO_ROOM_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
// strerror(3) of the same three codes, as DuckDB's IO errors quote them.
const NO_ROOM_TEXT = /No space left on device|Disk quota exceeded|File too large/i;

/** True when `e` is a write that failed for lack of room (full disk, quota, file-size limit). */
export function isNoRoom(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NO_ROOM_CODES.has(code)) return true;
  return e instanceof Error && NO_ROOM_TEXT.test(e.message);
}

/** The words every no-room message uses after the name of what could not be written. */
export const NO_ROOM_WORDS = 'no room (the disk is full, the quota used up or the file-size limit reached)';

/** A run stopped by SIGINT or SIGTERM before it finished. Exit 128 + the signal number (130, 143). */
export class InterruptedError extends FollowupError {
  /** The signal that stopped the run. */
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals, what: string) {
    super('E_INTERRUPTED', 128 + (signal === 'SIGINT' ? 2 : 15), `interrupted by ${signal} ${what}`);
    this.signal = signal;
  }
}

/** Formats a place as `file:line, column "x", value "v"` for messages. */
export function formatPlace(p: Place | undefined): string {
  if (!p) return '';
  const parts: string[] = [];
  if (p.file) parts.push(p.line === undefined ? p.file : `${p.file}:${p.line}`);
  if (p.column !== undefined) parts.push(`column ${JSON.stringify(p.column)}`);
  if (p.value !== undefined) parts.push(`value ${JSON.stringify(p.value)}`);
  return parts.join(', ');
}
