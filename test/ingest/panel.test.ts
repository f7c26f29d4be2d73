/**
 * Status panels translated into installments (src/ingest/panel.ts): point in time. The features at any as-of date
 * built from the whole panel equal those built from the panel cut at that date (only the months whose report,
 * the month's last day, is on or before it), and a loan is 30+ DPD a few days after the first report saying so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMapping } from '../../src/contract/mapping.ts';
import { buildSnapshots, readSnapshotFeatures } from '../../src/features/index.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { folderWith, ingest } from './helpers.ts';

const LOANS = ['ID,OPEN', 'A,2024-01', 'B,2024-01', 'C,2024-01'].join('\n');
// A: clean; B: 1-29 then 30+ twice then cured; C: a 30+ month with no 1-29 month before it, never cured.
const PANEL: [string, string, string][] = [
  ['A', '2024-02', 'C'],
  ['A', '2024-03', 'C'],
  ['A', '2024-04', 'X'],
  ['A', '2024-05', 'C'],
  ['A', '2024-06', 'C'],
  ['B', '2024-02', 'C'],
  ['B', '2024-03', '0'],
  ['B', '2024-04', '1'],
  ['B', '2024-05', '2'],
  ['B', '2024-06', 'C'],
  ['C', '2024-02', 'C'],
  ['C', '2024-03', 'C'],
  ['C', '2024-04', '1'],
  ['C', '2024-05', '2'],
  ['C', '2024-06', '3'],
];
const MAPPING = `
files: { "applicants*.csv": loans, "panel*.csv": status_panel }
loans:
  columns:
    loan_id: ID
    borrower_id: ID
    loan_type: { const: personal }
    disbursed_on: { column: OPEN, format: "%Y-%m" }
    term_months: { const: 24 }
    maturity_on: { expr: "disbursed_on + term_months months" }
    principal: { const: 2400 }
    annual_rate: { const: 0.1 }
    credit_grade: { const: BBB }
    region: { const: all }
    time_zone: { const: UTC }
    phone: { const: "+8613800000000" }
status_panel:
  columns: { loan_id: ID, month: { column: M, format: "%Y-%m" }, dpd_bucket: S }
  codes:
    dpd_bucket: { C: none, X: none, "0": 1-29, "1": 30-59, "2": 60-89, "3": 90-119 }
`;
const lastDay = (ym: string) =>
  new Date(Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7), 0)).toISOString().slice(0, 10);

async function warehouseWith(rows: [string, string, string][]): Promise<Warehouse> {
  const w = await openWarehouse(':memory:');
  const dir = folderWith({
    'applicants.csv': `${LOANS}\n`,
    'panel.csv': `ID,M,S\n${rows.map((r) => r.join(',')).join('\n')}\n`,
  });
  const s = await ingest(w, { paths: [dir], mapping: parseMapping(MAPPING, 'm.yaml') });
  expect(s.totals.rejected).toBe(0);
  return w;
}

describe('status panel → installments', () => {
  let full: Warehouse;
  beforeEach(async () => {
    full = await warehouseWith(PANEL);
  });
  afterEach(() => full.close());

  it('features at any as-of date equal those of the panel cut at that date', async () => {
    for (const asOf of [
      '2024-03-15',
      '2024-03-31',
      '2024-04-01',
      '2024-04-20',
      '2024-05-01',
      '2024-05-31',
      '2024-06-15',
    ]) {
      const cut = await warehouseWith(PANEL.filter(([, m]) => lastDay(m) <= asOf));
      try {
        const features = async (w: Warehouse) => {
          await buildSnapshots(w, { asOf: [asOf], dataEnd: asOf });
          const t = await readSnapshotFeatures(w);
          return {
            keys: t.keys.loan_id,
            numeric: Object.fromEntries(Object.entries(t.numeric).map(([k, v]) => [k, [...v]])),
          };
        };
        expect(await features(cut), asOf).toEqual(await features(full));
      } finally {
        cut.close();
      }
    }
  });

  it('a loan is 30+ DPD within days after the first report saying so, and not before', async () => {
    const delinquentOn = async (d: string) =>
      (
        await full.all<{ loan_id: string }>(
          `SELECT DISTINCT loan_id FROM repayments WHERE due_on + 30 <= $1::DATE AND coalesce(paid_on > $1::DATE, true) ORDER BY 1`,
          [d],
        )
      ).map((r) => r.loan_id);
    expect(await delinquentOn('2024-04-30')).toEqual([]); // the April reports are made that day
    expect(await delinquentOn('2024-05-04')).toEqual(['B']); // B announced by its 1-29 month: onset within 4 days
    expect(await delinquentOn('2024-06-01')).toEqual(['B', 'C']); // C had no 1-29 month: counted from its report + 32
    expect(await delinquentOn('2024-06-30')).toEqual(['C']); // B cured at the June report
  });
});
