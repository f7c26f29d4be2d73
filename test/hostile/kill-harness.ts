/**
 * The harness of the "killed at every stage" tests (kill-*.test.ts): a small trained world, the real CLI as a
 * child process killed on a trigger (a log line, or a file appearing) after a fixed delay, and snapshots of what a
 * run leaves — each warehouse table's row count and content hash (test/ingest/helpers.ts `fingerprint`) and a
 * sha256 per output file — to compare with the states an uninterrupted run starts from and ends in.
 *
 * Why both outcomes are accepted: on a world this small a stage commits within milliseconds of its last log line,
 * so a kill races the COMMIT. What must hold either way is that the warehouse is EXACTLY as before or EXACTLY as a
 * complete run leaves it, never between; the tests record which one each kill produced.
 *
 * Where the SIGKILLs are aimed: before a stage's COMMIT, and (kill-run.test.ts) after a step's COMMIT while the
 * pipeline goes on — not into the checkpoint DuckDB runs when a command closes the warehouse after its COMMIT.
 * DuckDB 1.5 rewrites a live metadata block in place there, and a SIGKILL that tears that write (most likely the
 * kernel cutting a large write short between pages for the fatal signal) leaves the file unreadable ("Corrupt
 * database file: computed checksum … does not match"); it happened to 2 of about 100 kills timed around the close.
 * That is the engine's, not the stages' (README, "Killed or stopped"). SIGTERM never lands there: the close is
 * synchronous and ends before the handler runs.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  watch,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import { runGenerate } from '../../src/generate/index.ts';
import { runIngest } from '../../src/ingest/index.ts';
import { runRecommend } from '../../src/recommend/run.ts';
import { runTrain } from '../../src/train/run.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { CLI, type CliResult, fingerprint, ROOT, tempDir } from '../ingest/helpers.ts';

/** The world's data end on 2025-06-30; the clock is pinned the morning after (recorded times, run ids). */
export const AS_OF = '2025-06-30';
export const ENV: Record<string, string> = {
  TZ: 'UTC',
  FOLLOWUP_CONFIG: 'none',
  FOLLOWUP_NOW: '2025-07-01T06:00:00Z',
  // JSON log lines at info level: the triggers below wait for them.
  FOLLOWUP_LOG_LEVEL: 'info',
  // The lock of a SIGKILLed run goes stale after 2 s (proper-lockfile's floor), so a re-run with --wait-lock gets it.
  FOLLOWUP_LOCK_STALE_MS: '2000',
};

export interface World {
  models: string;
  /** A warehouse with the world loaded and models trained, no plan yet (score, recommend, run start here). */
  unplanned: string;
  /** The same plus one recommendation run (export and report start here). */
  planned: string;
}

/** The smallest world both models train on (150 borrowers, 18 months, 2 epochs), built in process once per file. */
export async function buildWorld(): Promise<World> {
  const dir = tempDir('kill-world-');
  const clock = fixedClock(`${ENV.FOLLOWUP_NOW}`);
  await runGenerate(
    { out: join(dir, 'world'), borrowers: 150, months: 18, seed: 3, start: '2024-01-01' },
    silentLogger,
  );
  const models = join(dir, 'models');
  const unplanned = join(dir, 'unplanned.duckdb');
  await withWarehouse(unplanned, async (w) => {
    await runIngest(w, { paths: [join(dir, 'world')] }, { log: silentLogger, clock });
    await runTrain(
      w,
      { modelsDir: models, delinquency: { epochs: 2, seed: 3 }, hangup: { epochs: 2, seed: 3 } },
      silentLogger,
      clock,
    );
  });
  const planned = join(dir, 'planned.duckdb');
  copyFileSync(unplanned, planned);
  await withWarehouse(planned, (w) =>
    runRecommend(w, { modelsDir: models, asOf: AS_OF }, silentLogger, clock),
  );
  return { models, unplanned, planned };
}

/** The CLI run to the end. */
export function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: { ...process.env, ...ENV }, maxBuffer: 1 << 26 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

export type KillSignal = 'SIGKILL' | 'SIGTERM';

/** When to send the signal: `afterMs` after the first stderr line holding `line`, or after a file matching
 * `name` appears in folder `dir` (which must exist). */
export interface Trigger {
  line?: string;
  appears?: { dir: string; name: RegExp };
  afterMs: number;
}

export interface Killed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Whether the signal was sent while the run was still going (false: it ended before the trigger fired). */
  sent: boolean;
  /** Milliseconds from the signal to the process's exit. */
  stopMs: number | null;
}

