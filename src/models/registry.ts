/**
 * The model registry on disk:
 *   models/<name>/<version>/  model.json + weights.bin (member 0), model-<i>.json + weights-<i>.bin (more members),
 *                             preprocess.json, calibration.json, manifest.json, model.meta.json, card.json, card.md
 *   models/<name>/champion    {"version": "..."} — replaced atomically (write a temp file, then rename)
 * Loading checks the manifest and refuses a mismatched model with MismatchError listing the differing features.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type Clock, systemClock } from '../core/clock.ts';
import { BadInputError } from '../core/errors.ts';
import type { FeatureManifest } from '../features/types.ts';
import { initBackend, libraryVersions } from './backend.ts';
import type { TestCalibration } from './calibrate.ts';
import { type ModelCard, renderCardMarkdown } from './card.ts';
import type { ChampionSelection } from './champion.ts';
import { fileIO } from './io.ts';
import { assertManifest } from './manifest.ts';
import type { TrainedModel } from './types.ts';

/** Extra facts for the card. */
export interface SaveOptions {
  /** Model name (folder under the registry root), e.g. `delinquency`. */
  name: string;
  /** Version folder, e.g. `2026-11-24T06-00-00Z` or `v3`. */
  version: string;
  /** sha256 of the training data. Default null. */
  dataHash?: string | null;
  /** Headline metrics for the card. Default {}. */
  metrics?: Record<string, unknown>;
  /** Clock for createdAt. Default system clock. */
  clock?: Clock;
  /** Test-period calibration (Platt alone and with the prior-shift correction), when the caller measured it. */
  calibrationTest?: TestCalibration;
  /** Champion-by-validation decision of the training run, for the card. Default none. */
  selection?: ChampionSelection;
}

const memberFiles = (i: number) =>
  i === 0 ? ['model.json', 'weights.bin'] : [`model-${i}.json`, `weights-${i}.bin`];

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Saves a model under `root/<name>/<version>/` and returns that directory. */
export async function saveModel(root: string, model: TrainedModel, opts: SaveOptions): Promise<string> {
  const dir = join(root, opts.name, opts.version);
  await mkdir(dir, { recursive: true });
  for (const [i, net] of model.nets.entries()) {
    const [j, b] = memberFiles(i) as [string, string];
    await net.save(fileIO(dir, j, b));
  }
  const m = model.preprocess.manifest;
  await writeFile(join(dir, 'preprocess.json'), json(model.preprocess));
  await writeFile(join(dir, 'calibration.json'), json(model.calibration));
  await writeFile(join(dir, 'manifest.json'), json(m));
  const meta = {
    kind: model.kind,
    arch: model.arch,
    outputs: model.outputs,
    members: model.nets.length,
    training: model.training,
  };
  await writeFile(join(dir, 'model.meta.json'), json(meta));
  const card: ModelCard = {
    name: opts.name,
    version: opts.version,
    kind: model.kind,
    arch: model.arch,
    outputs: model.outputs,
    features: m.features.map((f) => ({ name: f.name, type: f.type, family: f.family })),
    manifestHash: m.hash,
    featureVersion: m.version,
    dataHash: opts.dataHash ?? null,
    training: model.training,
    calibration: model.calibration.method,
    ...(model.calibration.shift ? { calibration_shift: model.calibration.shift } : {}),
    ...(opts.calibrationTest ? { calibration_test: opts.calibrationTest } : {}),
    ...(opts.selection ? { selection: opts.selection } : {}),
    libraries: libraryVersions(),
    metrics: opts.metrics ?? {},
    createdAt: (opts.clock ?? systemClock).now().toISOString(),
  };
  await writeFile(join(dir, 'card.json'), json(card));
  await writeFile(join(dir, 'card.md'), renderCardMarkdown(card));
  return dir;
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    throw new BadInputError(`cannot read ${path}: ${(e as Error).message}`, {
      place: { file: path },
      cause: e,
    });
  }
}

/**
 * Loads a model directory. With `manifest`, refuses (MismatchError) a model trained on different features.
 */
export async function loadModel(dir: string, manifest?: FeatureManifest): Promise<TrainedModel> {
  const saved = await readJson<FeatureManifest>(join(dir, 'manifest.json'));
  if (manifest) assertManifest(saved, manifest, `model ${dir}`);
  await initBackend();
  const meta = await readJson<
    Pick<TrainedModel, 'kind' | 'arch' | 'outputs' | 'training'> & { members: number }
  >(join(dir, 'model.meta.json'));
  const nets: tf.LayersModel[] = [];
  for (let i = 0; i < meta.members; i++) {
    const [j, b] = memberFiles(i) as [string, string];
    nets.push(await tf.loadLayersModel(fileIO(dir, j, b)));
  }
  return {
    kind: meta.kind,
    arch: meta.arch,
    outputs: meta.outputs,
    training: meta.training,
    nets,
    preprocess: await readJson(join(dir, 'preprocess.json')),
    calibration: await readJson(join(dir, 'calibration.json')),
  };
}

/** Makes `version` the champion of `name`: writes a temp file and renames it over the pointer (atomic). */
export async function promote(root: string, name: string, version: string): Promise<void> {
  const dir = join(root, name);
  await readJson(join(dir, version, 'card.json')); // refuse to point at a version that is not there
  const tmp = join(dir, `.champion.${process.pid}.tmp`);
  await writeFile(tmp, json({ version }));
  await rename(tmp, join(dir, 'champion'));
}

/** The champion version of `name`, or undefined when none was promoted. */
export async function championVersion(root: string, name: string): Promise<string | undefined> {
  try {
    const p = JSON.parse(await readFile(join(root, name, 'champion'), 'utf8')) as { version: string };
    return p.version;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BadInputError(`champion pointer of ${name} is unreadable: ${(e as Error).message}`, {
      place: { file: join(root, name, 'champion') },
    });
  }
}

/** Loads the champion of `name` (checked against `manifest` when given). */
export async function loadChampion(
  root: string,
  name: string,
  manifest?: FeatureManifest,
): Promise<TrainedModel> {
  const v = await championVersion(root, name);
  if (!v)
    throw new BadInputError(`no champion for model ${name} in ${root}`, {
      hint: `run followup train, then promote a version of ${name}`,
    });
  return loadModel(join(root, name, v), manifest);
}
