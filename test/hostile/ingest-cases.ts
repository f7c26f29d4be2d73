/**
 * Hostile row-level inputs: one file per case, each with a good row and one or more hostile rows. The table is the
 * specification: which rows load, and for each refused row the physical line, column, rule and value (as
 * delivered, invisible characters shown as U+FFFD) the reject must name. Cases that must load (canonical aliases,
 * integers written with `.0`) are here too: refusing them would be a bug of the other kind.
 *
 * Files refer to the base world of data-samples/broken/base (loans L0001…, region R01…); every case uses its own
 * keys, so all cases load as one batch and no case changes another.
 */

export interface ExpectedReject {
  /** Physical line of the row in the file (header = 1; a quoted newline or a blank line counts). */
  line: number;
  column: string;
  rule: string;
  /** Substring of the stored value. */
  value?: string;
  /** Substring of the message. */
  message?: string;
}

export interface RowCase {
  /** File name; its prefix names the table. */
  file: string;
  text: string | Buffer;
  /** Rows read (refused structural rows included). */
  rows_in: number;
  inserted: number;
  /** Exactly these rejects, in (line, rule) order. */
  rejects: ExpectedReject[];
}

const LOAN_HEADER =
  'loan_id,borrower_id,loan_type,disbursed_on,maturity_on,principal,annual_rate,term_months,credit_grade,region,time_zone,phone,collateral_value,income';
const LOAN_DEFAULTS: Record<string, string> = {
  loan_type: 'personal',
  disbursed_on: '2024-01-10',
  maturity_on: '2027-01-10',
  principal: '100000',
  annual_rate: '0.05',
  term_months: '36',
  credit_grade: 'A',
  region: 'R01',
  time_zone: 'Asia/Shanghai',
  phone: '+8613900000001',
  collateral_value: '',
  income: '9000',
};

