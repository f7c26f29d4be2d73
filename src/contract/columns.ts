/**
 * Column kinds of the data contract. Each kind knows its DuckDB type and the TS type it becomes, so a table is
 * declared once (src/contract/tables.ts) and DDL, validation rules, docs and TS row types are all derived from it.
 */

export type Kind = 'id' | 'text' | 'int' | 'number' | 'date' | 'timestamptz' | 'enum' | 'phone' | 'zone';

export interface ColumnSpec {
  kind: Kind;
  /** One-line meaning with units. */
  doc: string;
  /** Required columns must be present in the file and non-null in every row. Default: true. */
  required?: boolean;
  /** Allowed codes for `enum` columns. */
  values?: readonly string[];
  /** Inclusive lower bound for numbers. */
  min?: number;
  /** Inclusive upper bound for numbers. */
  max?: number;
  /** Personal data: masked in exports that ask for it, never logged or reported. */
  pii?: boolean;
}

/** Dates and timestamps outside this range are refused: no loan of this century starts or ends outside it. */
export const DATE_RANGE = { min: '1900-01-01', max: '2199-12-31' } as const;

export const DUCKDB_TYPE: Record<Kind, string> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  int: 'BIGINT',
  number: 'DOUBLE',
  date: 'DATE',
  timestamptz: 'TIMESTAMPTZ',
  enum: 'VARCHAR',
  phone: 'VARCHAR',
  zone: 'VARCHAR',
};

interface KindTs {
  id: string;
  text: string;
  int: number;
  number: number;
  date: string;
  timestamptz: string;
  enum: string;
  phone: string;
  zone: string;
}

/** The TS row type of a table spec: required columns are non-null, optional ones may be null. */
export type RowOf<C extends Record<string, ColumnSpec>> = {
  [K in keyof C]: C[K] extends { required: false } ? KindTs[C[K]['kind']] | null : KindTs[C[K]['kind']];
};

export interface TableSpec<C extends Record<string, ColumnSpec> = Record<string, ColumnSpec>> {
  name: string;
  doc: string;
  /** Natural key columns; re-deliveries update by this key. */
  key: readonly (keyof C & string)[];
  columns: C;
  /**
   * Optional columns added after the first version of the contract. Files (and the synthetic generator, whose
   * column order is fixed) may leave them out; the warehouse, ingest, mapping and docs treat them like `columns`.
   */
  added?: Record<string, ColumnSpec & { required: false }>;
}

export function table<C extends Record<string, ColumnSpec>>(spec: TableSpec<C>): TableSpec<C> {
  return spec;
}

/** Every column of a table: the original ones, then the added ones, in declaration order. */
export function columnsOf(spec: {
  columns: { readonly [column: string]: ColumnSpec };
  added?: { readonly [column: string]: ColumnSpec };
}): { readonly [column: string]: ColumnSpec } {
  return spec.added ? { ...spec.columns, ...spec.added } : spec.columns;
}

/** Any table spec, for code that walks tables generically (DDL, validation, docs). */
export interface AnyTableSpec {
  name: string;
  doc: string;
  key: readonly string[];
  columns: { readonly [column: string]: ColumnSpec };
  added?: { readonly [column: string]: ColumnSpec };
}
