/**
 * What every warehouse command does around its work: check the file exists, take the run lock (one writer per
 * warehouse), open, run, close, release — in that order, whatever happens.
 */
import { existsSync } from 'node:fs';
import { BadInputError } from '../core/errors.ts';
import { lockWarehouse } from '../pipeline/lock.ts';
import { type Warehouse, withWarehouse } from '../warehouse/db.ts';

export async function withLockedWarehouse<T>(
  path: string,
  fn: (w: Warehouse) => Promise<T>,
  opts: { mustExist?: boolean; waitLockSeconds?: number } = {},
): Promise<T> {
  if (opts.mustExist !== false && !existsSync(path))
    throw new BadInputError(`warehouse ${path} does not exist`, {
      hint: 'load data first with `followup ingest --warehouse W …`',
    });
  const unlock = await lockWarehouse(path, { waitSeconds: opts.waitLockSeconds ?? 0 });
  try {
    return await withWarehouse(path, fn);
  } finally {
    await unlock();
  }
}

/** Parses a zod-validated option object or throws a UsageError naming each bad flag. */
export function flagProblems(command: string, issues: { path: PropertyKey[]; message: string }[]): string {
  // Commander hands options over camelCased (asOf); the user typed --as-of, so name the flag that way.
  const flag = (path: PropertyKey[]) =>
    path.map((p) => String(p).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  return `${command}: ${issues.map((i) => `--${flag(i.path).join('.')} ${i.message}`).join('; ')}`;
}
