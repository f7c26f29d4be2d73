/**
 * Writes data-samples/broken/ (one failure per file, plus good base data and expectations.json) and
 * data-samples/lender-example/ (a GBK export with Chinese column names and codes, its mapping, and the same data
 * in contract format). Run: `npx tsx test/ingest/make-samples.ts`. The outputs are committed; tests read them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import {
  CONTACT_HEADER,
  contactRow,
  csv,
  goodWorld,
  LOAN_HEADER,
  loanRow,
  MARKET_HEADER,
  marketRow,
  REPAYMENT_HEADER,
  repaymentRows,
} from './fixtures.ts';

const root = new URL('../../data-samples/', import.meta.url).pathname;
const broken = join(root, 'broken');
mkdirSync(join(broken, 'base'), { recursive: true });

const base = goodWorld(10);
for (const [t, text] of Object.entries(base)) writeFileSync(join(broken, 'base', `${t}.csv`), text);

/** Expected outcome of one broken file when loaded onto the base warehouse. */
interface Expectation {
  file: string;
  /** CLI exit code. */
  code: 2 | 3;
  /** Parts the error message (exit 2) or the reject row's message (exit 3) must contain. */
  message: string[];
  /** Exit 3 only: rows rejected, rows inserted, and the first reject's rule, line and column. */
  rejected?: number;
  inserted?: number;
  rule?: string;
  line?: number;
  column?: string;
  value?: string;
}
const expectations: Expectation[] = [];

// Good rows with keys not in the base data, so "changed by exactly the good rows" is the number inserted.
const newLoans = (from = 1001, n = 3) =>
  Array.from({ length: n }, (_, k) => [`L${from + k}`, ...loanRow(k + 1).slice(1)]);
const newRepayments = () => repaymentRows(1, 5).slice(2); // installments 3..5 of L0001
const newContacts = () => [1, 2, 3].map((k) => [`C9000${k}`, ...contactRow(k, k).slice(1)]);

function put(name: string, data: string | Buffer, e: Omit<Expectation, 'file'>): void {
  writeFileSync(join(broken, name), data);
  expectations.push({ file: name, ...e });
}
function withRow(header: string[], rows: string[][], bad: string[]): string {
  return csv(header, [...rows, bad]);
}
const loan = (patch: Record<string, string>, id = 'L1004') => {
  const r = [id, ...loanRow(4).slice(1)];
  for (const [k, v] of Object.entries(patch)) r[LOAN_HEADER.indexOf(k)] = v;
  return r;
};
const rowReject = (rule: string, column: string, value: string, message: string, line = 5) => ({
  code: 3 as const,
  message: [message],
  rejected: 1,
  inserted: 3,
  rule,
  line,
  column,
  value,
});

// --- whole-file failures: exit 2, warehouse unchanged ---
put(
  'loans-missing-column.csv',
  csv(
    LOAN_HEADER.filter((h) => h !== 'phone'),
    newLoans().map((r) => r.filter((_v, i) => i !== 11)),
  ),
  {
    code: 2,
    message: ['loans-missing-column.csv', 'missing required loans column(s) phone', 'found 13 column(s)'],
  },
);
put('loans-semicolon-delimiter.csv', csv(LOAN_HEADER, newLoans()).replaceAll(',', ';'), {
  code: 2,
  message: ['loans-semicolon-delimiter.csv', '";"-delimited', 'expected ","'],
});
put('loans-empty.csv', '', { code: 2, message: ['loans-empty.csv', 'is empty', 'expected a header line'] });
put('loans-empty-after-gunzip.csv.gz', gzipSync(Buffer.alloc(0)), {
  code: 2,
  message: ['loans-empty-after-gunzip.csv.gz', 'no content after decompression'],
});
const gz = gzipSync(Buffer.from(csv(LOAN_HEADER, newLoans(1001, 400))));
put('loans-truncated.csv.gz', gz.subarray(0, Math.floor(gz.length * 0.6)), {
  code: 2,
  message: ['loans-truncated.csv.gz', 'expected a complete gzip stream'],
});
put(
  'loans-gbk-undeclared.csv',
  iconv.encode(csv(LOAN_HEADER, [...newLoans(1001, 2), loan({ region: '华东' }, 'L1003')]), 'gbk'),
  { code: 2, message: ['loans-gbk-undeclared.csv', 'not valid UTF-8', 'line 4', '--encoding'] },
);
put('loans-duplicate-header.csv', csv([...LOAN_HEADER.slice(0, -1), 'loan_id'], newLoans()), {
  code: 2,
  message: ['loans-duplicate-header.csv', 'column "loan_id" twice', 'expected unique column names'],
});
put(
  'contacts-malformed.jsonl',
  `${newContacts()
    .map((r) => JSON.stringify(Object.fromEntries(CONTACT_HEADER.map((h, i) => [h, r[i]]))))
    .join('\n')}\n{"contact_id": "C90009", "loan_id": \n`,
  { code: 2, message: ['contacts-malformed.jsonl', 'cannot read'] },
);

