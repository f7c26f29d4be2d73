/**
 * DDL for the contract tables, derived from src/contract/tables.ts so the warehouse can never drift from the
 * contract. Stage-specific tables (rejects, ingest_batches, history, features, runs, …) are created by the stage
 * that owns them, next to its code.
 */
import { type AnyTableSpec, columnsOf, DUCKDB_TYPE } from '../contract/columns.ts';
import { TABLES } from '../contract/tables.ts';
import { ident, type Warehouse } from './db.ts';

/**
 * `CREATE TABLE IF NOT EXISTS` for one contract table. The natural key is NOT declared as PRIMARY KEY: ingest keeps
 * keys unique by construction (duplicates within a file are rejected, known keys are updated, one writer holds the
 * warehouse lock), and DuckDB's key index made loading 4× slower (600k repayments: 5.7 s with it, 1.3 s without).
 */
export function createTableSql(spec: AnyTableSpec, name: string = spec.name): string {
  const cols = Object.entries(columnsOf(spec)).map(
    ([col, c]) => `${ident(col)} ${DUCKDB_TYPE[c.kind]}${c.required === false ? '' : ' NOT NULL'}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${ident(name)} (\n  ${cols.join(',\n  ')}\n)`;
}

/** Creates every contract table that does not exist yet, and adds optional columns a newer contract declares. Idempotent. */
export async function ensureContractTables(w: Warehouse): Promise<void> {
  for (const spec of Object.values(TABLES)) {
    await w.run(createTableSql(spec));
    await addOptionalColumns(w, spec);
  }
}

/**
 * A warehouse made before an optional column joined the contract (e.g. contacts.promised_on) gets it as NULLs.
 * `<table>_history` copies rows positionally (`t.*`), so it is rebuilt with the column in the same place.
 */
async function addOptionalColumns(w: Warehouse, spec: AnyTableSpec): Promise<void> {
  const have = async (table: string) =>
    new Set(
      (
        await w.all<{ c: string }>(
          `SELECT column_name AS c FROM information_schema.columns
           WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
          [table],
        )
      ).map((r) => r.c),
    );
  const cols = await have(spec.name);
  const missing = Object.entries(columnsOf(spec)).filter(([c, d]) => d.required === false && !cols.has(c));
  if (missing.length === 0) return;
  for (const [c, d] of missing)
    await w.run(`ALTER TABLE ${ident(spec.name)} ADD COLUMN ${ident(c)} ${DUCKDB_TYPE[d.kind]}`);
  const hist = `${spec.name}_history`;
  const hcols = await have(hist);
  if (hcols.size === 0) return;
  const select = Object.entries(columnsOf(spec)).map(([c, d]) =>
    hcols.has(c) ? ident(c) : `CAST(NULL AS ${DUCKDB_TYPE[d.kind]}) AS ${ident(c)}`,
  );
  const extra = [...hcols].filter((c) => !(c in columnsOf(spec))).map(ident);
  await w.run(
    `CREATE OR REPLACE TABLE ${ident(hist)} AS SELECT ${[...select, ...extra].join(', ')} FROM ${ident(hist)}`,
  );
}
