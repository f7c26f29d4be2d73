/**
 * Safe to schedule: real `followup run` child processes on a small generated world.
 *  - two runs started at once on one warehouse: one is refused with exit 4 and a clear message;
 *  - the other is SIGKILLed during train, then run again (waiting for the dead run's lock to go stale); its
 *    outputs equal those of an uninterrupted run: same recommendations, same model versions and champions, no
 *    duplicated contract rows, identical export files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { runGenerate } from '../../src/generate/index.ts';
import { withWarehouse } from '../../src/warehouse/db.ts';
import { CLI, followup, ROOT } from '../lifecycle/cli.ts';

const PIPELINE = join(import.meta.dirname, 'fixtures/small.yaml');
const dir = mkdtempSync(join(tmpdir(), 'followup-schedule-'));
const world = join(dir, 'world');
const A = join(dir, 'a'); // uninterrupted
const B = join(dir, 'b'); // killed, then re-run
const ENV = { FOLLOWUP_LOCK_STALE_MS: '2000' };

beforeAll(async () => {
  await runGenerate({ out: world, borrowers: 300, months: 24, seed: 3, start: '2023-01-01' }, silentLogger);
}, 60_000);

function start(workdir: string): { child: ChildProcess; exit: Promise<number | null>; lines: string[] } {
  const child = spawn(
    process.execPath,
    [CLI, 'run', PIPELINE, '--workdir', workdir, '--set', `input=${world}`, '--json'],
    {
      cwd: ROOT,
      env: { ...process.env, TZ: 'UTC', FOLLOWUP_NOW: '2026-01-05T00:00:00Z', ...ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  child.stdout!.resume();
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit, lines };
}

const until = async (cond: () => boolean, what: string, ms = 180_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

interface Outputs {
  recommendations: unknown[];
  runs: unknown[];
  duplicates: Record<string, number>;
  counts: Record<string, number>;
  versions: Record<string, string[]>;
  champions: Record<string, string>;
  exports: Record<string, string>;
}

async function outputs(workdir: string): Promise<Outputs> {
  return withWarehouse(join(workdir, 'warehouse.duckdb'), async (w) => {
    const n = async (sql: string) => Number((await w.one<{ n: bigint }>(sql))!.n);
    const keys: Record<string, string> = {
      loans: 'loan_id',
      repayments: 'loan_id, installment_no',
      contacts: 'contact_id',
      market: 'region, month',
    };
    const duplicates: Record<string, number> = {};
    const counts: Record<string, number> = {};
    for (const [t, k] of Object.entries(keys)) {
      counts[t] = await n(`SELECT count(*) AS n FROM ${t}`);
      duplicates[t] = counts[t]! - (await n(`SELECT count(*) AS n FROM (SELECT DISTINCT ${k} FROM ${t})`));
    }
    const models = join(workdir, 'models');
    const versions: Record<string, string[]> = {};
    const champions: Record<string, string> = {};
    for (const name of readdirSync(models).sort()) {
      versions[name] = readdirSync(join(models, name), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
      champions[name] = readFileSync(join(models, name, 'champion'), 'utf8');
    }
    const exportsDir = join(workdir, 'exports');
    return {
      recommendations: await w.all('SELECT * FROM recommendations ORDER BY ALL'),
      runs: await w.all('SELECT * EXCLUDE (created_at) FROM recommendation_runs ORDER BY ALL'),
      duplicates,
      counts,
      versions,
      champions,
      exports: Object.fromEntries(
        readdirSync(exportsDir)
          .sort()
          .map((f) => [f, readFileSync(join(exportsDir, f), 'utf8')]),
      ),
    };
  });
}

describe('safe to schedule', () => {
  let reference: Outputs;

  it('an uninterrupted run completes', async () => {
    const r = followup(['run', PIPELINE, '--workdir', A, '--set', `input=${world}`, '--json'], ENV);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).steps.map((s: { id: string }) => s.id)).toEqual([
      'ingest',
      'train',
      'recommend',
      'export-dialer',
      'export-calendar',
    ]);
    reference = await outputs(A);
    expect(reference.recommendations.length).toBeGreaterThan(50);
  }, 400_000);

  it('refuses a second run on a busy warehouse (exit 4), survives SIGKILL mid-train and re-runs to the same outputs', async () => {
    // Two runs at once on one warehouse.
    const one = start(B);
    const two = start(B);
    const first = await Promise.race([one.exit.then(() => one), two.exit.then(() => two)]);
    const other = first === one ? two : one;
    expect(await first.exit).toBe(4);
    expect(first.lines.join('\n')).toContain('another run holds the lock');
    expect(first.lines.join('\n')).toContain('"error":"E_BUSY"');

    // The one holding the lock is killed without warning in the middle of training.
    await until(() => other.lines.some((l) => l.includes('"msg":"training"')), 'training to start');
    other.child.kill('SIGKILL');
    await other.exit;
    expect(other.lines.some((l) => l.includes('step train: done'))).toBe(false);

    // Re-run: waits for the dead run's lock to go stale, then finishes.
    const again = followup(
      ['run', PIPELINE, '--workdir', B, '--set', `input=${world}`, '--wait-lock', '30', '--json'],
      ENV,
    );
    expect(again.code, again.stderr).toBe(0);
    const got = await outputs(B);
    expect(got.duplicates).toEqual({ loans: 0, repayments: 0, contacts: 0, market: 0 });
    expect(got.counts).toEqual(reference.counts);
    expect(got.versions).toEqual(reference.versions);
    expect(got.champions).toEqual(reference.champions);
    expect(got.runs).toEqual(reference.runs);
    expect(got.recommendations).toEqual(reference.recommendations);
    expect(Object.keys(got.exports)).toEqual(['dialer.csv', 'followups.ics']);
    expect(got.exports).toEqual(reference.exports);
  }, 600_000);
});
