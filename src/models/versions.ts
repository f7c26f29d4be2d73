/**
 * What the registry holds: model names, their versions (from each version's card.json) and which is champion.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../core/errors.ts';
import { championVersion, type ModelCard } from './index.ts';

/** One version of a model, as `followup models list` shows it. */
export interface VersionInfo {
  /** Model name, e.g. `delinquency`. */
  name: string;
  /** Version folder name. */
  version: string;
  /** ISO instant the version was saved (card.createdAt). */
  createdAt: string;
  /** True for the current champion. */
  champion: boolean;
  /** Test-period headline metrics from the card: metric → {network, baseline}. */
  metrics: Record<string, unknown>;
  /** Training backend from the card. */
  backend: string | null;
}

/** Model names under `root` (folders holding at least one version with a card). */
export async function listModelNames(root: string): Promise<string[]> {
  const names: string[] = [];
  for (const d of await dirs(root)) if ((await listVersions(root, d)).length) names.push(d);
  return names.sort();
}

/** Versions of `name`, oldest first (by card createdAt, then version); empty when the model has none. */
export async function listVersions(root: string, name: string): Promise<VersionInfo[]> {
  const champion = (await dirs(join(root, name))).length ? await championVersion(root, name) : undefined;
  const out: VersionInfo[] = [];
  for (const v of await dirs(join(root, name))) {
    const card = await cardIfAny(join(root, name, v, 'card.json'));
    if (!card) continue;
    out.push({
      name,
      version: v,
      createdAt: card.createdAt,
      champion: v === champion,
      metrics: card.metrics ?? {},
      backend: (card.training as { backend?: string } | undefined)?.backend ?? null,
    });
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version));
}

/** The card of one version; exit 2 naming the versions that exist when it is missing. */
export async function readCard(root: string, name: string, version?: string): Promise<ModelCard> {
  const versions = await listVersions(root, name);
  const v = version ?? versions.find((x) => x.champion)?.version;
  const card = v ? await cardIfAny(join(root, name, v, 'card.json')) : undefined;
  if (!card)
    throw new BadInputError(
      version ? `model ${name} has no version ${JSON.stringify(version)}` : `model ${name} has no champion`,
      {
        place: { file: join(root, name) },
        hint: versions.length
          ? `versions of ${name}: ${versions.map((x) => x.version).join(', ')}`
          : `no versions of ${name} in ${root}`,
      },
    );
  return card;
}

/** The model card at `path`, or undefined when there is none; exit 2 naming the file when it is unreadable. */
export async function cardIfAny(path: string): Promise<ModelCard | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ModelCard;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BadInputError(`model card is unreadable: ${(e as Error).message}`, { place: { file: path } });
  }
}

async function dirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
