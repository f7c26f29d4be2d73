/**
 * The score population (drift and report input) keeps every row of a small population and an evenly spaced,
 * deterministic sample of a big one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POPULATION_SAMPLE, writePopulation } from '../../src/ops/store.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';

let w: Warehouse;
beforeAll(async () => {
  w = await openWarehouse(join(mkdtempSync(join(tmpdir(), 'followup-store-')), 'wh.duckdb'));
});
afterAll(() => w?.close());

const stats = (population: string) =>
  w.one<{ n: bigint; lo: number; hi: number; mean: number; missing: bigint }>(
    `SELECT count(*) AS n, min(value) AS lo, max(value) AS hi, avg(value) AS mean,
       count(*) FILTER (WHERE value IS NULL) AS missing
     FROM score_population WHERE model = 'm' AND population = $1 AND feature = 'x'`,
    [population],
  );

describe('writePopulation', () => {
  it('keeps every row of a small population, missing values as NULL', async () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => (i % 100 === 0 ? Number.NaN : i));
    await writePopulation(
      w,
      'm',
      'train',
      { x },
      Int32Array.from({ length: 500 }, (_, i) => 2 * i),
    );
    const s = await stats('train');
    expect(Number(s?.n)).toBe(500);
    expect(Number(s?.missing)).toBe(10); // rows 0, 100, …, 900
    expect(s?.hi).toBe(998);
  });

  it('samples a big population evenly, the same rows on every run', async () => {
    const n = 2.5 * POPULATION_SAMPLE;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    await writePopulation(w, 'm', 'scored', { x });
    const first = await stats('scored');
    expect(Number(first?.n)).toBe(POPULATION_SAMPLE);
    // Evenly spaced over the whole range: first row, last rows, and the mean of the full population.
    expect(first?.lo).toBe(0);
    expect(first!.hi).toBeGreaterThan(n - 5);
    expect(Math.abs(first!.mean - (n - 1) / 2) / n).toBeLessThan(0.001);
    await writePopulation(w, 'm', 'scored', { x });
    expect(await stats('scored')).toEqual(first);
  });
});
