/**
 * Sharding (src/shard): the md5 shard of a loan is the same in SQL and JS and partitions the loans; the union of
 * N sharded recommend runs equals the unsharded run row for row (run ids aside) when capacity is unlimited; N
 * sharded CSV exports of one run add up to the unsharded CSV; each shard plans against its share of a global
 * capacity; the Hive Parquet dataset reads back to the warehouse rows, each in its loan's shard folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { UsageError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/log.ts';
import { runExportOn } from '../../src/export/run.ts';
import { runGenerate } from '../../src/generate/index.ts';
import { runIngest } from '../../src/ingest/index.ts';
import { runRecommend } from '../../src/recommend/run.ts';
import {
  parseShard,
  type Shard,
  shardLabel,
  shardLoanIds,
  shardOf,
  shardPredicateSql,
  shareCapacity,
} from '../../src/shard/index.ts';
import { exportParquetDataset } from '../../src/shard/parquet.ts';
import { runTrain } from '../../src/train/run.ts';
import { literal, openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';

const clock = fixedClock('2026-01-05T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'followup-shard-'));
const world = join(dir, 'world');
const models = join(dir, 'models');
const whPath = join(dir, 'wh.duckdb');
const AS_OF = '2024-12-31';
const N = 3;
const shards: Shard[] = Array.from({ length: N }, (_, i) => ({ k: i + 1, n: N }));
let w: Warehouse;

beforeAll(async () => {
  await runGenerate({ out: world, borrowers: 300, months: 24, seed: 3, start: '2023-01-01' }, silentLogger);
  w = await openWarehouse(whPath);
  await runIngest(w, { paths: [world] }, { log: silentLogger, clock });
  await runTrain(
    w,
    { modelsDir: models, delinquency: { epochs: 3, seed: 3 }, hangup: { epochs: 3, seed: 3 } },
    silentLogger,
    clock,
  );
}, 300_000);

afterAll(() => w?.close());

/** Recommendation rows of a run as sorted JSON lines, without the run id (which names the run, not the plan). */
async function planRows(runId: string): Promise<string[]> {
  const rows = await w.all<Record<string, unknown>>(
    `SELECT * EXCLUDE (run_id) FROM recommendations WHERE run_id = $1 ORDER BY loan_id, purpose, cycle`,
    [runId],
  );
  return rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
}

describe('shard key', () => {
  it('parses K/N and rejects anything else with what was expected', () => {
    expect(parseShard('2/8')).toEqual({ k: 2, n: 8 });
    expect(shardLabel(parseShard(' 1 / 1 '))).toBe('1/1');
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '1/2/3'])
      expect(() => parseShard(bad)).toThrow(UsageError);
    expect(() => parseShard('5/4')).toThrow(/expected K\/N with 1 ≤ K ≤ N .*got "5\/4"/);
  });

  it('is the same in SQL and JS, and the shards partition the loans', async () => {
    const rows = await w.all<{ loan_id: string; borrower_id: string }>(
      'SELECT loan_id, borrower_id FROM loans ORDER BY loan_id',
    );
    const ids = rows.map((r) => r.loan_id);
    const borrowerOf = new Map(rows.map((r) => [r.loan_id, r.borrower_id]));
    expect(ids.length).toBeGreaterThan(100);
    const seen = new Map<string, number>();
    for (const s of shards) {
      const mine = await shardLoanIds(w, s);
      // Roughly even: md5 spreads ids; a third of a few hundred loans is never under a sixth.
      expect(mine.length).toBeGreaterThan(ids.length / (2 * N));
      // By borrower: a borrower's loans share a shard (one contact per borrower needs them together).
      for (const id of mine) {
        expect(shardOf(borrowerOf.get(id)!, N)).toBe(s.k);
        expect(seen.has(id)).toBe(false);
        seen.set(id, s.k);
      }
    }
    expect([...seen.keys()].sort()).toEqual(ids);
    // SQL (DuckDB md5) and JS (node:crypto md5) agree on a literal too, not only on the stored ids.
    const probe = await w.one<{ k: boolean }>(
      `SELECT ${shardPredicateSql("'B0000001'", { k: 1, n: 3 })} AS k`,
    );
    expect(probe?.k).toBe(shardOf('B0000001', 3) === 1);
  });

  it('splits a capacity into shares that add up to it', () => {
    for (const c of [0, 1, 7, 100, 101]) {
      const shares = shards.map((s) => shareCapacity(c, s)!);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(c);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
    expect(shareCapacity(null, { k: 1, n: 4 })).toBeNull();
  });
});

