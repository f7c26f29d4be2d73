/**
 * Vitest global setup: every test file's temporary directories go under one directory of this run, removed when
 * the run ends. Test files make theirs with mkdtemp under `os.tmpdir()` (warehouses, models, exports, CLI work
 * directories: about 1.5 GB a full run), and many leave them for a failed test to be inspected; without this a
 * developer's /tmp filled by that much every run. `FOLLOWUP_KEEP_TEST_TMP=1` keeps the directory (its path is
 * printed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'followup-tests-'));
  // Read by os.tmpdir() in the test workers and in every process they start (CLI runs, Chromium, Python).
  process.env.TMPDIR = dir;
  return () => {
    if (process.env.FOLLOWUP_KEEP_TEST_TMP === '1') {
      process.stdout.write(`test files' temporary directories kept in ${dir}\n`);
      return;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
