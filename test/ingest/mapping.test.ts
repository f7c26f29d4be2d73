import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMapping, parseMapping, tableFromMapping } from '../../src/contract/mapping.ts';
import { BadInputError } from '../../src/core/errors.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { CONTACT_HEADER, contactRow, csv } from './fixtures.ts';
import { fingerprint, folderWith, ingest, ROOT } from './helpers.ts';

const LENDER = join(ROOT, 'data-samples/lender-example');

describe('mapping file', () => {
  it.each([
    [
      'loans:\n  columns:\n    loan_idd: 编号\n',
      'loans.columns.loan_idd (m.yaml:3:15): unknown loans column "loan_idd"',
    ],
    [
      'loans:\n  codes:\n    principal: { 一: "1" }\n',
      'loans.codes.principal (m.yaml:3:16): codes apply to enum and categorical extra columns only',
    ],
    ['files:\n  "a*.csv": borrowers\n', 'files.a*.csv'],
    ['delimiter: ";;"\n', 'delimiter'],
    ['loans:\n  colums: {}\n', 'loans'],
    ['encoding: [gbk]\n', 'encoding'],
  ])('%j is refused naming the key', (text, part) => {
    let err: unknown;
    try {
      parseMapping(text, 'm.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toContain('mapping m.yaml is invalid');
    expect((err as Error).message).toContain(part);
  });

  it('reports every problem, not only the first', () => {
    expect(() => parseMapping('loans:\n  columns: { a: x, b: y }\n', 'm.yaml')).toThrow(
      /loans\.columns\.a.*\n.*loans\.columns\.b/s,
    );
  });

  it('refuses YAML that does not parse, naming the file', () => {
    expect(() => parseMapping('loans: [', 'bad.yaml')).toThrow(/mapping bad\.yaml is not valid YAML/);
  });

  it('assigns files by glob before the name prefix', async () => {
    const m = await loadMapping(join(LENDER, 'mapping.yaml'));
    expect(tableFromMapping(m, '贷款台账-202312.csv')).toBe('loans');
    expect(tableFromMapping(m, '回访记录-202401.csv')).toBe('contacts');
    expect(tableFromMapping(m, 'loans.csv')).toBeUndefined();
  });
});

describe('lender example (GBK, Chinese names and codes)', () => {
  let a: Warehouse;
  let b: Warehouse;
  beforeEach(async () => {
    a = await openWarehouse(':memory:');
    b = await openWarehouse(':memory:');
  });
  afterEach(() => {
    a.close();
    b.close();
  });

  it('loads the same values as its UTF-8 contract-format equivalent', async () => {
    const mapping = await loadMapping(join(LENDER, 'mapping.yaml'));
    const s = await ingest(a, { paths: [LENDER], mapping });
    expect(s.totals).toEqual({ rows_in: 40, inserted: 40, updated: 0, unchanged: 0, rejected: 0 });
    expect(s.skipped.map((k) => k.path)).toEqual([join(LENDER, 'README.md'), join(LENDER, 'mapping.yaml')]);
    await ingest(b, { paths: [join(LENDER, 'contract')] });
    const fa = await fingerprint(a);
    const fb = await fingerprint(b);
    for (const t of ['loans', 'repayments', 'contacts']) expect(fa[t], t).toBe(fb[t]);
    // Spot check that codes and naive Beijing times were translated, not merely copied.
    const c = await a.one<{ channel: string; outcome: string; started_at: Date }>(
      "SELECT channel, outcome, started_at FROM contacts WHERE contact_id = 'C00002'",
    );
    expect(c).toEqual({ channel: 'phone', outcome: 'hung_up', started_at: new Date('2023-03-15T03:30:00Z') });
  });

  it('without the declared encoding the GBK file is refused as not UTF-8', async () => {
    const mapping = { ...(await loadMapping(join(LENDER, 'mapping.yaml'))), encoding: undefined };
    await expect(ingest(a, { paths: [LENDER], mapping })).rejects.toThrow(
      /not valid UTF-8 text .*--encoding/,
    );
    expect(await a.all("SELECT * FROM duckdb_tables() WHERE table_name = 'loans'")).toEqual([]);
  });

  it('an unknown encoding is a bad input naming the file', async () => {
    const mapping = await loadMapping(join(LENDER, 'mapping.yaml'));
    await expect(ingest(a, { paths: [LENDER], mapping, encoding: 'klingon' })).rejects.toThrow(
      /unknown encoding "klingon" for .*贷款台账-202312\.csv; expected an iconv-lite name/,
    );
  });

  it('GB18030 text declared with --encoding decodes the same as UTF-8', async () => {
    const rows = [1, 2].map((k) => contactRow(k, k));
    const text = csv(CONTACT_HEADER, rows).replace('A01', '坐席甲');
    await ingest(b, { paths: [join(LENDER, 'contract', 'loans.csv')] });
    const dir = folderWith({ 'contacts.csv': iconv.encode(text, 'gb18030') });
    const s = await ingest(b, { paths: [dir], encoding: 'gb18030' });
    expect(s.totals.inserted).toBe(2);
    expect(await b.all("SELECT agent_id FROM contacts WHERE contact_id = 'C00001'")).toEqual([
      { agent_id: '坐席甲' },
    ]);
    expect(readFileSync(join(dir, 'contacts.csv')).includes(Buffer.from('坐席甲'))).toBe(false);
  });
});