describe('sharded recommend and export', () => {
  it('the union of the shard runs equals the unsharded run, and so do the CSV exports', async () => {
    // Unlimited capacity: a capacity (a number shared out, or `auto` from each shard's own plan) moves follow-ups
    // differently per shard, as the capacity test below shows.
    const policyText = readFileSync(new URL('../../src/config/policy.default.yaml', import.meta.url), 'utf8');
    const unlimited = policyText.replace(/capacity:\n {2}daily: auto/, 'capacity:\n  daily: null');
    expect(unlimited).not.toBe(policyText);
    const policy = join(dir, 'policy-unlimited.yaml');
    writeFileSync(policy, unlimited);
    const all = await runRecommend(w, { modelsDir: models, asOf: AS_OF, policy }, silentLogger, clock);
    const whole = await planRows(all.run_id);
    expect(whole.length).toBeGreaterThan(50);
    const union: string[] = [];
    for (const s of shards) {
      const loanIds = await shardLoanIds(w, s);
      const r = await runRecommend(
        w,
        { modelsDir: models, asOf: AS_OF, policy, loanIds, shard: shardLabel(s) },
        silentLogger,
        clock,
      );
      expect(r.run_id).not.toBe(all.run_id);
      const rows = await planRows(r.run_id);
      for (const row of rows) expect(shardOf(JSON.parse(row).borrower_id, N)).toBe(s.k);
      union.push(...rows);
      const stored = await w.one<{ shard: string }>(
        'SELECT shard FROM recommendation_runs WHERE run_id = $1',
        [r.run_id],
      );
      expect(stored?.shard).toBe(`${s.k}/${N}`);
    }
    expect(union.sort()).toEqual(whole);

    // Export: the unsharded run once, then shard by shard to separate targets; data rows add up exactly.
    const deps = { log: silentLogger, clock };
    const full = join(dir, 'all.csv');
    await runExportOn(w, deps, { warehouse: whPath, format: 'csv', runId: all.run_id, out: full });
    const [head, ...body] = readFileSync(full, 'utf8').trimEnd().split(/\r?\n/);
    const parts: string[] = [];
    for (const s of shards) {
      const out = join(dir, `shard-${s.k}.csv`);
      const r = await runExportOn(w, deps, {
        warehouse: whPath,
        format: 'csv',
        runId: all.run_id,
        out,
        shard: s,
      });
      const [h, ...rows] = readFileSync(out, 'utf8').trimEnd().split(/\r?\n/);
      expect(h).toBe(head);
      expect(r.written).toBe(rows.length);
      parts.push(...rows);
    }
    expect(body.length).toBe(whole.length);
    expect(parts.sort()).toEqual([...body].sort());
  }, 120_000);

  it('each shard plans against its share of a global daily capacity', async () => {
    const policyText = readFileSync(new URL('../../src/config/policy.default.yaml', import.meta.url), 'utf8');
    const CAP = 4;
    const limited = policyText.replace(/capacity:\n {2}daily: auto/, `capacity:\n  daily: ${CAP}`);
    expect(limited).not.toBe(policyText);
    const policy = join(dir, 'policy-cap.yaml');
    writeFileSync(policy, limited);
    const all = await runRecommend(w, { modelsDir: models, asOf: AS_OF, policy }, silentLogger, clock);
    // Tight enough that the whole book overflows some day: the global constraint binds.
    expect(all.overflow.length).toBeGreaterThan(0);
    for (const o of all.overflow) expect(o.capacity).toBe(CAP);
    let shardOverflow = 0;
    const placed = new Map<string, number>();
    for (const s of shards) {
      const r = await runRecommend(
        w,
        { modelsDir: models, asOf: AS_OF, policy, loanIds: await shardLoanIds(w, s), shard: shardLabel(s) },
        silentLogger,
        clock,
      );
      for (const o of r.overflow) expect(o.capacity).toBe(shareCapacity(CAP, s));
      expect(r.stats.capacity_daily).toBe(shareCapacity(CAP, s));
      shardOverflow += r.stats.overflow;
      for (const row of await planRows(r.run_id)) {
        const x = JSON.parse(row) as { due_on: string; reason_codes: string[] };
        // A follow-up joined to another loan's call of the same borrower is that call, not one more.
        const extra = x.reason_codes.includes('CAPACITY_OVERFLOW') || x.reason_codes.includes('COORDINATED');
        if (!extra) placed.set(x.due_on, (placed.get(x.due_on) ?? 0) + 1);
      }
    }
    // Shares add up to the global capacity, so the shards' placed calls together respect it on every day; what
    // does not fit is reported as overflow by the shard, never hidden.
    expect([...placed.entries()].filter(([, n]) => n > CAP)).toEqual([]);
    expect(placed.size).toBeGreaterThan(0);
    expect(shardOverflow).toBeGreaterThan(0);
  }, 120_000);
});

