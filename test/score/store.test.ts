/**
 * The score population (drift and report input) keeps every row of a small population and an evenly spaced,
 * deterministic sample of a big one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POPULATION_SAMPLE, writePopulation } from '../../src/score/store.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { ensureScoresTable } from '../../src/warehouse/scores.ts';

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

describe('ensureScoresTable', () => {
  it('rebuilds a scores table made with a PRIMARY KEY without it, keeping every row', async () => {
    await w.run(`CREATE TABLE scores (as_of DATE NOT NULL, loan_id VARCHAR NOT NULL, model_version VARCHAR NOT NULL,
      hazard DOUBLE[] NOT NULL, risk_3m DOUBLE NOT NULL, risk_6m DOUBLE NOT NULL, reasons VARCHAR[] NOT NULL,
      PRIMARY KEY (as_of, loan_id))`);
    await w.run(`INSERT INTO scores VALUES ('2025-01-31', 'L1', 'v', [0.01, 0.02], 0.01, 0.03, ['a']),
      ('2025-01-31', 'L2', 'v', [0.02, 0.02], 0.02, 0.04, [])`);
    const pk = () =>
      w.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM duckdb_constraints() WHERE table_name = 'scores' AND constraint_type = 'PRIMARY KEY'`,
      );
    expect((await pk())?.n).toBe(1);
    await ensureScoresTable(w);
    expect((await pk())?.n).toBe(0);
    const rows = await w.all<{ loan_id: string; risk_6m: number; reasons: string[] }>(
      'SELECT loan_id, risk_6m, reasons FROM scores ORDER BY loan_id',
    );
    expect(rows).toEqual([
      { loan_id: 'L1', risk_6m: 0.03, reasons: ['a'] },
      { loan_id: 'L2', risk_6m: 0.04, reasons: [] },
    ]);
    // NOT NULL survives the rebuild.
    await expect(
      w.run(`INSERT INTO scores VALUES ('2025-02-28', NULL, 'v', [0.1], 0.1, 0.1, [])`),
    ).rejects.toThrow(/NOT NULL/);
    await ensureScoresTable(w); // idempotent
    expect((await pk())?.n).toBe(0);
  });
});
