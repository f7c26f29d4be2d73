/**
 * Small hand-made warehouses for feature tests: contract tables in an in-memory DuckDB plus insert helpers with
 * defaults, so each test states only the columns it is about.
 */
import type { Contact, Loan, Market, Repayment } from '../../src/contract/tables.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { ensureContractTables } from '../../src/warehouse/schema.ts';

export async function emptyWorld(): Promise<Warehouse> {
  const w = await openWarehouse(':memory:', { threads: 1 });
  await ensureContractTables(w);
  return w;
}

const LOAN: Loan = {
  loan_id: 'L1',
  borrower_id: 'B1',
  loan_type: 'personal',
  disbursed_on: '2024-01-01',
  maturity_on: '2026-01-01',
  principal: 24000,
  annual_rate: 0.06,
  term_months: 24,
  credit_grade: 'A',
  region: 'R1',
  time_zone: 'Asia/Shanghai',
  phone: '+8613800138000',
  collateral_value: null,
  income: 5000,
};

async function insert(w: Warehouse, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (const row of rows) {
    const cols = Object.keys(row);
    await w.run(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
      cols.map((c) => row[c] as string | number | null),
    );
  }
}

export function addLoans(w: Warehouse, rows: Partial<Loan>[]): Promise<void> {
  return insert(
    w,
    'loans',
    rows.map((r) => ({ ...LOAN, ...r })),
  );
}

/** Adds installments; amount_due defaults to 1000 and amount_paid to amount_due when paid_on is given. */
export function addRepayments(
  w: Warehouse,
  rows: (Partial<Repayment> & Pick<Repayment, 'installment_no' | 'due_on'>)[],
): Promise<void> {
  return insert(
    w,
    'repayments',
    rows.map((r) => {
      const due = r.amount_due ?? 1000;
      const paidOn = r.paid_on ?? null;
      return {
        loan_id: 'L1',
        amount_due: due,
        paid_on: paidOn,
        amount_paid: r.amount_paid === undefined ? (paidOn ? due : null) : r.amount_paid,
        ...r,
      };
    }),
  );
}

/** Monthly installments due on the 1st from `first` (YYYY-MM), each paid `lateDays[i]` days late (null = unpaid). */
export function schedule(
  loanId: string,
  first: string,
  lateDays: (number | null)[],
): (Partial<Repayment> & Pick<Repayment, 'installment_no' | 'due_on'>)[] {
  const [y, m] = first.split('-').map(Number) as [number, number];
  return lateDays.map((late, i) => {
    const due = new Date(Date.UTC(y, m - 1 + i, 1));
    const paid = late === null ? null : new Date(due.getTime() + late * 86_400_000);
    return {
      loan_id: loanId,
      installment_no: i + 1,
      due_on: due.toISOString().slice(0, 10),
      paid_on: paid ? paid.toISOString().slice(0, 10) : null,
    };
  });
}

let contactSeq = 0;
export function addContacts(
  w: Warehouse,
  rows: (Partial<Contact> & Pick<Contact, 'started_at' | 'outcome'>)[],
): Promise<void> {
  return insert(
    w,
    'contacts',
    rows.map((r) => ({
      contact_id: `C${String(++contactSeq).padStart(6, '0')}`,
      loan_id: 'L1',
      channel: 'phone',
      direction: 'outbound',
      purpose: 'mid_term',
      duration_s: null,
      agent_id: null,
      ...r,
    })),
  );
}

export function addMarket(
  w: Warehouse,
  rows: (Partial<Market> & Pick<Market, 'month' | 'hpi'>)[],
): Promise<void> {
  return insert(
    w,
    'market',
    rows.map((r) => ({ region: 'R1', unemployment: null, ...r })),
  );
}