describe('Hive-partitioned Parquet dataset', () => {
  it('reads back to the warehouse rows, each loan in its shard folder', async () => {
    const out = join(dir, 'dataset');
    const written = await exportParquetDataset(w, { out, shards: 4 });
    const names = written.map((t) => t.table);
    expect(names).toEqual(
      expect.arrayContaining(['loans', 'repayments', 'contacts', 'market', 'recommendations']),
    );
    for (const t of written) {
      const src = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t.table}`);
      expect(t.rows).toBe(Number(src?.n));
      if (t.partitions === 0) {
        const back = await w.one<{ n: bigint }>(`SELECT count(*) AS n FROM read_parquet(${literal(t.path)})`);
        expect(Number(back?.n)).toBe(t.rows);
        continue;
      }
      const glob = literal(join(t.path, '*', '*.parquet'));
      // Every row back, identical to the warehouse's (EXCEPT ALL both ways), in the folder of its own shard.
      const diff = await w.one<{ a: bigint; b: bigint; wrong: bigint }>(
        `SELECT
           (SELECT count(*) FROM (SELECT * FROM ${t.table} EXCEPT ALL
              SELECT * EXCLUDE (shard) FROM read_parquet(${glob}, hive_partitioning = true))) AS a,
           (SELECT count(*) FROM (SELECT * EXCLUDE (shard) FROM read_parquet(${glob}, hive_partitioning = true)
              EXCEPT ALL SELECT * FROM ${t.table})) AS b,
           (SELECT count(*) FROM read_parquet(${glob}, hive_partitioning = true)
              WHERE NOT ${shardPredicateSql('loan_id', { k: 1, n: 4 })} = (shard = 1)) AS wrong`,
      );
      expect([Number(diff?.a), Number(diff?.b), Number(diff?.wrong)]).toEqual([0, 0, 0]);
    }
  });

  it("leaves the connection's partitioned-write setting as it found it", async () => {
    const threshold = async () =>
      (
        await w.one<{ v: string }>(
          "SELECT current_setting('partitioned_write_flush_threshold')::VARCHAR AS v",
        )
      )?.v;
    await w.run('SET partitioned_write_flush_threshold = 4321');
    await exportParquetDataset(w, { out: join(dir, 'dataset-setting'), shards: 2, tables: ['repayments'] });
    expect(await threshold()).toBe('4321');
    await w.run('RESET partitioned_write_flush_threshold');
  });
});

describe('CLI', () => {
  it('score --shard K/N scores exactly that shard', async () => {
    w.close();
    try {
      const out = execFileSync(
        'node',
        [
          'src/cli/followup.mjs',
          'score',
          '--warehouse',
          whPath,
          '--models',
          models,
          '--as-of',
          AS_OF,
          '--shard',
          '2/3',
          '--no-reasons',
          '--json',
        ],
        { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } },
      );
      const s = JSON.parse(out);
      expect(s.shard).toBe('2/3');
      w = await openWarehouse(whPath);
      const want = await w.one<{ n: bigint }>(
        `SELECT count(*) AS n FROM scores JOIN loans USING (loan_id)
         WHERE as_of = $1::DATE AND ${shardPredicateSql('borrower_id', { k: 2, n: 3 })}`,
        [AS_OF],
      );
      expect(s.loans).toBe(Number(want?.n));
      expect(s.loans).toBeGreaterThan(0);
    } finally {
      if (!w) w = await openWarehouse(whPath);
    }
  }, 120_000);
});