// --- row failures: exit 3, only the good rows load ---
put('loans-duplicate-key.csv', withRow(LOAN_HEADER, newLoans(), loan({}, 'L1003')), {
  code: 3,
  message: ['appears more than once'],
  rejected: 2,
  inserted: 2,
  rule: 'duplicate_key',
  line: 4,
  column: 'loan_id',
  value: 'L1003',
});
put(
  'loans-bad-phone.csv',
  withRow(LOAN_HEADER, newLoans(), loan({ phone: '13800138000' })),
  rowReject('phone', 'phone', '13800138000', 'expected E.164'),
);
put(
  'loans-maturity-before-disbursement.csv',
  withRow(LOAN_HEADER, newLoans(), loan({ disbursed_on: '2024-05-01', maturity_on: '2024-04-30' })),
  rowReject('date_order', 'maturity_on', '2024-04-30', 'expected after disbursed_on'),
);
put(
  'loans-bad-loan-type.csv',
  withRow(LOAN_HEADER, newLoans(), loan({ loan_type: '个人' })),
  rowReject('enum', 'loan_type', '个人', 'expected one of personal, corporate'),
);
put(
  'loans-negative-principal.csv',
  withRow(LOAN_HEADER, newLoans(), loan({ principal: '-5000' })),
  rowReject('range', 'principal', '-5000.0', 'expected at least 0.01'),
);
put(
  'loans-rate-as-percent.csv',
  withRow(LOAN_HEADER, newLoans(), loan({ annual_rate: '4.5' })),
  rowReject('range', 'annual_rate', '4.5', 'expected at most 1'),
);
put(
  'loans-impossible-date.csv',
  withRow(LOAN_HEADER, newLoans(), loan({ disbursed_on: '2023-02-30' })),
  rowReject('type', 'disbursed_on', '2023-02-30', 'expected a date'),
);
put(
  'loans-missing-borrower.csv',
  withRow(LOAN_HEADER, newLoans(), loan({ borrower_id: '' })),
  rowReject('required', 'borrower_id', '', 'borrower_id is required'),
);
put(
  'loans-bad-timezone.csv',
  withRow(LOAN_HEADER, newLoans(), loan({ time_zone: 'China/Beijing' })),
  rowReject('zone', 'time_zone', 'China/Beijing', 'expected an IANA time zone'),
);
put(
  'loans-wrong-field-count.csv',
  `${csv(LOAN_HEADER, newLoans(1001, 2))}${loan({}).slice(0, 10).join(',')}\n${csv(LOAN_HEADER, newLoans(1003, 1)).split('\n')[1]}\n`,
  { code: 3, message: ['missing columns'], rejected: 1, inserted: 3, rule: 'csv_structure', line: 4 },
);
put(
  'loans-unterminated-quote.csv',
  `${csv(LOAN_HEADER, newLoans())}${loan({}).join(',').replace('B0004', '"B0004')}\n`,
  {
    code: 3,
    message: ['unterminated quote'],
    rejected: 1,
    inserted: 3,
    rule: 'csv_structure',
    line: 5,
  },
);
const rep = (patch: Record<string, string>) => {
  const r = ['L0002', '3', '2023-04-28', '1500.5', '2023-04-28', '1500.5'];
  for (const [k, v] of Object.entries(patch)) r[REPAYMENT_HEADER.indexOf(k)] = v;
  return r;
};
put(
  'repayments-paid-before-disbursement.csv',
  withRow(REPAYMENT_HEADER, newRepayments(), rep({ paid_on: '2022-12-31' })),
  rowReject(
    'paid_before_disbursement',
    'paid_on',
    '2022-12-31',
    "expected on or after the loan's disbursed_on",
  ),
);
put(
  'repayments-amount-with-unit.csv',
  withRow(REPAYMENT_HEADER, newRepayments(), rep({ amount_due: '1500元' })),
  rowReject('type', 'amount_due', '1500元', 'expected a number'),
);
const con = (patch: Record<string, string>) => {
  const r = ['C90004', ...contactRow(4, 4).slice(1)];
  for (const [k, v] of Object.entries(patch)) r[CONTACT_HEADER.indexOf(k)] = v;
  return r;
};
put(
  'contacts-unknown-loan.csv',
  withRow(CONTACT_HEADER, newContacts(), con({ loan_id: 'L9999' })),
  rowReject('unknown_loan', 'loan_id', 'L9999', 'expected a loan in the warehouse or in this batch'),
);
put(
  'contacts-bad-timezone.csv',
  withRow(CONTACT_HEADER, newContacts(), con({ started_at: '2023-05-15 10:30:00 Asia/Beijing' })),
  rowReject(
    'type',
    'started_at',
    '2023-05-15 10:30:00 Asia/Beijing',
    'expected a timestamp with a UTC offset',
  ),
);
put(
  'contacts-naive-timestamp.csv',
  withRow(CONTACT_HEADER, newContacts(), con({ started_at: '2023-05-15 10:30:00' })),
  rowReject('type', 'started_at', '2023-05-15 10:30:00', 'or a mapping time_zone'),
);
put(
  'contacts-bad-outcome.csv',
  withRow(CONTACT_HEADER, newContacts(), con({ outcome: 'HANGUP' })),
  rowReject('enum', 'outcome', 'HANGUP', 'expected one of answered, hung_up'),
);
put(
  'market-unemployment-as-percent.csv',
  withRow(
    MARKET_HEADER,
    [4, 5, 6].map((m) => marketRow(1, m)),
    ['R01', '2023-07-01', '101.0', '5.1'],
  ),
  rowReject('range', 'unemployment', '5.1', 'expected at most 1'),
);

