/** What the warehouse holds: tables and columns of the main schema, for readers that adapt to older warehouses. */
import type { Warehouse } from './db.ts';

/** True when a table (or view) exists in the warehouse's main schema. */
export async function tableExists(w: Warehouse, name: string): Promise<boolean> {
  const row = await w.one<{ n: bigint | number }>(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
    [name],
  );
  return Number(row?.n ?? 0) > 0;
}

/** True when a table has a column of that name. */
export async function columnExists(w: Warehouse, tableName: string, column: string): Promise<boolean> {
  const row = await w.one<{ n: bigint | number }>(
    "SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? AND column_name = ?",
    [tableName, column],
  );
  return Number(row?.n ?? 0) > 0;
}
