/**
 * Mapping v2 (issue 14): constants, defaults, per-column date formats, derived columns in the safe expression
 * language, code maps on extra columns, and extra columns stored beside the contract table. Real DuckDB, real
 * CSV files read back; problems placed at file:line:column.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExpr } from '../../src/contract/expr.ts';
import { MappingError, parseMapping } from '../../src/contract/mapping.ts';
import { BadInputError } from '../../src/core/errors.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { folderWith, ingest } from './helpers.ts';

/** A lender export without grade, zone, phone or maturity, with applicant attributes. */
const LOANS = [
  'ID,CUST,OPEN_DATE,TERM,AMOUNT,RATE,INCOME,AGE,HOUSING',
  'L1,B1,31/01/2024,12,1000,0.1,5000,41,own',
  'L2,B2,15/02/2024,6,2000,0.12,,29,rent',
  'L3,B3,01/03/2024,24,3000,0.08,7000,n/a,3',
].join('\n');

const MAPPING = `
loans:
  columns:
    loan_id: ID
    borrower_id: CUST
    loan_type: { const: personal }
    disbursed_on: { column: OPEN_DATE, format: "%d/%m/%Y" }
    maturity_on: { expr: "disbursed_on + term_months months" }
    principal: AMOUNT
    annual_rate: RATE
    term_months: TERM
    credit_grade: { const: BBB }
    region: { const: north }
    time_zone: { const: Asia/Shanghai }
    phone: { const: "+8613800000000" }
    income: { column: INCOME, default: 0 }
  extra:
    applicant_age: { column: AGE, type: numeric }
    housing: { column: HOUSING, type: categorical }
    age_at_maturity: { expr: "applicant_age + term_months / 12", type: numeric }
  codes:
    housing: { "3": social }
`;

