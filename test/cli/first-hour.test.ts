/**
 * The first hour with the CLI (issue 16, deliverable 6): examples in every --help, required options marked, a
 * config file found upward and env variables for --warehouse/--models (flag > env > config > default), unknown
 * flags and --set keys refused with "did you mean", exit 2 when nothing was ingested, `followup rejects`.
 * Help texts are checked in-process; the rest through the REAL CLI in child processes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, CommanderError } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCommands } from '../../src/cli/commands/index.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { CLI, type CliResult, ROOT, tempDir } from '../ingest/helpers.ts';

/** Every command's register function (the CLI loads only the one it runs; help loads them all). */
const EVERY = await loadCommands();

function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  // These tests are about finding the config: drop the suite-wide FOLLOWUP_CONFIG=none (vitest.config.ts).
  const { FOLLOWUP_CONFIG: _none, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...inherited, TZ: 'UTC', FOLLOWUP_LOG_LEVEL: 'warn', ...env }, maxBuffer: 1 << 26 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Every command path of the program ("models list", …) with its Command. */
function commands(program: Command): [string, Command][] {
  const out: [string, Command][] = [];
  const walk = (c: Command, prefix: string) => {
    for (const s of c.commands) {
      const path = prefix ? `${prefix} ${s.name()}` : s.name();
      out.push([path, s]);
      walk(s, path);
    }
  };
  walk(program, '');
  return out;
}

/** The full --help text of a command path, as a user sees it. */
async function help(path: string): Promise<string> {
  const program = buildProgram(EVERY);
  let text = '';
  const capture = (c: Command) => {
    c.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
    for (const s of c.commands) capture(s);
  };
  capture(program);
  const e = await program
    .parseAsync(['node', 'followup', ...path.split(' '), '--help'])
    .catch((x: unknown) => x);
  expect(e).toBeInstanceOf(CommanderError);
  return text;
}

describe('--help', () => {
  const all = commands(buildProgram(EVERY));

  it('covers every command', () => {
    expect(all.map(([p]) => p)).toEqual(
      expect.arrayContaining(['ingest', 'rejects', 'config init', 'models list']),
    );
  });

  it.each(all.map(([p]) => [p]))('%s has examples of itself', async (path) => {
    const text = await help(path);
    const ex = text.slice(text.indexOf('\nExamples:\n'));
    expect(text).toContain('\nExamples:\n  $ ');
    for (const line of ex.split('\n').filter((l) => l.startsWith('  $ ')))
      expect(line.replace(/^ {2}\$ (\S+=\S+ )?/, '')).toMatch(
        new RegExp(`^followup ${path.split(' ')[0]}\\b`),
      );
  });

  it('marks --warehouse as required and names where else it may come from', async () => {
    const text = (await help('recommend')).replace(/\s+/g, ' ');
    expect(text).toContain(
      '--warehouse <file> DuckDB warehouse (required: the flag, $FOLLOWUP_WAREHOUSE or warehouse: in followup.config.yaml)',
    );
  });
});