/** Runs the CLI and sends `signal` on `trigger`. */
export function killOn(args: string[], signal: KillSignal, trigger: Trigger): Promise<Killed> {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  let sentAt: number | null = null;
  const fire = () => {
    if (sentAt !== null || exited) return;
    setTimeout(() => {
      if (exited || sentAt !== null) return;
      sentAt = performance.now();
      child.kill(signal);
    }, trigger.afterMs);
  };
  const watcher = trigger.appears
    ? watch(trigger.appears.dir, (_event, name) => {
        if (name && trigger.appears?.name.test(name)) fire();
      })
    : undefined;
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    const before = stderr.length;
    stderr += d.toString();
    if (trigger.line && stderr.indexOf(trigger.line, Math.max(0, before - trigger.line.length)) >= 0) fire();
  });
  return new Promise((resolve) => {
    child.on('close', (code, sig) => {
      exited = true;
      watcher?.close();
      resolve({
        code,
        signal: sig,
        stdout,
        stderr,
        sent: sentAt !== null,
        stopMs: sentAt === null ? null : performance.now() - sentAt,
      });
    });
  });
}

export interface Snapshot {
  /** Table → "rows:hash". */
  tables: Record<string, string>;
  /** Output file (relative to the output folder) → sha256; temp files are listed in `temps`, not here. */
  files: Record<string, string>;
  /** `<file>.<pid>.tmp` files in the output folder. */
  temps: string[];
}

const TEMP = /\.[0-9]+\.tmp$/;

/**
 * What a run left: the warehouse's tables but `skip` (opened read-write, so a WAL a killed run committed to is
 * replayed as the next run would), and every file under the output folder.
 */
