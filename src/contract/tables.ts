/**
 * The data contract: the four input tables followup reads. Declared once; DDL, validation, README tables and TS
 * types derive from here. A lender's own column names and codes map onto these through a mapping file
 * (src/contract/mapping.ts), never by editing data.
 */
import { type RowOf, table } from './columns.ts';

export const LOAN_TYPES = ['personal', 'corporate'] as const;
export const CREDIT_GRADES = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC'] as const;
export const CHANNELS = ['phone', 'sms', 'email', 'visit', 'app'] as const;
export const DIRECTIONS = ['outbound', 'inbound'] as const;
export const PURPOSES = ['first', 'mid_term', 'final', 'collection', 'other'] as const;
export const OUTCOMES = [
  'answered',
  'hung_up',
  'no_answer',
  'refused',
  'busy',
  'voicemail',
  'delivered',
  'failed',
  'promise_to_pay',
  // A conversation in which the borrower reported cash-flow trouble (资金困难); next action: a review task.
  'hardship',
] as const;

export const loans = table({
  name: 'loans',
  doc: 'One row per loan, as of disbursement.',
  key: ['loan_id'],
  columns: {
    loan_id: { kind: 'id', doc: 'Loan identifier (key).' },
    borrower_id: { kind: 'id', doc: 'Borrower identifier; one borrower may hold several loans.' },
    loan_type: { kind: 'enum', values: LOAN_TYPES, doc: 'personal (个人) or corporate (企业).' },
    disbursed_on: { kind: 'date', doc: 'Disbursement date.' },
    maturity_on: { kind: 'date', doc: 'Contractual maturity date; after disbursed_on.' },
    principal: { kind: 'number', min: 0.01, doc: 'Amount lent, in the loan currency.' },
    annual_rate: {
      kind: 'number',
      min: 0,
      max: 1,
      doc: 'Nominal annual interest rate as a fraction (0.045 = 4.5 %).',
    },
    term_months: { kind: 'int', min: 1, max: 600, doc: 'Contractual term in months.' },
    credit_grade: {
      kind: 'enum',
      values: CREDIT_GRADES,
      doc: 'Internal credit grade at disbursement, AAA best … CCC worst.',
    },
    region: { kind: 'text', doc: 'Region code; joins to market.region.' },
    time_zone: { kind: 'zone', doc: "Borrower's IANA time zone, e.g. Asia/Shanghai." },
    phone: { kind: 'phone', pii: true, doc: 'Borrower phone in E.164 (+8613800138000). Personal data.' },
    collateral_value: {
      kind: 'number',
      required: false,
      min: 0,
      doc: 'Appraised collateral value; null if unsecured.',
    },
    income: { kind: 'number', required: false, min: 0, doc: 'Declared monthly income; null if unknown.' },
  },
});

export const repayments = table({
  name: 'repayments',
  doc: 'One row per installment. Days past due are derived from due_on and paid_on, never read from input.',
  key: ['loan_id', 'installment_no'],
  columns: {
    loan_id: { kind: 'id', doc: 'Loan identifier; must exist in loans (warehouse or same batch).' },
    installment_no: { kind: 'int', min: 1, doc: 'Installment number, 1-based (key with loan_id).' },
    due_on: { kind: 'date', doc: 'Due date.' },
    amount_due: { kind: 'number', min: 0, doc: 'Amount due for the installment.' },
    paid_on: {
      kind: 'date',
      required: false,
      doc: 'Date paid in full or last partial payment; null if unpaid.',
    },
    amount_paid: { kind: 'number', required: false, min: 0, doc: 'Amount paid; null or 0 if unpaid.' },
  },
});

export const contacts = table({
  name: 'contacts',
  doc: 'One row per contact attempt, any channel, either direction.',
  key: ['contact_id'],
  columns: {
    contact_id: { kind: 'id', doc: 'Contact attempt identifier (key).' },
    loan_id: { kind: 'id', doc: 'Loan the contact concerns; must exist in loans.' },
    started_at: { kind: 'timestamptz', doc: 'When the attempt started, with its UTC offset or zone.' },
    channel: { kind: 'enum', values: CHANNELS, doc: 'phone, sms, email, visit or app.' },
    direction: { kind: 'enum', values: DIRECTIONS, doc: 'outbound (lender → borrower) or inbound.' },
    purpose: { kind: 'enum', values: PURPOSES, doc: 'first, mid_term, final, collection or other.' },
    outcome: {
      kind: 'enum',
      values: OUTCOMES,
      doc: 'What happened: answered, hung_up, no_answer, refused, …; hardship = cash-flow trouble reported.',
    },
    duration_s: {
      kind: 'number',
      required: false,
      min: 0,
      doc: 'Talk time in seconds; null for non-voice channels.',
    },
    agent_id: { kind: 'id', required: false, doc: 'Agent who made or took the contact.' },
  },
  added: {
    promised_on: {
      kind: 'date',
      required: false,
      doc: 'For outcome promise_to_pay: the date the borrower promised to pay (borrower-local); else null.',
    },
    followup_id: {
      kind: 'id',
      required: false,
      doc: "The recommendation's followup_id the dialer or CRM sends back with the outcome; null for other contacts.",
    },
  },
});

export const market = table({
  name: 'market',
  doc: 'Optional market environment per region and month. Indicators beyond `hpi` are kept as extra columns.',
  key: ['region', 'month'],
  columns: {
    region: { kind: 'text', doc: 'Region code, as in loans.region.' },
    month: { kind: 'date', doc: 'First day of the month the indicators describe.' },
    hpi: { kind: 'number', min: 0, doc: 'House-price index (any base); its recent change marks a downturn.' },
    unemployment: {
      kind: 'number',
      required: false,
      min: 0,
      max: 1,
      doc: 'Unemployment rate as a fraction.',
    },
  },
});

/** Delinquency buckets of a status panel, after the mapping's codes (lenders write 0…5, C, X and the like). */
export const DPD_BUCKETS = ['none', '1-29', '30-59', '60-89', '90-119', '120-149', '150+'] as const;

export const status_panel = table({
  name: 'status_panel',
  doc: 'Optional fourth shape of repayment history: one row per loan and month with its delinquency bucket (card and bureau data). Ingest derives the repayments of the loan from it (README: status panels).',
  key: ['loan_id', 'month'],
  columns: {
    loan_id: { kind: 'id', doc: 'Loan identifier; must exist in loans (warehouse or same batch).' },
    month: {
      kind: 'date',
      doc: 'First day of the month the status describes (a `format: "%Y-%m"` or `month_start(…)` in the mapping makes one); the status is as at the last day of that month.',
    },
    dpd_bucket: {
      kind: 'enum',
      values: DPD_BUCKETS,
      doc: 'Days past due at month end: none (paid up or no balance), 1-29, 30-59, 60-89, 90-119, 120-149, 150+.',
    },
  },
});

export const TABLES = { loans, repayments, contacts, market, status_panel } as const;
export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

export type Loan = RowOf<typeof loans.columns>;
export type Repayment = RowOf<typeof repayments.columns>;
/** A contacts row; the columns added to the contract later may be absent. */
export type Contact = RowOf<typeof contacts.columns> & {
  promised_on?: string | null;
  followup_id?: string | null;
};
export type Market = RowOf<typeof market.columns>;
export type StatusPanelRow = RowOf<typeof status_panel.columns>;
