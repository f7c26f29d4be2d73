/**
 * Bank Marketing (Moro, Cortez & Rita 2014, UCI 222, CC BY 4.0) → FeatureTable. Target: the client subscribed
 * (y = yes) after the call campaign. `duration` is left out: it is only known after the call and leaks the outcome.
 * pdays = 999 means "never contacted before": it becomes missing (with its indicator) plus an explicit flag.
 * Split: test = 0-based data-row index `% 5 == 0`; validation carved (seeded) from the rest.
 */
import { join } from 'node:path';
import { BadInputError } from '../core/errors.ts';
import { makeManifest } from '../features/manifest.ts';
import type { FeatureSpec, FeatureTable } from '../features/types.ts';
import { numCol, PUBLIC_DIR, readCsv } from './read.ts';
import type { BenchmarkData } from './taiwan.ts';

const CATEGORICAL: [string, string, string][] = [
  ['job', 'job', 'job {v}'],
  ['marital', 'marital', 'marital status {v}'],
  ['education', 'education', 'education {v}'],
  ['default', 'credit_in_default', 'credit in default: {v}'],
  ['housing', 'housing_loan', 'housing loan: {v}'],
  ['loan', 'personal_loan', 'personal loan: {v}'],
  ['contact', 'channel', 'contacted by {v}'],
  ['month', 'month', 'called in {v}'],
  ['day_of_week', 'day_of_week', 'called on {v}'],
  ['poutcome', 'previous_outcome', 'previous campaign outcome {v}'],
];

const MARKET: [string, string, string][] = [
  ['emp.var.rate', 'emp_var_rate', 'employment variation rate {v}'],
  ['cons.price.idx', 'cons_price_idx', 'consumer price index {v}'],
  ['cons.conf.idx', 'cons_conf_idx', 'consumer confidence index {v}'],
  ['euribor3m', 'euribor3m', 'euribor 3 month rate {v}'],
  ['nr.employed', 'nr_employed', 'number employed {v} thousand'],
];

export async function loadBank(
  file = join(PUBLIC_DIR, 'bank-marketing/bank-additional-full.csv'),
): Promise<BenchmarkData> {
  const rows = await readCsv(file, ';');
  const n = rows.length;
  const specs: FeatureSpec[] = [];
  const numeric: Record<string, Float64Array> = {};
  const categorical: Record<string, (string | null)[]> = {};
  const num = (name: string, family: string, phrase: string, v: Float64Array, unit?: string) => {
    specs.push({ name, type: 'numeric', family, phrase, ...(unit ? { unit } : {}) });
    numeric[name] = v;
  };
  num('age', 'borrower', 'age {v}', numCol(rows, 'age', file), 'years');
  for (const [col, name, phrase] of CATEGORICAL) {
    specs.push({
      name,
      type: 'categorical',
      family: col === 'contact' || col === 'month' || col === 'day_of_week' ? 'context' : 'borrower',
      phrase,
    });
    // 'unknown' codes a missing value in this dataset
    categorical[name] = rows.map((r) => (r[col] === 'unknown' || r[col] === null ? null : String(r[col])));
  }
  const campaign = numCol(rows, 'campaign', file);
  num('attempts', 'contact', '{v} call {attempt|attempts} in this campaign', campaign);
  num(
    'log_attempts',
    'contact',
    '{v} call attempts (log)',
    campaign.map((v) => Math.log1p(v)),
  );
  const pdays = numCol(rows, 'pdays', file);
  num(
    'days_since_previous',
    'contact',
    '{v} {day|days} since the previous campaign',
    pdays.map((v) => (v === 999 ? Number.NaN : v)),
    'days',
  );
  num(
    'never_contacted',
    'contact',
    'never contacted before ({v})',
    pdays.map((v) => (v === 999 ? 1 : 0)),
  );
  num(
    'previous_contacts',
    'contact',
    '{v} {contact|contacts} before this campaign',
    numCol(rows, 'previous', file),
  );
  for (const [col, name, phrase] of MARKET) num(name, 'market', phrase, numCol(rows, col, file));
  // The indicators are monthly and take few distinct values: as categories they name the market period, which
  // lets the network represent the sharp, non-monotone period effects that trees find by splitting.
  specs.push({ name: 'market_period', type: 'categorical', family: 'market', phrase: 'market period {v}' });
  categorical.market_period = rows.map((r) => `${r['cons.price.idx']}/${r['cons.conf.idx']}`);
  const y = Uint8Array.from(rows, (r, i) => {
    if (r.y !== 'yes' && r.y !== 'no')
      throw new BadInputError(`expected y to be "yes" or "no"; found ${JSON.stringify(r.y)}`, {
        place: { file, line: i + 2, column: 'y', value: r.y },
      });
    return r.y === 'yes' ? 1 : 0;
  });
  const table: FeatureTable = {
    manifest: makeManifest(specs, 'bank-1'),
    n,
    keys: { loan_id: rows.map((r) => String(r.__row)) },
    numeric,
    categorical,
  };
  return { table, y, test: Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)), file };
}
