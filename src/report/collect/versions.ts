/**
 * The header a model-risk reader checks first: which models, policy and code made the report, and the data
 * window it saw. Reads: recommendation_runs (via RunInfo), loans, repayments, contacts. Code versions come from
 * the installed package manifests, so the header changes only when the code does.
 */
import { readFileSync } from 'node:fs';
import type { Warehouse } from '../../warehouse/db.ts';
import { tableExists } from '../../warehouse/introspect.ts';
import { bundleText } from '../html.ts';
import type { RunInfo, Versions } from '../types.ts';

function packageVersion(path: string): string {
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** followup's own version (its package.json). */
export function followupVersion(): string {
  return packageVersion(new URL('../../../package.json', import.meta.url).pathname);
}

/** Version of an installed package (its package.json; `exports` hides it, so read it as the bundles are read). */
function installed(pkg: string): string {
  return (JSON.parse(bundleText(pkg, 'package.json')) as { version: string }).version;
}

export async function collectVersions(w: Warehouse, run: RunInfo | undefined): Promise<Versions> {
  // `day` turns the column's first and last value into a date: applied after min/max, not to every row (ICU's
  // timezone() row by row took 1.5 s over 13.7 M contacts).
  const window = async (table: string, col: string, day = (v: string) => v) =>
    (await tableExists(w, table))
      ? ((await w.one<{ from: string | null; to: string | null }>(
          `SELECT strftime(${day(`min(${col})`)}::DATE, '%Y-%m-%d') AS "from", strftime(${day(`max(${col})`)}::DATE, '%Y-%m-%d') AS "to" FROM ${table}`,
        )) ?? { from: null, to: null })
      : { from: null, to: null };
  return {
    delinquency_model: run?.delinquency_model ?? null,
    hangup_model: run?.hangup_model ?? null,
    policy_version: run?.policy_version ?? null,
    run_id: run?.run_id ?? null,
    as_of: run?.as_of ?? null,
    disbursed: await window('loans', 'disbursed_on'),
    repayments_due: await window('repayments', 'due_on'),
    contacts: await window('contacts', 'started_at', (v) => `timezone('UTC', ${v})`),
    code: {
      followup: followupVersion(),
      'vega-lite': installed('vega-lite'),
      vega: installed('vega'),
    },
  };
}