describe('mapping v2 on a real ingest', () => {
  let w: Warehouse;
  beforeEach(async () => {
    w = await openWarehouse(':memory:');
  });
  afterEach(() => w.close());

  it('fills constants, defaults and derived columns, keeps extras beside the contract, rejects a bad extra', async () => {
    const dir = folderWith({ 'loans.csv': `${LOANS}\n` });
    const s = await ingest(w, { paths: [dir], mapping: parseMapping(MAPPING, 'm.yaml') });
    expect(s.totals).toEqual({ rows_in: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
    const loans = await w.all<Record<string, unknown>>(
      'SELECT loan_id, disbursed_on::VARCHAR AS d, maturity_on::VARCHAR AS m, credit_grade, time_zone, income FROM loans ORDER BY loan_id',
    );
    // 2024-01-31 + 12 months clamps to the month's end like DuckDB's date arithmetic.
    expect(loans).toEqual([
      {
        loan_id: 'L1',
        d: '2024-01-31',
        m: '2025-01-31',
        credit_grade: 'BBB',
        time_zone: 'Asia/Shanghai',
        income: 5000,
      },
      {
        loan_id: 'L2',
        d: '2024-02-15',
        m: '2024-08-15',
        credit_grade: 'BBB',
        time_zone: 'Asia/Shanghai',
        income: 0,
      },
    ]);
    const rej = await w.all<{ line: bigint; column: string; value: string; rule: string }>(
      'SELECT line, "column", value, rule FROM rejects',
    );
    expect(rej).toEqual([{ line: 4n, column: 'AGE', value: 'n/a', rule: 'type' }]);
    const extra = await w.all<{ key: string; name: string; num: number | null; txt: string | null }>(
      'SELECT key, name, num, txt FROM loans_extra ORDER BY key, name',
    );
    expect(extra).toEqual([
      { key: 'L1', name: 'age_at_maturity', num: 42, txt: null },
      { key: 'L1', name: 'applicant_age', num: 41, txt: null },
      { key: 'L1', name: 'housing', num: null, txt: 'own' },
      { key: 'L2', name: 'age_at_maturity', num: 29.5, txt: null },
      { key: 'L2', name: 'applicant_age', num: 29, txt: null },
      { key: 'L2', name: 'housing', num: null, txt: 'rent' },
    ]);
    const decl = await w.all('SELECT tbl, name, type, source FROM extra_columns ORDER BY seq');
    expect(decl).toEqual([
      { tbl: 'loans', name: 'applicant_age', type: 'numeric', source: 'column AGE' },
      { tbl: 'loans', name: 'housing', type: 'categorical', source: 'column HOUSING' },
      {
        tbl: 'loans',
        name: 'age_at_maturity',
        type: 'numeric',
        source: 'expr applicant_age + term_months / 12',
      },
    ]);
  });

  it('maps codes on a categorical extra column (the rejected row above carried code 3)', async () => {
    const dir = folderWith({ 'loans.csv': `${LOANS.replace('n/a', '55')}\n` });
    await ingest(w, { paths: [dir], mapping: parseMapping(MAPPING, 'm.yaml') });
    const r = await w.one<{ txt: string }>(
      "SELECT txt FROM loans_extra WHERE key = 'L3' AND name = 'housing'",
    );
    expect(r?.txt).toBe('social');
  });

  it('refuses an extra whose type changed since an earlier batch, leaving the warehouse as it was', async () => {
    const dir = folderWith({ 'loans.csv': `${LOANS.replace('n/a', '55')}\n` });
    await ingest(w, { paths: [dir], mapping: parseMapping(MAPPING, 'm.yaml') });
    const before = await w.one<{ n: bigint }>('SELECT count(*) AS n FROM loans_extra');
    const changed = MAPPING.replace(
      'term_months / 12", type: numeric',
      'term_months / 12", type: categorical',
    );
    await expect(ingest(w, { paths: [dir], mapping: parseMapping(changed, 'm.yaml') })).rejects.toThrow(
      /loans\.age_at_maturity was declared numeric in batch B000001.*now declares it categorical/,
    );
    expect(await w.one('SELECT count(*) AS n FROM loans_extra')).toEqual(before);
  });
});

describe('mapping v2 validation, placed at file:line:column', () => {
  const problems = (text: string) => {
    try {
      parseMapping(text, 'm.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(MappingError);
      expect(e).toBeInstanceOf(BadInputError);
      return (e as MappingError).problems.map(
        (p) => `${p.path.join('.')} ${p.place.line}:${p.place.column} ${p.message}`,
      );
    }
    throw new Error('expected the mapping to be refused');
  };

  it.each([
    // raw SQL does not pass: a semicolon is not in the grammar, and the offset points at it
    [
      'loans:\n  columns:\n    maturity_on: { expr: "disbursed_on; DROP TABLE loans" }\n',
      '3:39',
      'found ";"',
    ],
    // quoted inside a quoted scalar: the offset counts from the first character of the expression
    [
      "loans:\n  columns:\n    maturity_on: { expr: 'read_csv(disbursed_on)' }\n",
      '3:27',
      'expected one of the functions',
    ],
    ['loans:\n  columns:\n    maturity_on: {expr: disbursed_on + 3 weeks}\n', '3:42', 'found "weeks"'],
    ['loans:\n  columns:\n    maturity_on: {expr: disbursed_on + tenor months}\n', '3:40', 'found "tenor"'],
    [
      'loans:\n  columns:\n    credit_grade: { const: BBB, column: G }\n',
      '3:19',
      'expected a lender column name, { const: value }',
    ],
    [
      'repayments:\n  extra:\n    x: { column: X, type: numeric }\n',
      '3:5',
      'extra columns are read on loans and contacts',
    ],
    ['loans:\n  extra:\n    Age: { column: AGE, type: numeric }\n', '3:10', 'snake_case'],
    [
      'loans:\n  extra:\n    age: { column: AGE, type: number }\n',
      '3:31',
      'expected one of "numeric", "categorical"',
    ],
    [
      'loans:\n  columns:\n    principal: { column: P, format: "%d" }\n',
      '3:37',
      'format applies to date and timestamp',
    ],
  ])('%j → %s', (text, at, part) => {
    const ps = problems(text);
    expect(
      ps.some((p) => p.includes(` ${at} `) && p.includes(part)),
      ps.join('\n'),
    ).toBe(true);
  });

  it('parses the grammar it documents and nothing more', () => {
    expect(() => parseExpr("coalesce(income, 0) * 12 + date('2024-01-01') - -1")).not.toThrow();
    for (const bad of ['a b', 'a +', '(a', "'open", 'a /* c */', 'select(a)', 'a = 1', '"quoted"'])
      expect(() => parseExpr(bad), bad).toThrow();
  });
});
