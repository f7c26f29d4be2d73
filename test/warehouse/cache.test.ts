import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'followup-duckdb-cache-'));
const file = join(dir, 'w.duckdb');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A query that reads every block of the table, so DuckDB caches them. */
const SCAN = 'SELECT sum(i)::VARCHAR AS s, count(DISTINCT h)::INTEGER AS n, max(h) AS m FROM t';

/** Bytes of a size as DuckDB writes it ("18.8 GiB", "61.0 MiB"). */
function bytesOf(size: string): number {
  const m = /^([\d.]+) (KiB|MiB|GiB|TiB)$/.exec(size);
  if (!m) throw new Error(`not a DuckDB size: ${size}`);
  return Number(m[1]) * 2 ** (10 * (['KiB', 'MiB', 'GiB', 'TiB'].indexOf(m[2]!) + 1));
}

/**
 * The limit DuckDB's buffer pool enforces (PRAGMA database_size), which is not always what `current_setting`
 * says: after RESET the setting reads the default while the pool keeps the lower limit.
 */
async function poolLimit(w: Warehouse): Promise<number> {
  return bytesOf(String((await w.one<{ memory_limit: string }>('PRAGMA database_size'))!.memory_limit));
}

beforeAll(async () => {
  // ~80 MB of table blocks on disk: two million rows with a 64-character text each (hashes: no compression).
  const w = await openWarehouse(file);
  await w.run(
    'CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) || md5((-range)::VARCHAR) AS h FROM range(2000000)',
  );
  await w.run('CHECKPOINT');
  w.close();
});

describe("dropping DuckDB's cache", () => {
  for (const memoryLimit of [undefined, '3GB']) {
    it(`frees the cached blocks, keeps the memory limit (${memoryLimit ?? "DuckDB's default"}) and the answers`, async () => {
      const w = await openWarehouse(file, memoryLimit ? { memoryLimit } : {});
      try {
        const limitBefore = await poolLimit(w);
        const first = await w.all(SCAN);
        const held = await w.dropCache();
        expect(held.before_mb).toBeGreaterThan(40);
        expect(held.after_mb).toBeLessThan(held.before_mb / 4);
        // The same limit as before, in the setting and in the pool, to DuckDB's rounding of its default (0.1 GiB
        // when written, again when read back).
        const limit = await w.one<{ v: string }>("SELECT current_setting('memory_limit') AS v");
        expect(Math.abs(bytesOf(limit!.v) - limitBefore)).toBeLessThanOrEqual(0.15 * 2 ** 30);
        expect(Math.abs((await poolLimit(w)) - limitBefore)).toBeLessThanOrEqual(0.15 * 2 ** 30);
        if (memoryLimit) expect(await poolLimit(w)).toBe(limitBefore);
        // Read again from the file: the same answers, and the blocks cached again.
        expect(await w.all(SCAN)).toEqual(first);
        const again = await w.one<{ b: bigint }>(
          'SELECT sum(memory_usage_bytes)::BIGINT AS b FROM duckdb_memory()',
        );
        expect(Number(again?.b) / 2 ** 20).toBeGreaterThan(held.after_mb + 10);
      } finally {
        w.close();
      }
    });
  }
});

describe("dropping DuckDB's cache while another connection's query runs", () => {
  it('leaves the cache and the limit as they are, the other query ends with its answer, and a later drop works', async () => {
    const w = await openWarehouse(file);
    const f = await w.fork();
    try {
      await w.all(SCAN);
      let during: Promise<Awaited<ReturnType<Warehouse['dropCache']>>> | undefined;
      let rows = 0;
      // A streamed query is in flight until its last chunk: the drop asked for at its first chunk finds it running
      // (lowering the database's limit then would fail it with "Out of Memory").
      await f.chunks('SELECT i, h FROM t ORDER BY i', undefined, (_c, n) => {
        during ??= w.dropCache();
        rows += n;
      });
      expect(rows).toBe(2_000_000);
      const skipped = await during!;
      expect(skipped.skipped).toBe('queries running');
      expect(skipped.after_mb).toBe(skipped.before_mb);
      expect(skipped.before_mb).toBeGreaterThan(40);
      const later = await w.dropCache();
      expect(later.skipped).toBeUndefined();
      expect(later.after_mb).toBeLessThan(later.before_mb / 4);
    } finally {
      f.close();
      w.close();
    }
  });
});
