/**
 * The champion lifecycle on a real registry: three saved versions of a small trained model; promotions and
 * rollbacks through the library and through the real CLI, each recorded in promotions.jsonl; missing versions
 * refused with exit 2 naming the versions that exist.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { BadInputError } from '../../src/core/errors.ts';
import {
  championStack,
  listModelNames,
  listVersions,
  promoteVersion,
  readPromotions,
  rollbackChampion,
} from '../../src/lifecycle/index.ts';
import { trainHangupModel } from '../../src/models/hangup.ts';
import { championVersion, promote, saveModel } from '../../src/models/registry.ts';
import { drawLabels, riskTable, thirds } from '../models/synthetic.ts';
import { followup } from './cli.ts';

let root: string;
const clock = fixedClock('2026-02-01T09:00:00Z');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'followup-lifecycle-'));
  const { table, logit } = riskTable(1500, 3);
  const y = drawLabels(logit, 4);
  const model = await trainHangupModel(table, y, thirds(table.n), { seed: 9, hidden: [8], epochs: 2 });
  for (const [i, v] of ['v1', 'v2', 'v3'].entries()) {
    await saveModel(root, model, {
      name: 'hangup',
      version: v,
      metrics: { auc: { network: 0.7 + i / 100, baseline: 0.69 } },
      clock: fixedClock(`2026-01-0${i + 1}T00:00:00Z`),
    });
    await saveModel(root, model, { name: 'hangup-baseline', version: v, clock });
  }
  // As `train` does for a first model: the pointer set without a recorded promotion.
  await promote(root, 'hangup', 'v1');
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('models lifecycle (library)', () => {
  it('lists versions oldest first with created time, card metrics and the champion', async () => {
    expect(await listModelNames(root)).toEqual(['hangup', 'hangup-baseline']);
    const vs = await listVersions(root, 'hangup');
    expect(vs.map((v) => [v.version, v.createdAt, v.champion])).toEqual([
      ['v1', '2026-01-01T00:00:00.000Z', true],
      ['v2', '2026-01-02T00:00:00.000Z', false],
      ['v3', '2026-01-03T00:00:00.000Z', false],
    ]);
    expect(vs[2]!.metrics).toEqual({ auc: { network: 0.72, baseline: 0.69 } });
  });

  it('records promotions and walks rollbacks back through earlier champions', async () => {
    const a = await promoteVersion(root, 'hangup', 'v2', { clock, reason: 'better AUC', actor: 'test' });
    expect(a).toEqual({
      at: '2026-02-01T09:00:00.000Z',
      action: 'promote',
      from: 'v1',
      to: 'v2',
      reason: 'better AUC',
      actor: 'test',
    });
    await promoteVersion(root, 'hangup', 'v3', { clock, reason: 'newer', actor: 'test' });
    expect(await championVersion(root, 'hangup')).toBe('v3');
    // The baseline of the same version follows its network.
    expect(await championVersion(root, 'hangup-baseline')).toBe('v3');
    const r1 = await rollbackChampion(root, 'hangup', { clock, actor: 'test' });
    expect([r1.action, r1.from, r1.to]).toEqual(['rollback', 'v3', 'v2']);
    const r2 = await rollbackChampion(root, 'hangup', { clock, actor: 'test' });
    expect([r2.from, r2.to]).toEqual(['v2', 'v1']);
    await expect(rollbackChampion(root, 'hangup', { clock })).rejects.toThrow(/no previous champion/);
    const log = await readPromotions(root, 'hangup');
    expect(log.map((r) => `${r.action}:${r.from}->${r.to}`)).toEqual([
      'promote:v1->v2',
      'promote:v2->v3',
      'rollback:v3->v2',
      'rollback:v2->v1',
    ]);
    expect(championStack(log)).toEqual(['v1']);
    const lines = (await readFile(join(root, 'hangup', 'promotions.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(log);
  });

  it('refuses a missing version and names the versions that exist', async () => {
    const e = await promoteVersion(root, 'hangup', 'v9', { clock }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadInputError);
    expect((e as BadInputError).exitCode).toBe(2);
    expect((e as BadInputError).hint).toBe('versions of hangup: v1, v2, v3');
    expect(await championVersion(root, 'hangup')).toBe('v1');
  });
});

describe('models lifecycle (CLI)', () => {
  it('promote, list and rollback through followup models; missing version exits 2', () => {
    const p = followup([
      'models',
      'promote',
      'hangup',
      'v3',
      '--models',
      root,
      '--reason',
      'cli test',
      '--json',
    ]);
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({
      action: 'promote',
      from: 'v1',
      to: 'v3',
      reason: 'cli test',
      actor: 'followup models promote',
      at: '2026-01-05T00:00:00.000Z',
    });
    const l = followup(['models', 'list', 'hangup', '--models', root, '--json']);
    expect(l.code).toBe(0);
    const listed = JSON.parse(l.stdout).models.hangup as { version: string; champion: boolean }[];
    expect(listed.filter((v) => v.champion).map((v) => v.version)).toEqual(['v3']);
    const bad = followup(['models', 'promote', 'hangup', 'nope', '--models', root]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('model hangup has no version "nope"');
    expect(bad.stderr).toContain('versions of hangup: v1, v2, v3');
    const r = followup(['models', 'rollback', 'hangup', '--models', root, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'rollback', from: 'v3', to: 'v1' });
  });

  it('show prints the card of a version', () => {
    const s = followup(['models', 'show', 'hangup', 'v2', '--models', root, '--json']);
    expect(s.code).toBe(0);
    const out = JSON.parse(s.stdout);
    expect(out.card.version).toBe('v2');
    expect(out.card.createdAt).toBe('2026-01-02T00:00:00.000Z');
    expect(out.promotions.length).toBe(6);
  });
});
