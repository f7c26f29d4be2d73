/**
 * `script_runs`: the library each recommendation run used — version, experiment seed and the whole merged
 * library as JSON — so the texts an agent read and the variant split of a run can be reproduced and audited later,
 * whatever the library files say by then.
 */
import { stableStringify } from '../core/hash.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ScriptLibrary } from './schema.ts';

export const SCRIPT_RUNS_DDL = `CREATE TABLE IF NOT EXISTS script_runs (
  run_id VARCHAR PRIMARY KEY,
  scripts_version VARCHAR NOT NULL,
  seed BIGINT NOT NULL,
  library VARCHAR NOT NULL
)`;

/** Records (or replaces) the library of run `runId`. */
export async function recordLibrary(w: Warehouse, runId: string, lib: ScriptLibrary): Promise<void> {
  await w.run(SCRIPT_RUNS_DDL);
  await w.tx(async (t) => {
    await t.run('DELETE FROM script_runs WHERE run_id = $1', [runId]);
    await t.run('INSERT INTO script_runs VALUES ($1, $2, $3, $4)', [
      runId,
      lib.version,
      lib.experiment.seed,
      stableStringify(lib),
    ]);
  });
}
