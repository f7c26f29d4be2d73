/**
 * The bin (src/cli/followup.mjs): `--version` answers from package.json without loading commands, and the compiled
 * dist/ (when built and fresh) behaves exactly as the TypeScript sources: same help, same errors, same exit codes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, type CliResult, ROOT } from '../ingest/helpers.ts';

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

describe('followup bin', () => {
  it.each([['--version'], ['-V']])('%s prints the package version', async (flag) => {
    expect(await cli([flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it.each([
    [['rejects', '--help']],
    [['export', '--warehouse', 'w.duckdb', '--format', 'csv', '--mask-phnoe']],
    [['version', '--json']],
  ])('%j: the same from dist/ as from the sources', async (args) => {
    const [built, source] = await Promise.all([
      cli(args, { FOLLOWUP_CONFIG: 'none' }),
      cli(args, { FOLLOWUP_CONFIG: 'none', FOLLOWUP_FROM_SOURCE: '1' }),
    ]);
    expect(built).toEqual(source);
    expect(built.stdout + built.stderr).not.toBe('');
  });

  it('the version the commands report is the package version', async () => {
    // `--version` after a command goes through commander (the bin's fast path takes only `--version` alone).
    const r = await cli(['--version', '--json'], { FOLLOWUP_CONFIG: 'none' });
    expect(r.stdout).toBe(`${VERSION}\n`);
  });
});
