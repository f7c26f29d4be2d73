/**
 * Kills at every stage (issue 16, deliverable 5), part 3: `followup run` of the daily steps (recommend → dialer CSV
 * since last → calendar feed → report, fixtures/kill-daily.yaml) through the REAL CLI, SIGKILLed and SIGTERMed as a
 * step starts. Each step commits on its own, so a killed run must leave the warehouse exactly at a step boundary —
 * as before, or as the pipeline cut after step 1, 2 or 3 leaves it (measured by running those cuts) — never inside
 * a step; a SIGTERMed run ends within 5 s with exit 143 and is recorded as failed. The re-run then ends with the
 * reference's plan, what each target was told (the ledger), its calendar feed and its report; the dialer CSV is the
 * reference's unless the killed run had already delivered it (then the re-run's delta is rightly empty).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { tempDir } from '../ingest/helpers.ts';
import {
  buildWorld,
  cli,
  type KillSignal,
  killOn,
  type Observed,
  printObserved,
  restore,
  type Snapshot,
  STACK_FRAME,
  snapshot,
  type World,
} from './kill-harness.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures/kill-daily.yaml');
/** The run's own records: every attempt adds one (a killed one stays `running`), so they are compared apart. */
const RUN_TABLES = ['pipeline_runs', 'pipeline_steps'];
const STEPS = ['recommend', 'export-dialer', 'export-calendar', 'report'];

let world: World;
const dir = tempDir('kill-run-');
const workdir = join(dir, 'work');
const wh = join(workdir, 'warehouse.duckdb');
const outDir = join(workdir, 'out');
const observed: Observed[] = [];
/** State at each step boundary: [before, after recommend, after the dialer export, after the calendar feed]. */
const boundary: Snapshot[] = [];
let reference: Snapshot;
let told: unknown[];
let referenceFeed: string;

const args = (pipeline: string) => [
  'run',
  pipeline,
  '--workdir',
  workdir,
  '--set',
  `models=${world.models}`,
  '--wait-lock',
  '10',
  '--json',
];

/** What each target was last told per follow-up: the ledger's latest row per (format, target, follow-up). */
async function ledger(): Promise<unknown[]> {
  return withWarehouse(wh, (w) =>
    w.all(
      `SELECT format, target, loan_id, purpose, cycle, version_hash, sequence, state FROM export_ledger
       QUALIFY row_number() OVER (PARTITION BY format, target, loan_id, purpose, cycle ORDER BY export_no DESC) = 1
       ORDER BY ALL`,
    ),
  );
}

beforeAll(async () => {
  world = await buildWorld();
  // The pipeline cut after its first and second step (the third's state is the whole run's: a report writes no table).
  const spec = parse(readFileSync(FIXTURE, 'utf8'));
  const cuts = [1, 2].map((n) => {
    const path = join(dir, `cut-${n}.yaml`);
    writeFileSync(path, stringify({ ...spec, stages: spec.stages.slice(0, n) }));
    return path;
  });
  restore(world.unplanned, wh, outDir);
  boundary.push(await snapshot(wh, outDir, RUN_TABLES));
  for (const cut of cuts) {
    restore(world.unplanned, wh, outDir);
    const r = await cli(args(cut));
    expect(r.code, r.stderr).toBe(0);
    boundary.push(await snapshot(wh, outDir, RUN_TABLES));
  }
  restore(world.unplanned, wh, outDir);
  const r = await cli(args(FIXTURE));
  expect(r.code, r.stderr).toBe(0);
  reference = await snapshot(wh, outDir, RUN_TABLES);
  boundary.push(reference);
  told = await ledger();
  referenceFeed = readFileSync(join(outDir, 'followups.ics'), 'utf8');
}, 600_000);

afterAll(() => printObserved(observed));

