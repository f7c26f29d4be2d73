/**
 * Renders the data contract as Markdown for the README. A test checks that the README holds exactly this text, so
 * the documented contract cannot drift from the declared one.
 */
import type { AnyTableSpec } from './columns.ts';
import { columnsOf, DUCKDB_TYPE } from './columns.ts';
import { TABLES } from './tables.ts';

export function contractMarkdown(): string {
  return Object.values(TABLES)
    .map((t) => tableMarkdown(t))
    .join('\n\n');
}

function tableMarkdown(t: AnyTableSpec): string {
  const head = `#### \`${t.name}\` — key (${t.key.join(', ')})\n${t.doc}\n\n| column | type | required | rule | meaning |\n|---|---|---|---|---|`;
  const rows = Object.entries(columnsOf(t)).map(([name, c]) => {
    const rule = [
      c.values ? c.values.map((v) => `\`${v}\``).join(' \\| ') : '',
      c.min !== undefined ? `≥ ${c.min}` : '',
      c.max !== undefined ? `≤ ${c.max}` : '',
      c.kind === 'phone' ? 'E.164' : '',
      c.kind === 'zone' ? 'IANA zone' : '',
      c.pii ? 'personal data' : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `| ${name} | ${DUCKDB_TYPE[c.kind]} | ${c.required === false ? 'no' : 'yes'} | ${rule} | ${c.doc} |`;
  });
  return [head, ...rows].join('\n');
}
