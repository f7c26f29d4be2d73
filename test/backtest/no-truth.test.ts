/**
 * The truth stays hidden from every model: ingesting a generated world's folder loads no file of its truth/, no
 * warehouse table or column carries a latent trait, and only the judging code (src/backtest/, the `backtest` and
 * `evaluate` commands) reads truth files at all — features, models and the planner never do.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import { BORROWER_TRUTH_COLUMNS, runGenerate } from '../../src/generate/run.ts';
import { runIngest } from '../../src/ingest/index.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';

const SRC = new URL('../../src/', import.meta.url).pathname;
let dir: string;
let w: Warehouse;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'followup-no-truth-'));
  await runGenerate({ out: join(dir, 'world'), borrowers: 60, months: 12, seed: 5 }, silentLogger);
  w = await openWarehouse(join(dir, 'w.duckdb'));
  await runIngest(
    w,
    { paths: [join(dir, 'world')] },
    { log: silentLogger, clock: fixedClock('2026-01-01T00:00:00Z') },
  );
});

afterAll(async () => {
  w?.close();
  await rm(dir, { recursive: true, force: true });
});

function files(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('no model input reads truth/', () => {
  it('ingest loads the world’s data files and nothing from truth/', async () => {
    const batches = await w.all<{ n: bigint }>('SELECT count(*) AS n FROM ingest_batches');
    expect(Number(batches[0]!.n)).toBeGreaterThan(0);
    const cols = await w.all<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'`,
    );
    const names = new Set(cols.map((c) => c.column_name));
    for (const c of [...BORROWER_TRUTH_COLUMNS.filter((x) => x !== 'borrower_id'), 'hazard', 'p_hangup'])
      expect(names.has(c), c).toBe(false);
    const tables = new Set(cols.map((c) => c.table_name));
    expect([...tables].some((t) => /truth|hazard|hangup_true/.test(t))).toBe(false);
    // The loans came in, and the files read were the data files only.
    const loans = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM loans');
    expect(Number(loans?.n)).toBeGreaterThan(50);
  });

  it('only the judging code names truth files', () => {
    const readers = files(SRC)
      .filter((f) =>
        /truth\/|'truth'|borrowers\.csv|hazard\.csv|hangup\.csv|loadWorldTruth|truthFile\(/.test(
          readFileSync(f, 'utf8'),
        ),
      )
      .map((f) => relative(SRC, f))
      .sort();
    const allowed = (f: string) =>
      f.startsWith('backtest/') ||
      f.startsWith('generate/') ||
      f === 'cli/commands/backtest.ts' ||
      f === 'cli/commands/evaluate.ts' ||
      f === 'cli/commands/generate.ts';
    expect(readers.filter((f) => !allowed(f))).toEqual([]);
    expect(readers).toContain('backtest/world.ts');
    // Features, models and the planner import nothing from the generator's truth or the backtest.
    for (const f of files(SRC).filter((x) => /\/(features|models|recommend|ops)\//.test(x))) {
      const text = readFileSync(f, 'utf8');
      expect(text.includes("from '../generate/truth.ts'"), f).toBe(false);
      expect(text.includes("from '../backtest/"), f).toBe(false);
    }
  });
});
