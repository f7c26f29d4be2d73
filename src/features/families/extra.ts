/**
 * Extra family: the lender's own attributes declared as extra columns in the mapping (src/contract/mapping.ts),
 * stored in `loans_extra` / `contacts_extra` by ingest (src/ingest/extras.ts).
 *
 * Point in time: a loan's extras describe the application (known at disbursement, like the loan family); a
 * contact's extras are read from the borrower's LATEST contact strictly before the row's cutoff, so a hang-up row
 * never sees its own attempt (its queue time or talk time would give the outcome away).
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { FeatureSpec } from '../types.ts';
import type { FeatureFamily } from './family.ts';

const F = 'extra';

/** One declared extra column, as stored in `extra_columns`. */
export interface ExtraDeclaration {
  tbl: 'loans' | 'contacts';
  name: string;
  type: 'numeric' | 'categorical';
  /** Where it came from, e.g. `column AGE` or `expr …`: shown in the manifest, outside its hash. */
  source: string;
}

/** Feature name of a declared extra: `x_<name>` for loans, `x_last_<name>` for the latest contact. */
export function extraFeatureName(d: Pick<ExtraDeclaration, 'tbl' | 'name'>): string {
  return d.tbl === 'loans' ? `x_${d.name}` : `x_last_${d.name}`;
}

/** The feature specs of the declarations, in declaration order. */
export function extraSpecs(decl: readonly ExtraDeclaration[]): FeatureSpec[] {
  return decl.map((d) => {
    const words = d.name.replaceAll('_', ' ');
    return {
      name: extraFeatureName(d),
      type: d.type,
      family: F,
      phrase: d.tbl === 'loans' ? `${words} {v}` : `${words} {v} on the last contact`,
      source: `${d.tbl}.${d.source}`,
    };
  });
}

/** The family computing the declared extras, or undefined when none are declared. */
export function extraFamily(decl: readonly ExtraDeclaration[]): FeatureFamily | undefined {
  if (decl.length === 0) return undefined;
  const specs = extraSpecs(decl);
  const pick = (d: ExtraDeclaration, alias: string) =>
    `${d.type === 'numeric' ? 'max(e.num)' : 'max(e.txt)'} FILTER (WHERE e.name = ${quotedString(d.name)}) AS ${quotedIdentifier(alias)}`;
  const loans = decl.filter((d) => d.tbl === 'loans');
  const contacts = decl.filter((d) => d.tbl === 'contacts');
  return {
    name: F,
    features: specs,
    sql(spine) {
      const s = quotedIdentifier(spine);
      const cols = decl.map((d) => {
        const n = quotedIdentifier(extraFeatureName(d));
        const src = d.tbl === 'loans' ? 'lx' : 'cx';
        return d.type === 'numeric' ? `${src}.${n}::DOUBLE AS ${n}` : `${src}.${n}::VARCHAR AS ${n}`;
      });
      const lx = loans.length
        ? `LEFT JOIN (SELECT e.key, ${loans.map((d) => pick(d, extraFeatureName(d))).join(', ')}
             FROM loans_extra e GROUP BY e.key) lx ON lx.key = s.loan_id`
        : '';
      const cx = contacts.length
        ? `LEFT JOIN (
             SELECT last.rid, ${contacts.map((d) => pick(d, extraFeatureName(d))).join(', ')}
             FROM (SELECT s2.rid, arg_max(c.contact_id, (c.started_at, c.contact_id)) AS contact_id
                   FROM ${s} s2 JOIN contacts c ON c.loan_id = s2.loan_id AND c.started_at < s2.cutoff
                   GROUP BY s2.rid) last
             JOIN contacts_extra e ON e.key = last.contact_id
             GROUP BY last.rid) cx ON cx.rid = s.rid`
        : '';
      return `SELECT s.rid, ${cols.join(', ')} FROM ${s} s ${lx} ${cx}`;
    },
  };
}
