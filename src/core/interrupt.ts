/**
 * Stopping long work on SIGINT/SIGTERM. A command that runs for minutes (training) calls `trapInterrupts()`: the
 * first signal aborts the returned signal, and the work checks it between steps (`throwIfInterrupted`) and ends
 * through the one top-level error handler (exit 130 or 143) after its `finally` blocks released the warehouse lock.
 * A second signal restores the default handling and re-raises, so an impatient second Ctrl-C always ends the run.
 *
 * Why a trap at all: proper-lockfile installs signal-exit's handler, which replaces Node's default "die at once";
 * that handler can only run when the event loop turns, so a synchronous training loop used to ignore SIGTERM.
 */
import { InterruptedError } from './errors.ts';

export interface InterruptTrap {
  /** Aborted on the first SIGINT/SIGTERM; its `reason` is the signal name. */
  signal: AbortSignal;
  /** Removes the handlers (call in `finally`). */
  release: () => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function trapInterrupts(): InterruptTrap {
  const ctl = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ctl.signal.aborted) {
      release();
      process.kill(process.pid, sig);
      return;
    }
    ctl.abort(sig);
  };
  const release = () => {
    for (const s of SIGNALS) process.off(s, onSignal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return { signal: ctl.signal, release };
}

/** Throws InterruptedError when `signal` was aborted by a trapped signal; `what` says what was running. */
export function throwIfInterrupted(signal: AbortSignal | undefined, what: string): void {
  if (!signal?.aborted) return;
  const sig = signal.reason === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
  throw new InterruptedError(sig, what);
}

/** Lets the event loop turn (so a pending signal handler runs), then checks the signal. */
export async function yieldAndCheck(signal: AbortSignal | undefined, what: string): Promise<void> {
  if (!signal) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfInterrupted(signal, what);
}