/** RFC 4180 quoting where needed. */
function field(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function loanRow(id: string, o: Record<string, string> = {}): string {
  const v: Record<string, string> = { ...LOAN_DEFAULTS, loan_id: id, borrower_id: `B-${id}`, ...o };
  return LOAN_HEADER.split(',')
    .map((c) => field(v[c] ?? ''))
    .join(',');
}

/** A loans file: header, one good row, then the hostile row (line 3). */
function loans(name: string, bad: Record<string, string>, rejects: ExpectedReject[]): RowCase {
  return {
    file: `loans-${name}.csv`,
    text: `${LOAN_HEADER}\n${loanRow(`H-${name}-ok`)}\n${loanRow(`H-${name}-bad`, bad)}\n`,
    rows_in: 2,
    inserted: rejects.length ? 1 : 2,
    rejects,
  };
}

const loanReject = (column: string, rule: string, value?: string, message?: string): ExpectedReject => ({
  line: 3,
  column,
  rule,
  ...(value === undefined ? {} : { value }),
  ...(message === undefined ? {} : { message }),
});

const REPAY_HEADER = 'loan_id,installment_no,due_on,amount_due,paid_on,amount_paid';
let installment = 500;
function repayments(name: string, bad: Record<string, string>, rejects: ExpectedReject[]): RowCase {
  const row = (o: Record<string, string>) => {
    const v: Record<string, string> = {
      loan_id: 'L0002',
      installment_no: String(installment++),
      due_on: '2024-02-15',
      amount_due: '1500',
      paid_on: '2024-02-15',
      amount_paid: '1500',
      ...o,
    };
    return REPAY_HEADER.split(',')
      .map((c) => field(v[c] ?? ''))
      .join(',');
  };
  return {
    file: `repayments-${name}.csv`,
    text: `${REPAY_HEADER}\n${row({})}\n${row(bad)}\n`,
    rows_in: 2,
    inserted: rejects.length ? 1 : 2,
    rejects,
  };
}

const CONTACT_HEADER = 'contact_id,loan_id,started_at,channel,direction,purpose,outcome,duration_s,agent_id';
function contacts(name: string, bad: Record<string, string>, rejects: ExpectedReject[]): RowCase {
  const row = (id: string, o: Record<string, string>) => {
    const v: Record<string, string> = {
      contact_id: id,
      loan_id: 'L0002',
      started_at: '2024-02-15T10:30:00+08:00',
      channel: 'phone',
      direction: 'outbound',
      purpose: 'mid_term',
      outcome: 'answered',
      duration_s: '40',
      agent_id: 'A01',
      ...o,
    };
    return CONTACT_HEADER.split(',')
      .map((c) => field(v[c] ?? ''))
      .join(',');
  };
  return {
    file: `contacts-${name}.csv`,
    text: `${CONTACT_HEADER}\n${row(`HC-${name}-ok`, {})}\n${row(`HC-${name}-bad`, bad)}\n`,
    rows_in: 2,
    inserted: rejects.length ? 1 : 2,
    rejects,
  };
}

function market(name: string, bad: Record<string, string>, rejects: ExpectedReject[]): RowCase {
  const header = 'region,month,hpi,unemployment';
  const row = (region: string, o: Record<string, string>) => {
    const v: Record<string, string> = {
      region,
      month: '2024-01-01',
      hpi: '101.5',
      unemployment: '0.05',
      ...o,
    };
    return header
      .split(',')
      .map((c) => field(v[c] ?? ''))
      .join(',');
  };
  return {
    file: `market-${name}.csv`,
    text: `${header}\n${row(`HM-${name}-ok`, {})}\n${row(`HM-${name}-bad`, bad)}\n`,
    rows_in: 2,
    inserted: rejects.length ? 1 : 2,
    rejects,
  };
}

const FINITE = 'finite';
const INTEGER = 'no fraction';
const DATE = 'between 1900-01-01 and 2199-12-31';
const ZONE = 'canonical Area/Location name';
const INVISIBLE = 'no control or invisible characters';

export const ROW_CASES: RowCase[] = [
  // Non-finite numbers
  loans('principal-nan', { principal: 'NaN' }, [loanReject('principal', 'type', 'NaN', FINITE)]),
  loans('principal-infinity', { principal: 'Infinity' }, [
    loanReject('principal', 'type', 'Infinity', FINITE),
  ]),
  loans('principal-lower-infinity', { principal: 'infinity' }, [loanReject('principal', 'type', 'infinity')]),
  loans('principal-minus-inf', { principal: '-Inf' }, [loanReject('principal', 'type', '-Inf')]),
  loans('principal-overflow', { principal: '1e400' }, [loanReject('principal', 'type', '1e400')]),
  loans('income-nan', { income: 'nan' }, [loanReject('income', 'type', 'nan', FINITE)]),
  loans('collateral-inf', { collateral_value: 'inf' }, [loanReject('collateral_value', 'type', 'inf')]),
  loans('rate-nan', { annual_rate: 'NaN' }, [loanReject('annual_rate', 'type', 'NaN')]),
  // Integers with a fraction (DuckDB would round them)
  loans('term-fraction', { term_months: '36.6' }, [loanReject('term_months', 'type', '36.6', INTEGER)]),
  loans('term-half', { term_months: '12.5' }, [loanReject('term_months', 'type', '12.5')]),
  loans('term-nan', { term_months: 'NaN' }, [loanReject('term_months', 'type', 'NaN')]),
  loans('term-exponent-range', { term_months: '1e3' }, [loanReject('term_months', 'range', '1000')]),
  loans('term-point-zero-loads', { term_months: '36.0' }, []),
  // Infinite and out-of-range dates
  loans('maturity-infinity', { maturity_on: 'infinity' }, [
    loanReject('maturity_on', 'type', 'infinity', DATE),
  ]),
  loans('maturity-minus-infinity', { maturity_on: '-infinity' }, [
    loanReject('maturity_on', 'type', '-infinity'),
  ]),
  loans('maturity-9999', { maturity_on: '9999-12-31' }, [loanReject('maturity_on', 'type', '9999-12-31')]),
  loans('maturity-year-294276', { maturity_on: '294276-01-01' }, [
    loanReject('maturity_on', 'type', '294276-01-01'),
  ]),
  loans('disbursed-year-1', { disbursed_on: '0001-01-01' }, [
    loanReject('disbursed_on', 'type', '0001-01-01'),
  ]),
  loans('disbursed-1899', { disbursed_on: '1899-12-31' }, [loanReject('disbursed_on', 'type', '1899-12-31')]),
  // Zones: abbreviations, placeholders, links and spellings refused; canonical names and their aliases load
  loans('zone-cst', { time_zone: 'CST' }, [loanReject('time_zone', 'zone', 'CST', ZONE)]),
  loans('zone-ist', { time_zone: 'IST' }, [loanReject('time_zone', 'zone', 'IST')]),
  loans('zone-factory', { time_zone: 'Factory' }, [loanReject('time_zone', 'zone', 'Factory')]),
  loans('zone-est', { time_zone: 'EST' }, [loanReject('time_zone', 'zone', 'EST')]),
  loans('zone-est5edt', { time_zone: 'EST5EDT' }, [loanReject('time_zone', 'zone', 'EST5EDT')]),
  loans('zone-us-pacific', { time_zone: 'US/Pacific' }, [loanReject('time_zone', 'zone', 'US/Pacific')]),
  loans('zone-prc', { time_zone: 'PRC' }, [loanReject('time_zone', 'zone', 'PRC')]),
  loans('zone-gmt', { time_zone: 'GMT' }, [loanReject('time_zone', 'zone', 'GMT')]),
  loans('zone-etc-gmt', { time_zone: 'Etc/GMT+8' }, [loanReject('time_zone', 'zone', 'Etc/GMT+8')]),
  loans('zone-lowercase', { time_zone: 'asia/shanghai' }, [loanReject('time_zone', 'zone', 'asia/shanghai')]),
  loans('zone-kolkata-loads', { time_zone: 'Asia/Kolkata' }, []),
  loans('zone-utc-loads', { time_zone: 'UTC' }, []),
  // Control and invisible characters in keys and codes
  loans('id-nul', { loan_id: 'H-id-nul-bad\u0000' }, [
    loanReject('loan_id', 'characters', 'H-id-nul-bad\uFFFD', 'found U+0000'),
  ]),
  loans('id-zero-width-space', { loan_id: 'H-id-zwsp\u200B-bad' }, [
    loanReject('loan_id', 'characters', 'H-id-zwsp\uFFFD-bad', 'found U+200B'),
  ]),
  loans('borrower-bom', { borrower_id: '\uFEFFB-x' }, [
    loanReject('borrower_id', 'characters', undefined, 'U+FEFF'),
  ]),
  loans('id-rtl-override', { loan_id: 'H-rtl\u202E-bad' }, [
    loanReject('loan_id', 'characters', undefined, 'U+202E'),
  ]),
  loans('region-tab', { region: 'R0\t1' }, [loanReject('region', 'characters', 'R0\uFFFD1', INVISIBLE)]),
  loans('grade-zero-width-joiner', { credit_grade: 'A\u200D' }, [
    loanReject('credit_grade', 'characters', undefined, 'U+200D'),
    loanReject('credit_grade', 'enum'),
  ]),
  loans('id-too-long', { loan_id: `H-${'x'.repeat(300)}` }, [
    loanReject('loan_id', 'length', '(302 characters)', 'at most 256'),
  ]),
  loans('phone-nul', { phone: '+8613900000001\u0000' }, [loanReject('phone', 'phone')]),
  // Physical lines: a quoted newline or blank lines before a refused row must not shift its line
  {
    file: 'loans-quoted-newline-region.csv',
    text: `${LOAN_HEADER}\n${loanRow('H-qn-1', { region: 'R\n01' })}\n${loanRow('H-qn-2')}\n${loanRow('H-qn-3', { principal: 'NaN' })}\n`,
    rows_in: 3,
    inserted: 1,
    rejects: [
      { line: 2, column: 'region', rule: 'characters', message: 'U+000A' },
      { line: 5, column: 'principal', rule: 'type', value: 'NaN' },
    ],
  },
  {
    file: 'loans-quoted-newline-extra-column.csv',
    text: `${LOAN_HEADER},note\n${loanRow('H-qx-1')},"two\nlines\nof note"\n${loanRow('H-qx-2', { term_months: '36.6' })},x\n`,
    rows_in: 2,
    inserted: 1,
    rejects: [{ line: 5, column: 'term_months', rule: 'type', value: '36.6' }],
  },
  {
    file: 'loans-blank-lines.csv',
    text: `${LOAN_HEADER}\n${loanRow('H-bl-1')}\n\n\n${loanRow('H-bl-2', { time_zone: 'CST' })}\n`,
    rows_in: 2,
    inserted: 1,
    rejects: [{ line: 5, column: 'time_zone', rule: 'zone', value: 'CST' }],
  },
  {
    file: 'loans-crlf-quoted-newline.csv',
    text: `${LOAN_HEADER}\r\n${loanRow('H-cr-1', { region: 'R\r\n01' })}\r\n${loanRow('H-cr-2', { maturity_on: 'infinity' })}\r\n`,
    rows_in: 2,
    inserted: 0,
    rejects: [
      { line: 2, column: 'region', rule: 'characters' },
      { line: 4, column: 'maturity_on', rule: 'type', value: 'infinity' },
    ],
  },
  {
    file: 'loans-quoted-newline-then-broken-row.csv',
    text: `${LOAN_HEADER}\n${loanRow('H-qb-1', { region: 'R\n01' })}\n${loanRow('H-qb-2')},extra\n${loanRow('H-qb-3', { principal: 'Infinity' })}\n`,
    rows_in: 3,
    inserted: 0,
    rejects: [
      { line: 2, column: 'region', rule: 'characters' },
      { line: 4, column: '(row)', rule: 'csv_structure', message: 'too many columns' },
      { line: 5, column: 'principal', rule: 'type', value: 'Infinity' },
    ],
  },
  // A 10 MB field: refused with its line, not a crash
  {
    file: 'loans-huge-field.csv',
    text: `${LOAN_HEADER}\n${loanRow('H-huge-1')}\n${loanRow('H-huge-2', { borrower_id: 'x'.repeat(10 * 1024 * 1024) })}\n${loanRow('H-huge-3')}\n`,
    rows_in: 3,
    inserted: 2,
    rejects: [
      {
        line: 3,
        column: '(row)',
        rule: 'csv_structure',
        value: 'H-huge-2,xxx',
        message: 'line size over maximum',
      },
    ],
  },
  // Repayments
  repayments('installment-fraction', { installment_no: '2.5' }, [
    loanReject('installment_no', 'type', '2.5'),
  ]),
  repayments('installment-nan', { installment_no: 'NaN' }, [loanReject('installment_no', 'type', 'NaN')]),
  repayments('installment-point-zero-loads', { installment_no: '900.0' }, []),
  repayments('amount-due-nan', { amount_due: 'NaN' }, [loanReject('amount_due', 'type', 'NaN')]),
  repayments('amount-paid-infinity', { amount_paid: 'Infinity' }, [
    loanReject('amount_paid', 'type', 'Infinity'),
  ]),
  repayments('due-infinity', { due_on: 'infinity' }, [loanReject('due_on', 'type', 'infinity')]),
  repayments('paid-year-10000', { paid_on: '10000-01-01' }, [loanReject('paid_on', 'type', '10000-01-01')]),
  repayments('loan-id-zero-width', { loan_id: 'L0002\u200B' }, [
    loanReject('loan_id', 'characters', 'L0002\uFFFD'),
    loanReject('loan_id', 'unknown_loan'),
  ]),
  // Contacts
  contacts('started-infinity', { started_at: 'infinity' }, [loanReject('started_at', 'type', 'infinity')]),
  contacts('started-year-294276', { started_at: '294276-01-01T00:00:00Z' }, [
    loanReject('started_at', 'type'),
  ]),
  contacts('started-1800', { started_at: '1800-01-01T00:00:00Z' }, [loanReject('started_at', 'type')]),
  contacts('started-abbreviation', { started_at: '2024-02-15 10:30:00 CST' }, [
    loanReject('started_at', 'type', '2024-02-15 10:30:00 CST'),
  ]),
  contacts('started-link-zone', { started_at: '2024-02-15 10:30:00 US/Pacific' }, [
    loanReject('started_at', 'type', 'US/Pacific'),
  ]),
  contacts('started-canonical-zone-loads', { started_at: '2024-02-15 10:30:00 Asia/Shanghai' }, []),
  contacts('duration-nan', { duration_s: 'NaN' }, [loanReject('duration_s', 'type', 'NaN')]),
  contacts('duration-infinity', { duration_s: 'Infinity' }, [loanReject('duration_s', 'type', 'Infinity')]),
  contacts('id-zero-width', { contact_id: 'HC\u200B' }, [loanReject('contact_id', 'characters')]),
  contacts('agent-nul', { agent_id: 'A\u000001' }, [loanReject('agent_id', 'characters', 'A\uFFFD01')]),
  // Market
  market('hpi-nan', { hpi: 'NaN' }, [loanReject('hpi', 'type', 'NaN')]),
  market('month-infinity', { month: 'infinity' }, [loanReject('month', 'type', 'infinity')]),
  market('unemployment-minus-infinity', { unemployment: '-Infinity' }, [loanReject('unemployment', 'type')]),
  market('region-zero-width', { region: 'HM\u200B' }, [loanReject('region', 'characters')]),
  // JSON Lines: the same rules, lines are row numbers
  {
    file: 'loans-json-hostile.jsonl',
    text: [
      JSON.stringify({ ...LOAN_DEFAULTS, loan_id: 'H-js-1', borrower_id: 'B-js' }),
      JSON.stringify({ ...LOAN_DEFAULTS, loan_id: 'H-js-2', borrower_id: 'B-js', principal: 'Infinity' }),
      JSON.stringify({ ...LOAN_DEFAULTS, loan_id: 'H-js-3', borrower_id: 'B-js', term_months: 36.6 }),
      `{"loan_id":"H-js-4","borrower_id":"B-js","loan_type":"personal","disbursed_on":"2024-01-10","maturity_on":"2027-01-10","principal":1e999,"annual_rate":0.05,"term_months":36,"credit_grade":"A","region":"R01","time_zone":"Factory","phone":"+8613900000001"}`,
      '',
    ].join('\n'),
    rows_in: 4,
    inserted: 1,
    rejects: [
      { line: 2, column: 'principal', rule: 'type', value: 'Infinity' },
      { line: 3, column: 'term_months', rule: 'type', value: '36.6' },
      { line: 4, column: 'principal', rule: 'type' },
      { line: 4, column: 'time_zone', rule: 'zone', value: 'Factory' },
    ],
  },
];
