/** The real CLI: `node src/cli/followup.mjs generate …` as a child process. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
let dir: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', ['src/cli/followup.mjs', ...args], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'UTC' },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'followup-gen-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('followup generate', () => {
  it('writes gzipped files, prints a JSON summary whose counts match the files, and forces a downturn', async () => {
    const out = join(dir, 'w');
    const args = ['generate', '--borrowers', '40', '--months', '12', '--seed', '3', '--gzip', '--out', out];
    const r = await cli(...args, '--downturn', 'CN-GD@2023-03', '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(Object.keys(summary.rows).sort()).toEqual([
      'contacts.csv.gz',
      'loans.csv.gz',
      'market.csv.gz',
      'repayments.csv.gz',
      'truth/borrowers.csv.gz',
      'truth/hangup.csv.gz',
      'truth/hazard.csv.gz',
    ]);
    for (const [file, rows] of Object.entries(summary.rows)) {
      const text = gunzipSync(await readFile(join(out, file))).toString('utf8');
      expect(text.trimEnd().split('\n').length - 1, file).toBe(rows);
    }
    expect(summary.rows['loans.csv.gz']).toBeGreaterThanOrEqual(40);
    expect(typeof summary.seconds).toBe('number');
    expect(summary.downturns).toContainEqual(
      expect.objectContaining({ region: 'CN-GD', from: '2023-03', forced: true }),
    );
    // The forced downturn shows in the market: Guangdong's HPI falls from March on.
    const market = gunzipSync(await readFile(join(out, 'market.csv.gz'))).toString('utf8');
    const hpi = (m: string) =>
      Number(
        market
          .split('\n')
          .find((l) => l.startsWith(`CN-GD,${m}`))!
          .split(',')[2],
      );
    expect(hpi('2023-09-01')).toBeLessThan(0.9 * hpi('2023-02-01'));
  });

  it('rejects a bad option from the shell with exit code 2', async () => {
    const r = await cli('generate', '--out', join(dir, 'bad'), '--downturn', 'XX-ZZ@2023-03');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/REGION@YYYY-MM with REGION one of CN-GD/);
  });

  // The same program in-process (child processes cost seconds each on a busy machine).
  it.each([
    [['--downturn', 'CN-GD@2031-01'], /inside the window/],
    [['--borrowers', 'many'], /--borrowers must be a non-negative integer; got "many"/],
    [['--start', '2023-02-30'], /--start must be a date YYYY-MM-DD; got "2023-02-30"/],
    [['--borrowers', '0'], /--borrowers: Too small/],
    [['--out', '/dev/null/x'], /cannot create the output directory \/dev\/null\/x/],
  ])('rejects %j with exit code 2 and says what was expected', async (extra, message) => {
    const err: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((t: string) => err.push(String(t)) > 0) as typeof process.stderr.write;
    try {
      const code = await main([
        'node',
        'followup',
        'generate',
        '--out',
        join(dir, 'bad'),
        '--months',
        '12',
        ...extra,
      ]);
      expect(code).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toMatch(message);
  });
});
