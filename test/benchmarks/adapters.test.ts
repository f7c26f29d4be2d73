import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBank } from '../../src/benchmarks/bank.ts';
import { loadTaiwan } from '../../src/benchmarks/taiwan.ts';
import { BadInputError } from '../../src/core/errors.ts';

const BANK_HEADER =
  '"age";"job";"marital";"education";"default";"housing";"loan";"contact";"month";"day_of_week";"duration";"campaign";"pdays";"previous";"poutcome";"emp.var.rate";"cons.price.idx";"cons.conf.idx";"euribor3m";"nr.employed";"y"';

describe('benchmark adapters', () => {
  it('bank: drops duration, maps pdays 999 to never contacted and unknown to missing; test = row % 5', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'followup-bank-'));
    const rows = [
      '56;"housemaid";"married";"basic.4y";"no";"no";"no";"telephone";"may";"mon";261;1;999;0;"nonexistent";1.1;93.994;-36.4;4.857;5191;"no"',
      '37;"services";"married";"unknown";"no";"yes";"no";"cellular";"may";"mon";226;3;6;1;"success";1.1;93.994;-36.4;4.857;5191;"yes"',
    ];
    const file = join(dir, 'bank.csv');
    await writeFile(file, `${BANK_HEADER}\n${rows.join('\n')}\n`);
    const d = await loadBank(file);
    expect(d.table.manifest.features.map((f) => f.name)).not.toContain('duration');
    expect(Array.from(d.y)).toEqual([0, 1]);
    expect(Array.from(d.test)).toEqual([1, 0]);
    expect(Array.from(d.table.numeric.never_contacted ?? [])).toEqual([1, 0]);
    expect(d.table.numeric.days_since_previous?.[0]).toBeNaN();
    expect(d.table.categorical.education).toEqual(['basic.4y', null]);
    await writeFile(file, `${BANK_HEADER}\n${rows[0]?.replace(/"no"$/, '"maybe"')}\n`);
    const err = await loadBank(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as BadInputError).place).toMatchObject({ line: 2, column: 'y', value: 'maybe' });
    await rm(dir, { recursive: true, force: true });
  });

  it('taiwan: real file, 30,000 rows, test = ID % 5 == 0, a clear error for a missing file', async () => {
    const d = await loadTaiwan();
    expect(d.table.n).toBe(30000);
    expect(d.test.reduce((s, v) => s + v, 0)).toBe(6000);
    expect(d.y.reduce((s, v) => s + v, 0)).toBe(6636); // default rate 22.12 % per SOURCE.md
    // ID 1: PAY_0 = 2, PAY_2 = 2 → two late months; LIMIT_BAL 20000
    expect(d.table.numeric.late_months?.[0]).toBe(2);
    expect(d.table.categorical.pay_status_m1_code?.[0]).toBe('2');
    expect(d.table.numeric.log_limit?.[0]).toBeCloseTo(Math.log1p(20000), 12);
    await expect(loadTaiwan('/nonexistent/file.csv')).rejects.toThrow(
      /benchmark data not found: \/nonexistent\/file\.csv/,
    );
  });
});
