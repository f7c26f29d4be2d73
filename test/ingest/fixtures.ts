/**
 * Small, deterministic contract-format data for ingest tests and for the committed samples under
 * data-samples/broken (good base data) and data-samples/lender-example (the UTF-8 contract equivalent).
 */
export const LOAN_HEADER = [
  'loan_id',
  'borrower_id',
  'loan_type',
  'disbursed_on',
  'maturity_on',
  'principal',
  'annual_rate',
  'term_months',
  'credit_grade',
  'region',
  'time_zone',
  'phone',
  'collateral_value',
  'income',
];
export const REPAYMENT_HEADER = [
  'loan_id',
  'installment_no',
  'due_on',
  'amount_due',
  'paid_on',
  'amount_paid',
];
export const CONTACT_HEADER = [
  'contact_id',
  'loan_id',
  'started_at',
  'channel',
  'direction',
  'purpose',
  'outcome',
  'duration_s',
  'agent_id',
];
export const MARKET_HEADER = ['region', 'month', 'hpi', 'unemployment'];

const pad = (n: number, w = 4) => String(n).padStart(w, '0');
const GRADES = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC'];
const ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong'];

/** Loan row `i` (1-based) as CSV fields, in LOAN_HEADER order. */
export function loanRow(i: number): string[] {
  const month = ((i - 1) % 12) + 1;
  const term = [12, 36, 60, 240][i % 4] as number;
  const disbursed = `2023-${pad(month, 2)}-${pad(((i * 7) % 27) + 1, 2)}`;
  const maturity = `${2023 + term / 12}-${pad(month, 2)}-${pad(((i * 7) % 27) + 1, 2)}`;
  return [
    `L${pad(i)}`,
    `B${pad(i)}`,
    i % 5 === 0 ? 'corporate' : 'personal',
    disbursed,
    maturity,
    String(100000 + i * 2500),
    (0.03 + (i % 7) * 0.005).toFixed(3),
    String(term),
    GRADES[i % GRADES.length] as string,
    `R${pad((i % 3) + 1, 2)}`,
    ZONES[i % ZONES.length] as string,
    `+86138${pad(i, 8)}`,
    i % 3 === 0 ? '' : String(200000 + i * 1000),
    i % 4 === 0 ? '' : String(8000 + i * 10),
  ];
}

/** Repayment rows of loan `i`: `n` monthly installments starting the month after disbursement. */
export function repaymentRows(i: number, n = 2): string[][] {
  const month = ((i - 1) % 12) + 1;
  const rows: string[][] = [];
  for (let k = 1; k <= n; k++) {
    const m = month + k;
    const due = `${2023 + Math.floor((m - 1) / 12)}-${pad(((m - 1) % 12) + 1, 2)}-28`;
    const paid = (i + k) % 4 === 0 ? '' : due;
    rows.push([`L${pad(i)}`, String(k), due, '1500.5', paid, paid ? '1500.5' : '']);
  }
  return rows;
}

/** Contact row `j` about loan `i`. */
export function contactRow(j: number, i: number): string[] {
  const month = ((i - 1) % 12) + 1;
  return [
    `C${pad(j, 5)}`,
    `L${pad(i)}`,
    `2023-${pad(Math.min(month + 1, 12), 2)}-15T${pad(9 + (j % 10), 2)}:30:00+08:00`,
    j % 3 === 0 ? 'sms' : 'phone',
    'outbound',
    'first',
    j % 3 === 0 ? 'delivered' : j % 2 === 0 ? 'hung_up' : 'answered',
    j % 3 === 0 ? '' : String(30 + j),
    `A${pad(j % 4, 2)}`,
  ];
}

export function marketRow(r: number, month: number): string[] {
  return [`R${pad(r, 2)}`, `2023-${pad(month, 2)}-01`, (100 + r + month * 0.5).toFixed(1), '0.051'];
}

/** CSV text with RFC 4180 quoting where needed. */
export function csv(header: string[], rows: string[][]): string {
  const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${[header, ...rows].map((r) => r.map(q).join(',')).join('\n')}\n`;
}

/** A good world of `n` loans with 2 repayments and 1 contact each, and a small market table. */
export function goodWorld(n: number): Record<'loans' | 'repayments' | 'contacts' | 'market', string> {
  const ids = Array.from({ length: n }, (_, k) => k + 1);
  return {
    loans: csv(LOAN_HEADER, ids.map(loanRow)),
    repayments: csv(
      REPAYMENT_HEADER,
      ids.flatMap((i) => repaymentRows(i)),
    ),
    contacts: csv(
      CONTACT_HEADER,
      ids.map((i) => contactRow(i, i)),
    ),
    market: csv(
      MARKET_HEADER,
      [1, 2, 3].flatMap((r) => [1, 2].map((m) => marketRow(r, m))),
    ),
  };
}