describe('config file and environment', () => {
  const dir = tempDir('cli-config-');
  const sub = join(dir, 'a', 'b');
  const wh = join(dir, 'w.duckdb');
  const other = join(dir, 'other.duckdb');

  beforeAll(async () => {
    mkdirSync(sub, { recursive: true });
    const base = join(ROOT, 'data-samples/broken/base/loans.csv');
    for (const w of [wh, other]) {
      const r = await cli(['ingest', '--warehouse', w, '--json', base], dir, { FOLLOWUP_CONFIG: 'none' });
      expect(r.code, r.stderr).toBe(0);
    }
  }, 300_000);

  it('config init writes a config that later commands find from a subfolder', async () => {
    const r = await cli(['config', 'init', '--warehouse', 'w.duckdb', '--models', 'm', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'followup.config.yaml'), 'utf8')).toBe(
      '# followup settings for commands run in this folder or below (flag > env > this file).\nwarehouse: w.duckdb\nmodels: m\n',
    );
    const again = await cli(['config', 'init', '--warehouse', 'x.duckdb', '--json'], dir);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: false });
    const shown = await cli(['config', 'show', '--json'], sub);
    expect(JSON.parse(shown.stdout)).toEqual({
      config: join(dir, 'followup.config.yaml'),
      settings: [
        { option: '--warehouse', value: wh, source: join(dir, 'followup.config.yaml') },
        { option: '--models', value: join(dir, 'm'), source: join(dir, 'followup.config.yaml') },
      ],
    });
    // No flag: the config's warehouse (10 loans, batch 1 of w.duckdb).
    const rej = await cli(['rejects', '--json'], sub);
    expect(rej.code, rej.stderr).toBe(0);
    expect(JSON.parse(rej.stdout)).toMatchObject({ rows_in: 10, rejected_rows: 0, rejects: [] });
  });

  it('flag > env > config', async () => {
    const env = await cli(['config', 'show', '--json'], sub, { FOLLOWUP_WAREHOUSE: other });
    expect(JSON.parse(env.stdout).settings[0]).toEqual({
      option: '--warehouse',
      value: other,
      source: '$FOLLOWUP_WAREHOUSE',
    });
    // The env variable wins over the config: ingest a rejected row into `other` only, through the env variable.
    const bad = join(dir, 'loans-bad.csv');
    writeFileSync(
      bad,
      `${readFileSync(join(ROOT, 'data-samples/broken/base/loans.csv'), 'utf8').split('\n')[0]}\nX1,B,personal,2024-01-01,2027-01-01,NaN,0.05,36,A,R01,Asia/Shanghai,+8613900000001,,\n`,
    );
    const ing = await cli(['ingest', '--json', bad], sub, { FOLLOWUP_WAREHOUSE: other });
    expect(ing.code).toBe(3);
    const viaEnv = await cli(['rejects', '--json'], sub, { FOLLOWUP_WAREHOUSE: other });
    expect(JSON.parse(viaEnv.stdout).rejects).toEqual([
      {
        file: bad,
        line: 2,
        column: 'principal',
        value: 'NaN',
        rule: 'type',
        message: 'principal: expected a number (finite: not NaN, Infinity or infinity)',
      },
    ]);
    // The flag wins over both: w.duckdb's latest batch has no rejects.
    const viaFlag = await cli(['rejects', '--warehouse', wh, '--json'], sub, { FOLLOWUP_WAREHOUSE: other });
    expect(JSON.parse(viaFlag.stdout).rejects).toEqual([]);
    // The human listing names file:line, column, rule and value.
    const text = await cli(['rejects'], sub, { FOLLOWUP_WAREHOUSE: other });
    expect(text.stdout).toContain(`${bad}:2  principal  type  "NaN"  principal: expected a number`);
  });

  it('an unknown config key is refused with a suggestion', async () => {
    const d = tempDir('cli-config-bad-');
    writeFileSync(join(d, 'followup.config.yaml'), 'warehous: w.duckdb\n');
    const r = await cli(['rejects', '--json'], d);
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
    expect(err.message).toBe(
      `config ${join(d, 'followup.config.yaml')} is invalid: unknown key "warehous" (did you mean "warehouse"?); expected warehouse, models`,
    );
  });

  it('rejects --batch with an unknown id is refused with a suggestion', async () => {
    const list = await cli(['rejects', '--warehouse', other, '--json'], dir);
    const id = JSON.parse(list.stdout).batch_id as string;
    const r = await cli(['rejects', '--warehouse', other, '--batch', `${id.slice(0, -1)}x`], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no such ingest batch (did you mean "${id}"?)`);
  });
});

describe('refused with did-you-mean, exit 2', () => {
  const dir = tempDir('cli-refuse-');

  it('an unknown flag', async () => {
    const r = await cli(['export', '--warehouse', 'w.duckdb', '--format', 'csv', '--mask-phnoe'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--mask-phnoe'\n(Did you mean --mask-phone?)");
  });

  it('an unknown --set key, before anything runs', async () => {
    const r = await cli(['run', 'demo', '--workdir', join(dir, 'wd'), '--set', 'inptu=x', '--json'], dir);
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
    expect(err).toMatchObject({ error: 'E_USAGE' });
    expect(err.message).toBe('--set inptu: pipeline demo has no param "inptu" (did you mean "input"?)');
    expect(existsSync(join(dir, 'wd', 'warehouse.duckdb'))).toBe(false);
  });

  it.each([
    ['an empty folder', {}],
    ['files that match no table', { 'notes.csv': 'a,b\n1,2\n' }],
    [
      'a header-only loans file',
      {
        'loans.csv':
          readFileSync(join(ROOT, 'data-samples/broken/base/loans.csv'), 'utf8').split('\n')[0] ?? '',
      },
    ],
  ])('ingest of %s: nothing ingested, no warehouse left behind', async (what, files) => {
    const input = tempDir('cli-empty-');
    for (const [n, t] of Object.entries(files)) writeFileSync(join(input, n), t);
    const wh = join(dir, `${what.replaceAll(' ', '-')}.duckdb`);
    const r = await cli(['ingest', '--warehouse', wh, '--json', input], dir);
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
    expect(err.error).toBe('E_BAD_INPUT');
    expect(err.message).toMatch(
      Object.keys(files).includes('loans.csv')
        ? /^nothing to ingest: 1 file\(s\) hold no data rows/
        : /^nothing to ingest in .*: no data file found/,
    );
    expect(existsSync(wh)).toBe(false);
  });
});