describe('followup run killed', () => {
  it('the uninterrupted run and its cuts end at four different states', () => {
    expect(new Set(boundary.map((b) => JSON.stringify(b.tables))).size).toBe(4);
    expect(Object.keys(reference.files)).toEqual(
      expect.arrayContaining(['dialer.csv', 'followups.ics', 'report/index.html']),
    );
    expect(told.length).toBeGreaterThan(200); // the dialer's and the calendar's follow-ups
  });

  const KILLS: [KillSignal, string][] = [
    ['SIGTERM', 'recommend'],
    ['SIGKILL', 'export-dialer'],
    ['SIGTERM', 'report'],
  ];

  it.each(KILLS)('%s as step %s starts', async (signal, step) => {
    restore(world.unplanned, wh, outDir);
    const run = await killOn(args(FIXTURE), signal, {
      line: `"msg":"step ${step}: ${step.startsWith('export') ? 'export' : step} started"`,
      afterMs: 0,
    });
    expect(run.sent).toBe(true);
    expect(run.stderr).not.toContain('internal error');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    const left = await snapshot(wh, outDir, RUN_TABLES);
    // At a step boundary, never inside a step.
    const at = boundary.findIndex((b) => JSON.stringify(b.tables) === JSON.stringify(left.tables));
    expect(at, 'the warehouse is at a step boundary').toBeGreaterThanOrEqual(0);
    // Outputs are whole and the reference's; a delivered step's file is there.
    for (const [f, h] of Object.entries(left.files)) expect(h, `${f} is whole`).toBe(reference.files[f]);
    if (at >= 2) expect(left.files['dialer.csv']).toBeDefined();
    if (at >= 3) expect(left.files['followups.ics']).toBeDefined();
    const runs = await withWarehouse(wh, (w) =>
      w.all<{ outcome: string; error: string | null }>('SELECT outcome, error FROM pipeline_runs'),
    );
    if (signal === 'SIGTERM') {
      expect(run.stopMs).toBeLessThan(5000);
      expect(run.code, run.stderr).toBe(143);
      expect(run.stderr).toContain('"error":"E_INTERRUPTED"');
      expect(runs).toEqual([{ outcome: 'failed', error: expect.stringMatching(/^interrupted by SIGTERM/) }]);
    } else {
      expect(run.signal).toBe('SIGKILL');
      expect(runs).toEqual([{ outcome: 'running', error: null }]);
    }

    // The re-run (waiting for a SIGKILLed run's lock to go stale) ends with the reference's plan, ledger,
    // calendar feed and report.
    const again = await cli(args(FIXTURE));
    expect(again.code, again.stderr).toBe(0);
    const after = await snapshot(wh, outDir, RUN_TABLES);
    for (const t of ['scores', 'score_population', 'recommendation_runs', 'recommendations', 'script_runs'])
      expect(after.tables[t], t).toBe(reference.tables[t]);
    expect(await ledger()).toEqual(told);
    const { 'dialer.csv': dialer, 'followups.ics': feed, ...rest } = after.files;
    const { 'dialer.csv': refDialer, 'followups.ics': refFeed, ...refRest } = reference.files;
    expect(rest).toEqual(refRest);
    // Delivered by the killed run, the dialer's delta is sent again only if the ledger did not record it.
    if (at < 2) expect(dialer).toBe(refDialer);
    else expect(readFileSync(join(outDir, 'dialer.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
    // The calendar feed is whole either way; once delivered, its events say they are unchanged.
    if (at < 3) expect(feed).toBe(refFeed);
    else {
      const text = readFileSync(join(outDir, 'followups.ics'), 'utf8');
      expect(text.replaceAll('X-FOLLOWUP-STATE:unchanged', 'X-FOLLOWUP-STATE:new')).toBe(referenceFeed);
    }
    expect(after.temps).toEqual([]);
    observed.push({
      stage: 'run',
      signal,
      trigger: `as step ${step} starts`,
      ended: run.signal ?? `exit ${run.code}`,
      outcome: at === 0 ? 'as before' : `as after step ${STEPS[at - 1]}`,
      output: `outputs: ${Object.keys(left.files).join(', ') || 'none'}`,
      tempLeft: left.temps.length > 0,
    });
  });
  it('SIGTERM while the exports and the report run side by side (needs)', async () => {
    // The same steps, the two exports and the report each needing only recommend: they start together.
    const spec = parse(readFileSync(FIXTURE, 'utf8')) as { stages: { id: string; needs?: string[] }[] };
    for (const s of spec.stages.slice(1)) s.needs = ['recommend'];
    const path = join(dir, 'side-by-side.yaml');
    writeFileSync(path, stringify(spec));
    restore(world.unplanned, wh, outDir);
    // The three "started" lines are logged together, in file order: at the report's, every one has started.
    const run = await killOn(args(path), 'SIGTERM', {
      line: '"msg":"step report: report started"',
      afterMs: 0,
    });
    expect(run.sent).toBe(true);
    expect(run.stopMs).toBeLessThan(5000);
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toContain('"error":"E_INTERRUPTED"');
    expect(run.stderr).not.toContain('internal error');
    const left = await snapshot(wh, outDir, RUN_TABLES);
    // Recommend was done; each export is whole or absent: its ledger rows are the reference's or none, its file
    // the reference's or absent.
    for (const t of ['recommendation_runs', 'recommendations'])
      expect(left.tables[t], t).toBe(reference.tables[t]);
    const rows = (await ledger()) as { format: string }[];
    for (const f of ['csv', 'ics']) {
      const mine = rows.filter((r) => r.format === f);
      if (mine.length > 0)
        expect(mine, f).toEqual((told as { format: string }[]).filter((r) => r.format === f));
    }
    for (const [f, h] of Object.entries(left.files)) expect(h, `${f} is whole`).toBe(reference.files[f]);
    expect(left.temps).toEqual([]);
    const runs = await withWarehouse(wh, (w) =>
      w.all<{ outcome: string; error: string | null }>('SELECT outcome, error FROM pipeline_runs'),
    );
    expect(runs).toEqual([{ outcome: 'failed', error: expect.stringMatching(/^interrupted by SIGTERM/) }]);
    // The re-run ends with the reference's plan and what each target was told.
    const again = await cli(args(path));
    expect(again.code, again.stderr).toBe(0);
    expect(await ledger()).toEqual(told);
    observed.push({
      stage: 'run',
      signal: 'SIGTERM',
      trigger: 'as 3 steps start together',
      ended: `exit ${run.code}`,
      outcome: `exports committed: ${['csv', 'ics'].filter((f) => rows.some((r) => r.format === f)).join(', ') || 'none'}`,
      output: `outputs: ${Object.keys(left.files).join(', ') || 'none'}`,
      tempLeft: left.temps.length > 0,
    });
  });
});
