/**
 * Champion changes, recorded. The champion pointer (models/<name>/champion, src/models/registry.ts) is replaced
 * atomically; every change made through here is also appended to models/<name>/promotions.jsonl:
 *
 *   {"at":"2026-01-05T00:00:00.000Z","action":"promote","from":"v1","to":"v2","reason":"…","actor":"retrain"}
 *
 * `rollback` replays that log as a stack (promote pushes, rollback pops) so repeated rollbacks walk back through
 * earlier champions instead of toggling between the last two.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { BadInputError } from '../core/errors.ts';
import { championVersion, promote } from './index.ts';
import { listVersions } from './versions.ts';

/** One line of promotions.jsonl. */
export interface PromotionRecord {
  /** ISO instant from the injected clock. */
  at: string;
  /** `promote` or `rollback`. */
  action: 'promote' | 'rollback';
  /** Champion before the change; null when there was none. */
  from: string | null;
  /** Champion after the change. */
  to: string;
  /** Why, in words. */
  reason: string;
  /** Who or what made the change, e.g. `followup models promote` or `retrain`. */
  actor: string;
}

/** Who, why and when of a champion change. */
export interface ChangeOptions {
  /** Why, in words. Default "manual". */
  reason?: string;
  /** Command or person. Default `followup models`. */
  actor?: string;
  clock: Clock;
}

export const promotionsPath = (root: string, name: string) => join(root, name, 'promotions.jsonl');

/** The recorded champion changes of `name`, oldest first (empty when none). */
export async function readPromotions(root: string, name: string): Promise<PromotionRecord[]> {
  let text: string;
  try {
    text = await readFile(promotionsPath(root, name), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as PromotionRecord;
      } catch {
        throw new BadInputError('promotion log line is not JSON', {
          place: { file: promotionsPath(root, name), line: i + 1 },
        });
      }
    });
}

/** Throws exit 2 naming the versions that exist when `version` is not one of them. */
export async function assertVersion(root: string, name: string, version: string): Promise<void> {
  const versions = (await listVersions(root, name)).map((v) => v.version);
  if (!versions.includes(version))
    throw new BadInputError(`model ${name} has no version ${JSON.stringify(version)}`, {
      place: { file: join(root, name) },
      hint: versions.length
        ? `versions of ${name}: ${versions.join(', ')}`
        : `no versions of ${name} in ${root}; run followup train first`,
    });
}

/** Makes `version` the champion of `name` (and of `<name>-baseline` when that version exists) and records it. */
export async function promoteVersion(
  root: string,
  name: string,
  version: string,
  opts: ChangeOptions,
): Promise<PromotionRecord> {
  await assertVersion(root, name, version);
  return change(root, name, version, 'promote', opts);
}

/** Makes the previous champion the champion again, recorded as a rollback. */
export async function rollbackChampion(
  root: string,
  name: string,
  opts: ChangeOptions,
): Promise<PromotionRecord> {
  const current = await championVersion(root, name);
  const stack = championStack(await readPromotions(root, name));
  if (current !== undefined && stack.at(-1) !== current) stack.push(current); // pointer moved outside the log
  const previous = stack.at(-2);
  if (previous === undefined)
    throw new BadInputError(`model ${name} has no previous champion to roll back to`, {
      place: { file: promotionsPath(root, name) },
      hint: `current champion: ${current ?? 'none'}; promote a version with followup models promote ${name} VERSION`,
    });
  await assertVersion(root, name, previous);
  return change(root, name, previous, 'rollback', opts);
}

/** Replays the log: the champions in order, the current one last. */
export function championStack(log: readonly PromotionRecord[]): string[] {
  const stack: string[] = [];
  for (const r of log) {
    if (r.action === 'promote') {
      if (!stack.length && r.from) stack.push(r.from);
      if (stack.at(-1) !== r.to) stack.push(r.to);
    } else {
      stack.pop();
      if (stack.at(-1) !== r.to) stack.push(r.to);
    }
  }
  return stack;
}

async function change(
  root: string,
  name: string,
  to: string,
  action: PromotionRecord['action'],
  opts: ChangeOptions,
): Promise<PromotionRecord> {
  const from = (await championVersion(root, name)) ?? null;
  await promote(root, name, to);
  // The baseline of the same training run travels with its network, so reports compare the matching pair.
  const baselines = await listVersions(root, `${name}-baseline`);
  if (baselines.some((v) => v.version === to)) await promote(root, `${name}-baseline`, to);
  const record: PromotionRecord = {
    at: opts.clock.now().toISOString(),
    action,
    from,
    to,
    reason: opts.reason ?? 'manual',
    actor: opts.actor ?? 'followup models',
  };
  await appendFile(promotionsPath(root, name), `${JSON.stringify(record)}\n`);
  return record;
}
