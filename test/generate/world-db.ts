/**
 * Test helper: opens a generated world in an in-memory DuckDB, one view per file, typed from the data contract
 * (so a value that does not parse as its contract type fails the read).
 */
import { join } from 'node:path';
import { type AnyTableSpec, DUCKDB_TYPE } from '../../src/contract/columns.ts';
import { GENERATED_TABLES } from '../../src/generate/run.ts';
import { literal, openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';

/** Opens `dir` (files `<table>.csv` or `.csv.gz`) as views loans, repayments, contacts, market, hazard, hangup. */
export async function openWorld(dir: string, gzip = false): Promise<Warehouse> {
  const ext = gzip ? '.csv.gz' : '.csv';
  const w = await openWarehouse(':memory:', { threads: 1 });
  for (const spec of GENERATED_TABLES as readonly AnyTableSpec[]) {
    const cols = Object.entries(spec.columns)
      .map(([c, s]) => `${literal(c)}: ${literal(DUCKDB_TYPE[s.kind])}`)
      .join(', ');
    const path = literal(join(dir, `${spec.name}${ext}`));
    await w.run(
      `CREATE VIEW ${spec.name} AS SELECT * FROM read_csv(${path}, header = true, auto_detect = false, columns = {${cols}})`,
    );
  }
  const truth = (name: string, cols: string) =>
    `CREATE VIEW ${name} AS SELECT * FROM read_csv(${literal(join(dir, 'truth', `${name}${ext}`))}, header = true, auto_detect = false, columns = {${cols}})`;
  await w.run(truth('hazard', `'loan_id': 'VARCHAR', 'month': 'DATE', 'hazard': 'DOUBLE'`));
  await w.run(truth('hangup', `'contact_id': 'VARCHAR', 'p_hangup': 'DOUBLE'`));
  return w;
}