export async function snapshot(wh: string, outDir: string, skip: string[] = []): Promise<Snapshot> {
  const all = await withWarehouse(wh, fingerprint);
  const tables = Object.fromEntries(Object.entries(all).filter(([t]) => !skip.includes(t)));
  const files: Record<string, string> = {};
  const temps: string[] = [];
  for (const f of readdirSync(outDir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(outDir, f);
    if (statSync(path).isDirectory()) continue;
    if (TEMP.test(f)) temps.push(f);
    else files[f] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return { tables, files, temps };
}

/** Puts warehouse `from` at `to` (no WAL, no lock of an earlier run) and an empty output folder at `outDir`. */
export function restore(from: string, to: string, outDir: string): void {
  for (const f of [to, `${to}.wal`, `${to}.lock`, outDir]) rmSync(f, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`);
  mkdirSync(outDir, { recursive: true });
}

/** Keeps a copy of warehouse `wh` and output folder `outDir` under `to` (a state a later run can start from). */
export function keep(wh: string, outDir: string, to: string): { wh: string; outDir: string } {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  const kept = { wh: join(to, 'w.duckdb'), outDir: join(to, 'out') };
  copyFileSync(wh, kept.wh);
  if (existsSync(`${wh}.wal`)) copyFileSync(`${wh}.wal`, `${kept.wh}.wal`);
  cpSync(outDir, kept.outDir, { recursive: true });
  return kept;
}

export type Outcome = 'as before' | 'complete';

/** Which of the two states the tables are in; throws (with the differing tables) when in neither. */
export function outcomeOf(
  now: Record<string, string>,
  before: Record<string, string>,
  complete: Record<string, string>,
): Outcome {
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    JSON.stringify(a) === JSON.stringify(b);
  if (same(now, before)) return 'as before';
  if (same(now, complete)) return 'complete';
  const diff = Object.keys({ ...now, ...before, ...complete })
    .filter((t) => now[t] !== before[t])
    .map((t) => `${t}: now ${now[t]}, before ${before[t]}, complete ${complete[t]}`);
  throw new Error(`the warehouse is neither as before nor as a complete run leaves it:\n${diff.join('\n')}`);
}

/** A stack frame in stderr (the `  at <file>` place line of a typed error ends without :line:column). */
export const STACK_FRAME = /\n\s+at .*:\d+:\d+\)?$/m;

/** One line of the outcome table the kill tests print at the end. */
export interface Observed {
  stage: string;
  signal: KillSignal;
  trigger: string;
  /** `exit 143`, `SIGKILL`, or `ended before the signal` */
  ended: string;
  /** `as before` or `complete` (a pipeline: the step boundary it stopped at) */
  outcome: string;
  output: string;
  tempLeft: boolean;
}

export function printObserved(rows: Observed[]): void {
  const line = (r: Observed) =>
    `${r.stage.padEnd(14)} ${r.signal.padEnd(7)} ${r.trigger.padEnd(38)} ${r.ended.padEnd(22)} ${r.outcome.padEnd(30)} ${r.output}${r.tempLeft ? ', temp file left' : ''}`;
  console.info(`kill outcomes:\n${rows.map(line).join('\n')}`);
}

/** A stage run through the CLI on a copy of a base warehouse, outputs under its own folder. */
export interface StageSpec {
  name: string;
  /** Warehouse the stage starts from (copied to `<dir>/w.duckdb` before every run). */
  base: string;
  /** CLI arguments, given the warehouse and output folder. */
  args: (wh: string, outDir: string) => string[];
  /** The output file whose presence means the output is complete (written last, or alone); none for a stage
   * that writes only the warehouse. */
  page?: string;
  /** A second complete run changes nothing (scores and plans replace themselves; a report is read-only). */
  idempotent: boolean;
  /** Reads the complete output back and returns its number of follow-ups (or charts). */
  readBack?: (outDir: string) => Promise<number>;
  /** Tables not compared (none by default). */
  skip?: string[];
}

export interface KillSpec {
  signal: KillSignal;
  /** Words for the outcome table, e.g. `on "export planned" + 40 ms`. */
  label: string;
  trigger: (outDir: string) => Trigger;
}

/**
 * Sets a stage up: the state before, one uninterrupted run (the reference), and a function that kills a run on
 * a trigger, checks what it left and re-runs it.
 */
export async function stageUnderKill(spec: StageSpec) {
  const dir = tempDir(`kill-${spec.name.replaceAll(/\W+/g, '-')}-`);
  const wh = join(dir, 'w.duckdb');
  const outDir = join(dir, 'out');
  const args = spec.args(wh, outDir);
  restore(spec.base, wh, outDir);
  const before = await snapshot(wh, outDir, spec.skip);
  const first = await cli(args);
  expect(first.code, first.stderr).toBe(0);
  const reference = await snapshot(wh, outDir, spec.skip);
  const readBack = spec.readBack ?? (async () => 0);
  if (spec.page) {
    expect(reference.files[spec.page], `${spec.name} wrote ${spec.page}`).toBeDefined();
    expect(await readBack(outDir)).toBeGreaterThan(0);
  } else expect(reference.files).toEqual({});
  const rows = await readBack(outDir);
  const kept = keep(wh, outDir, join(dir, 'reference'));
  // The state a re-run after a complete run ends in: the reference itself for an idempotent stage, else one
  // more uninterrupted run from the reference (an export records itself again), measured once when needed.
  let second: Promise<Snapshot> | undefined;
  const afterSecond = (): Promise<Snapshot> => {
    if (spec.idempotent) return Promise.resolve(reference);
    second ??= (async () => {
      restore(kept.wh, wh, outDir);
      cpSync(kept.outDir, outDir, { recursive: true });
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(0);
      return snapshot(wh, outDir, spec.skip);
    })();
    return second;
  };

  async function kill(k: KillSpec): Promise<Observed> {
    restore(spec.base, wh, outDir);
    const run = await killOn(args, k.signal, k.trigger(outDir));
    const left = await snapshot(wh, outDir, spec.skip);
    const outcome = outcomeOf(left.tables, before.tables, reference.tables);
    // Outputs: only whole files, each the reference's; the page only with everything beside it.
    for (const [f, h] of Object.entries(left.files)) expect(h, `${f} is whole`).toBe(reference.files[f]);
    const page = spec.page !== undefined && left.files[spec.page] !== undefined;
    if (page) {
      expect(left.files).toEqual(reference.files);
      expect(await readBack(outDir)).toBe(rows);
    }
    // A COMMIT comes after the output is in place: a complete warehouse always has its output.
    if (outcome === 'complete' && spec.page) expect(page).toBe(true);
    expect(run.stderr).not.toContain('internal error');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    let ended: string;
    if (!run.sent) {
      // Done before the trigger fired: an uninterrupted run.
      expect(run.code, run.stderr).toBe(0);
      ended = 'ended before the signal';
    } else if (k.signal === 'SIGTERM') {
      // The bound: SIGTERM stops a run within 5 s, cleanly.
      expect(run.stopMs).toBeLessThan(5000);
      expect([0, 143], run.stderr).toContain(run.code);
      if (run.code === 143) {
        expect(run.stderr).toContain('"error":"E_INTERRUPTED"');
        expect(run.stderr).toMatch(/interrupted by SIGTERM/);
        expect(outcome).toBe('as before');
      } else expect(outcome).toBe('complete');
      ended = `exit ${run.code}`;
    } else {
      // SIGKILL: no handler runs; a process already exiting may still end with 0 (then it completed).
      if (run.signal !== 'SIGKILL') expect(run.code).toBe(0);
      ended = run.signal === 'SIGKILL' ? 'SIGKILL' : `exit ${run.code}`;
    }
    const tempLeft = left.temps.length > 0;
    // The re-run succeeds and ends where an uninterrupted run from the same state ends; no temp file survives it.
    const again = await cli(args);
    expect(again.code, again.stderr).toBe(0);
    const after = await snapshot(wh, outDir, spec.skip);
    const expected = outcome === 'as before' ? reference : await afterSecond();
    expect(after.tables).toEqual(expected.tables);
    expect(after.files).toEqual(expected.files);
    expect(after.temps).toEqual([]);
    return {
      stage: spec.name,
      signal: k.signal,
      trigger: k.label,
      ended,
      outcome,
      output: spec.page ? `${spec.page} ${page ? 'complete' : 'absent'}` : '',
      tempLeft,
    };
  }

  return { before, reference, kill };
}
