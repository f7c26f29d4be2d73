/**
 * One run per warehouse at a time. proper-lockfile keeps a `<warehouse>.lock` directory whose mtime it refreshes;
 * a lock left by a killed run goes stale after `staleMs` and is taken over, so a killed run can be re-run.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { BusyError } from '../core/errors.ts';

export interface LockOptions {
  /** How long to keep trying before refusing, in seconds. Default 0: refuse at once. */
  waitSeconds?: number;
  /** A lock not refreshed for this long belongs to a dead run. Default `FOLLOWUP_LOCK_STALE_MS` or 10 000 ms. */
  staleMs?: number;
}

export async function lockWarehouse(warehouse: string, opts: LockOptions = {}): Promise<() => Promise<void>> {
  await mkdir(dirname(warehouse), { recursive: true });
  // FOLLOWUP_LOCK_STALE_MS shortens the takeover of a killed run's lock (tests; proper-lockfile's floor is 2 s).
  const staleMs = opts.staleMs ?? (Number(process.env.FOLLOWUP_LOCK_STALE_MS) || 10_000);
  const wait = Math.max(0, opts.waitSeconds ?? 0);
  try {
    return await lockfile.lock(warehouse, {
      realpath: false,
      stale: staleMs,
      update: Math.floor(staleMs / 2),
      retries: wait > 0 ? { retries: Math.ceil(wait), minTimeout: 1000, maxTimeout: 1000, factor: 1 } : 0,
      onCompromised: () => {
        // Another process took over a lock we still think is ours: keep going, the warehouse transaction guards data.
      },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new BusyError(`another run holds the lock on ${warehouse}`, {
        hint: `wait for it to finish, or pass --wait-lock SECONDS; a lock of a killed run expires after ${staleMs / 1000} s`,
      });
    }
    throw e;
  }
}