// --- lender example: the base data as a Chinese bank might export it (GBK, own names, codes, formats) ---
const lender = join(root, 'lender-example');
mkdirSync(join(lender, 'contract'), { recursive: true });
const world = goodWorld(10);
for (const t of ['loans', 'repayments', 'contacts'] as const)
  writeFileSync(join(lender, 'contract', `${t}.csv`), world[t]);
const rows = (text: string) =>
  text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
const slash = (d: string) => d.replaceAll('-', '/');
const zh: Record<string, string> = {
  personal: '个人',
  corporate: '企业',
  phone: '电话',
  sms: '短信',
  outbound: '呼出',
  first: '首次回访',
  answered: '接通',
  hung_up: '挂断',
  delivered: '已送达',
};
const loanCols = [
  '贷款编号',
  '客户号',
  '贷款类型',
  '放款日期',
  '到期日期',
  '贷款金额',
  '年利率',
  '期限(月)',
  '信用等级',
  '地区',
  '时区',
  '手机号',
  '抵押物价值',
  '月收入',
];
const repCols = ['贷款编号', '期数', '应还日期', '应还金额', '实还日期', '实还金额'];
const conCols = ['记录编号', '贷款编号', '回访时间', '渠道', '方向', '目的', '结果', '通话时长(秒)', '坐席'];
const gbk = (name: string, header: string[], body: string[][]) =>
  writeFileSync(join(lender, name), iconv.encode(csv(header, body).replaceAll('\n', '\r\n'), 'gbk'));
gbk(
  '贷款台账-202312.csv',
  loanCols,
  rows(world.loans).map((r) => r.map((v, i) => (i === 2 ? (zh[v] ?? v) : i === 3 || i === 4 ? slash(v) : v))),
);
gbk(
  '还款记录-202312.csv',
  repCols,
  rows(world.repayments).map((r) => r.map((v, i) => (i === 2 || i === 4 ? slash(v) : v))),
);
// Timestamps as Beijing wall-clock time without an offset: the mapping's time_zone makes them exact.
gbk(
  '回访记录-202312.csv',
  conCols,
  rows(world.contacts).map((r) =>
    r.map((v, i) => (i === 2 ? slash(v.replace('T', ' ').replace('+08:00', '')) : (zh[v] ?? v))),
  ),
);
const cols = (names: string[], header: string[]) =>
  header.map((h, i) => `    ${h}: "${names[i]}"`).join('\n');
writeFileSync(
  join(lender, 'mapping.yaml'),
  `# Mapping of the example lender's GBK export onto the followup data contract.
encoding: gbk
time_zone: Asia/Shanghai   # 回访时间 is Beijing wall-clock time without an offset
files:
  "贷款台账*.csv": loans
  "还款记录*.csv": repayments
  "回访记录*.csv": contacts
loans:
  date_format: "%Y/%m/%d"
  columns:
${cols(loanCols, LOAN_HEADER)}
  codes:
    loan_type: { 个人: personal, 企业: corporate }
repayments:
  date_format: "%Y/%m/%d"
  columns:
${cols(repCols, REPAYMENT_HEADER)}
contacts:
  timestamp_format: "%Y/%m/%d %H:%M:%S"
  columns:
${cols(conCols, CONTACT_HEADER)}
  codes:
    channel: { 电话: phone, 短信: sms, 邮件: email, 上门: visit, 应用: app }
    direction: { 呼出: outbound, 呼入: inbound }
    purpose: { 首次回访: first, 中期回访: mid_term, 末期回访: final, 催收: collection, 其他: other }
    outcome: { 接通: answered, 挂断: hung_up, 未接: no_answer, 拒绝: refused, 占线: busy, 语音信箱: voicemail, 已送达: delivered, 失败: failed, 承诺还款: promise_to_pay }
`,
);

writeFileSync(join(broken, 'expectations.json'), `${JSON.stringify(expectations, null, 2)}\n`);
console.log(`wrote ${expectations.length} broken inputs to ${broken}`);
