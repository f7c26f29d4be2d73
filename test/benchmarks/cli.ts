/** Runs the real CLI (node src/cli/followup.mjs) and returns exit code, stdout and stderr. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function followup(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('node', ['src/cli/followup.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
