/**
 * Stopping work on SIGINT/SIGTERM. The CLI calls `trapInterrupts()` once around every command: the first signal
 * aborts the process's interrupt signal (`interruptSignal()`), and the work stops at its next check point and ends
 * through the one top-level error handler (exit 130 or 143) after its `finally` blocks released the warehouse lock.
 * Check points: a warehouse aborts the query in flight and refuses to COMMIT (src/warehouse/db.ts), so a stopped
 * stage leaves the warehouse as it was; training checks between batches, a pipeline between steps, exports before
 * putting a file in place, the report between charts.
 *
 * A second signal restores the default handling and re-raises, so an impatient second Ctrl-C always ends the run;
 * so does the first one when the work reaches no check point within GRACE_MS (the process then ends by the signal
 * itself, as after SIGKILL: an unfinished transaction is never committed, a temp file is cleaned by the next run).
 *
 * Why a trap at all: proper-lockfile installs signal-exit's handler, which replaces Node's default "die at once";
 * that handler can only run when the event loop turns, so a synchronous training loop used to ignore SIGTERM, and
 * when it ran it killed the process mid-step without a word.
 */
import { InterruptedError } from './errors.ts';

export interface InterruptTrap {
  /** Aborted on the first SIGINT/SIGTERM; its `reason` is the signal name. */
  signal: AbortSignal;
  /** Removes the handlers (call in `finally`). */
  release: () => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** How long work may take after the first signal to reach a check point before the signal ends the process. */
export const GRACE_MS = 3000;

let active: InterruptTrap | undefined;

/** The signal of the trap in place (the CLI's), or undefined when none is (a library caller, a test). */
export function interruptSignal(): AbortSignal | undefined {
  return active?.signal;
}

/** Traps SIGINT/SIGTERM for the process. A second call while a trap is in place shares it (release: no-op). */
export function trapInterrupts(): InterruptTrap {
  if (active) return { signal: active.signal, release: () => {} };
  const ctl = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  const die = (sig: NodeJS.Signals) => {
    release();
    process.kill(process.pid, sig);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    if (ctl.signal.aborted) return die(sig);
    ctl.abort(sig);
    // unref: a run that ends on its own before the grace period is not kept waiting for the timer.
    grace = setTimeout(() => die(sig), GRACE_MS).unref();
  };
  const release = () => {
    for (const s of SIGNALS) process.off(s, onSignal);
    if (grace) clearTimeout(grace);
    if (active === trap) active = undefined;
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  const trap: InterruptTrap = { signal: ctl.signal, release };
  active = trap;
  return trap;
}

/** Throws InterruptedError when `signal` was aborted by a trapped signal; `what` says what was running. */
export function throwIfInterrupted(signal: AbortSignal | undefined, what: string): void {
  if (!signal?.aborted) return;
  throw new InterruptedError(signalName(signal), what);
}

/** The signal that aborted `signal` (SIGTERM unless it was SIGINT). */
export function signalName(signal: AbortSignal): NodeJS.Signals {
  return signal.reason === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
}

/** Lets the event loop turn (so a pending signal handler runs), then checks the signal. */
export async function yieldAndCheck(signal: AbortSignal | undefined, what: string): Promise<void> {
  if (!signal) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfInterrupted(signal, what);
}
