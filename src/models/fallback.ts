/**
 * Fallback cards: what `train` records when the data cannot support a model, so that `score` and `recommend`
 * work without it and say why.
 *
 *   models/<name>/fallback.json  {name, fallback, reason, effect, createdAt}   (+ fallback.md for people)
 *
 * A champion always wins over a fallback card; saving a trained model of the same name removes the card.
 * Without either, score/recommend still refuse ("run followup train first"): a forgotten `train` is not a fallback.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, systemClock } from '../core/clock.ts';
import { BadInputError } from '../core/errors.ts';

/** What replaces a model that could not be trained. */
export type FallbackKind =
  /** No hang-up model: every call slot is scored alike, so the planner keeps the policy's default hours. */
  | 'policy-default-hours'
  /** No delinquency network: hazards are zero, so due dates follow the lifecycle bounds of each grade. */
  | 'lifecycle-bounds';

export interface FallbackCard {
  /** Model name, `delinquency` or `hangup`. */
  name: string;
  fallback: FallbackKind;
  /** Why no model was trained, with the counts that show it (e.g. `0 outbound phone attempts in contacts`). */
  reason: string;
  /** What score/recommend do instead, in words. */
  effect: string;
  /** ISO timestamp from the injected clock. */
  createdAt: string;
}

const file = (root: string, name: string) => join(root, name, 'fallback.json');

/** Writes the fallback card of `name` (json + md) and returns the json path. */
export async function saveFallback(
  root: string,
  card: Omit<FallbackCard, 'createdAt'>,
  clock: Clock = systemClock,
): Promise<string> {
  const full: FallbackCard = { ...card, createdAt: clock.now().toISOString() };
  await mkdir(join(root, card.name), { recursive: true });
  await writeFile(file(root, card.name), `${JSON.stringify(full, null, 2)}\n`);
  await writeFile(
    join(root, card.name, 'fallback.md'),
    [
      `# ${card.name}: fallback \`${card.fallback}\``,
      '',
      `No ${card.name} model was trained: ${card.reason}.`,
      '',
      `Instead: ${card.effect}.`,
      '',
      `Recorded ${full.createdAt} by \`followup train\`; training a ${card.name} model removes this card.`,
      '',
    ].join('\n'),
  );
  return file(root, card.name);
}

/** The fallback card of `name`, or undefined when there is none. */
export async function readFallback(root: string, name: string): Promise<FallbackCard | undefined> {
  let text: string;
  try {
    text = await readFile(file(root, name), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as FallbackCard;
  } catch (e) {
    throw new BadInputError(`fallback card of ${name} is unreadable: ${(e as Error).message}`, {
      place: { file: file(root, name) },
    });
  }
}

/** Removes the fallback card of `name` (a model of that name was trained). */
export async function clearFallback(root: string, name: string): Promise<void> {
  await rm(file(root, name), { force: true });
  await rm(join(root, name, 'fallback.md'), { force: true });
}
