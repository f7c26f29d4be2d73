/**
 * Kills at every stage (issue 16, deliverable 5), part 1: `score`, `recommend` and `report` through the REAL CLI,
 * SIGKILLed (no handler runs) and SIGTERMed (the run stops cleanly) at fixed points. After each kill the warehouse
 * is exactly as before or exactly as a complete run leaves it, the outputs are absent or whole, a SIGTERMed run
 * ends within 5 s with exit 143 (or 0 when it had already committed), and a re-run ends where an uninterrupted run
 * ends. The outcome of every kill is printed (kill-harness.ts says why both outcomes are accepted).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AS_OF,
  buildWorld,
  type KillSpec,
  type Observed,
  printObserved,
  type StageSpec,
  stageUnderKill,
  type World,
} from './kill-harness.ts';

let world: World;
const observed: Observed[] = [];

beforeAll(async () => {
  world = await buildWorld();
}, 300_000);

afterAll(() => printObserved(observed));

const onLine =
  (msg: string, afterMs = 0) =>
  () => ({ line: `"msg":"${msg}"`, afterMs });

/** Scores and plans are read back through the warehouse by the stage itself; the output is its JSON summary. */
function stageCases(
  spec: () => StageSpec,
  kills: KillSpec[],
  check: (reference: Awaited<ReturnType<typeof stageUnderKill>>['reference']) => void,
) {
  let stage: Awaited<ReturnType<typeof stageUnderKill>>;
  beforeAll(async () => {
    stage = await stageUnderKill(spec());
  }, 300_000);
  it('an uninterrupted run writes its tables', () => check(stage.reference));
  it.each(kills)('$signal $label', async (k) => {
    observed.push(await stage.kill(k));
  });
}

describe('score killed', () => {
  stageCases(
    () => ({
      name: 'score',
      base: world.unplanned,
      args: (wh) => [
        'score',
        '--warehouse',
        wh,
        '--models',
        world.models,
        '--as-of',
        AS_OF,
        '--wait-lock',
        '10',
        '--json',
      ],
      idempotent: true,
    }),
    [
      { signal: 'SIGKILL', label: 'on "scored"', trigger: onLine('scored') },
      { signal: 'SIGTERM', label: 'on "scored"', trigger: onLine('scored') },
    ],
    (ref) => {
      expect(ref.tables.scores).toMatch(/^13\d:/);
      expect(ref.tables.score_population).not.toMatch(/^0:/);
    },
  );
});

describe('recommend killed', () => {
  stageCases(
    () => ({
      name: 'recommend',
      base: world.unplanned,
      args: (wh) => [
        'recommend',
        '--warehouse',
        wh,
        '--models',
        world.models,
        '--as-of',
        AS_OF,
        '--wait-lock',
        '10',
        '--json',
      ],
      idempotent: true,
    }),
    [
      { signal: 'SIGKILL', label: 'on "recommend: planned"', trigger: onLine('recommend: planned') },
      {
        signal: 'SIGTERM',
        label: 'on "recommend: planner view built"',
        trigger: onLine('recommend: planner view built'),
      },
    ],
    (ref) => {
      // One run, its follow-ups, its script library, and the scores it planned on.
      expect(ref.tables.recommendation_runs).toMatch(/^1:/);
      expect(ref.tables.recommendations).toMatch(/^13\d:/);
      expect(ref.tables.script_runs).toMatch(/^1:/);
      expect(ref.tables.scores).toMatch(/^13\d:/);
    },
  );
});

describe('report killed', () => {
  stageCases(
    () => ({
      name: 'report',
      base: world.planned,
      // Without PNG/SVG: the same writer, a tenth of the time.
      args: (wh, out) => ['report', '--warehouse', wh, '--out', out, '--no-images', '--json'],
      page: 'index.html',
      idempotent: true,
      readBack: async (out) => {
        const html = readFileSync(join(out, 'index.html'), 'utf8');
        expect(html.trimEnd()).toMatch(/<\/html>$/);
        const specs = readdirSync(out).filter((f) => f.endsWith('.vl.json'));
        for (const f of specs) expect(JSON.parse(readFileSync(join(out, f), 'utf8')).$schema).toBeTruthy();
        return specs.length;
      },
    }),
    [
      {
        signal: 'SIGKILL',
        label: 'when report-data.json appears',
        trigger: (out) => ({ appears: { dir: out, name: /^report-data\.json/ }, afterMs: 0 }),
      },
      {
        signal: 'SIGTERM',
        label: 'when report-data.json appears',
        trigger: (out) => ({ appears: { dir: out, name: /^report-data\.json/ }, afterMs: 0 }),
      },
    ],
    (ref) => {
      expect(ref.files['index.html']).toBeDefined();
      expect(ref.files['report-data.json']).toBeDefined();
    },
  );
});
