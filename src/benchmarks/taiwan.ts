/**
 * Taiwan credit-card default (Yeh & Lien 2009, UCI 350, CC BY 4.0) → FeatureTable. Target: default next month.
 * Feature engineering: repayment statuses as numbers and as categories, signed-log amounts, payment/bill and
 * bill/limit ratios, utilization trend, counts of late / paid-in-full / unused months.
 * Split: test = `ID % 5 == 0`; validation carved (seeded) from the rest.
 */
import { join } from 'node:path';
import { counted } from '../core/format.ts';
import { makeManifest } from '../features/manifest.ts';
import type { FeatureSpec, FeatureTable } from '../features/types.ts';
import { numCol, PUBLIC_DIR, readCsv } from './read.ts';

/** The benchmark as data: features, binary target and the fixed test mask. */
export interface BenchmarkData {
  table: FeatureTable;
  y: Uint8Array;
  /** 1 for test rows, per the project's benchmark split. */
  test: Uint8Array;
  file: string;
}

const slog = (v: number) => Math.sign(v) * Math.log1p(Math.abs(v));
const ratio = (a: number, b: number) => (b > 0 ? Math.min(a / b, 10) : Number.NaN);

export async function loadTaiwan(
  file = join(PUBLIC_DIR, 'taiwan-credit-default/default_of_credit_card_clients.csv'),
): Promise<BenchmarkData> {
  const rows = await readCsv(file, ',');
  const c = (name: string) => numCol(rows, name, file);
  const n = rows.length;
  const id = c('ID');
  const limit = c('LIMIT_BAL');
  const payCols = ['PAY_0', 'PAY_2', 'PAY_3', 'PAY_4', 'PAY_5', 'PAY_6'].map(c);
  const bill = [1, 2, 3, 4, 5, 6].map((k) => c(`BILL_AMT${k}`));
  const paid = [1, 2, 3, 4, 5, 6].map((k) => c(`PAY_AMT${k}`));
  const target = c('default payment next month');
  const specs: FeatureSpec[] = [];
  const numeric: Record<string, Float64Array> = {};
  const categorical: Record<string, (string | null)[]> = {};
  const num = (
    name: string,
    phrase: string,
    f: (i: number) => number,
    family = 'repayment',
    unit?: string,
  ) => {
    specs.push({ name, type: 'numeric', family, phrase, ...(unit ? { unit } : {}) });
    numeric[name] = Float64Array.from({ length: n }, (_, i) => f(i));
  };
  const cat = (name: string, phrase: string, f: (i: number) => string, family = 'repayment') => {
    specs.push({ name, type: 'categorical', family, phrase });
    categorical[name] = Array.from({ length: n }, (_, i) => f(i));
  };
  const at = (a: Float64Array[], k: number, i: number) => (a[k] as Float64Array)[i] as number;
  const ago = (months: number) => `${counted(months, 'month', 'months')} ago`;
  num('log_limit', 'credit limit of NT$ {v} (log)', (i) => Math.log1p(limit[i] as number), 'loan');
  const age = c('AGE');
  num('age', 'age {v}', (i) => age[i] as number, 'borrower', 'years');
  for (const [name, col] of [
    ['sex', 'SEX'],
    ['education', 'EDUCATION'],
    ['marriage', 'MARRIAGE'],
  ] as const) {
    const v = c(col);
    cat(name, `${name} code {v}`, (i) => String(v[i]), 'borrower');
  }
  for (let k = 0; k < 6; k++) {
    num(`pay_status_m${k + 1}`, `repayment status {v} ${ago(k + 1)}`, (i) => at(payCols, k, i));
    cat(`pay_status_m${k + 1}_code`, `repayment status code {v} ${ago(k + 1)}`, (i) =>
      String(at(payCols, k, i)),
    );
    num(`bill_m${k + 1}`, `statement balance {v} (signed log) ${ago(k + 1)}`, (i) => slog(at(bill, k, i)));
    num(`paid_m${k + 1}`, `paid {v} (log) ${ago(k + 1)}`, (i) => slog(at(paid, k, i)));
    num(
      `util_m${k + 1}`,
      `utilization {v} of the limit ${ago(k + 1)}`,
      (i) => at(bill, k, i) / (limit[i] as number),
    );
    if (k < 5)
      num(`pay_ratio_m${k + 1}`, `paid {v} of the previous bill ${ago(k + 1)}`, (i) =>
        ratio(at(paid, k, i), at(bill, k + 1, i)),
      );
  }
  const count = (i: number, pred: (s: number) => boolean) =>
    payCols.filter((p) => pred(p[i] as number)).length;
  num('late_months', '{v} late {payment|payments} in the last 6 months', (i) => count(i, (s) => s > 0));
  num('max_delay', 'longest delay {v} {month|months} in the last 6 months', (i) =>
    Math.max(...payCols.map((p) => p[i] as number)),
  );
  num('paid_full_months', '{v} {month|months} paid in full', (i) => count(i, (s) => s === -1));
  num('unused_months', '{v} {month|months} without use', (i) => count(i, (s) => s === -2));
  num(
    'util_trend',
    'utilization change {v} over 6 months',
    (i) => (at(bill, 0, i) - at(bill, 5, i)) / (limit[i] as number),
  );
  num(
    'avg_paid_to_limit',
    'average payment {v} of the limit',
    (i) => paid.reduce((s, p) => s + (p[i] as number), 0) / 6 / (limit[i] as number),
  );
  num('total_paid_to_bill', 'paid {v} of the total billed', (i) =>
    ratio(
      paid.slice(0, 5).reduce((s, p) => s + (p[i] as number), 0),
      bill.slice(1).reduce((s, b) => s + Math.max(0, b[i] as number), 0),
    ),
  );
  const table: FeatureTable = {
    manifest: makeManifest(specs, 'taiwan-1'),
    n,
    keys: { loan_id: Array.from(id, (v) => String(v)) },
    numeric,
    categorical,
  };
  return {
    table,
    y: Uint8Array.from(target),
    test: Uint8Array.from(id, (v) => (v % 5 === 0 ? 1 : 0)),
    file,
  };
}
