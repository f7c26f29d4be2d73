import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/hash.ts';
import { silentLogger } from '../../src/core/log.ts';
import { runGenerate } from '../../src/generate/run.ts';

let root: string;

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir, { recursive: true })).sort()) {
    if (!f.includes('.')) continue;
    out[f] = sha256(await readFile(join(dir, f)));
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'followup-gen-det-'));
  const base = { borrowers: 200, months: 24, start: '2023-01-01' };
  await runGenerate({ ...base, seed: 7, out: join(root, 'a') }, silentLogger);
  await runGenerate({ ...base, seed: 7, out: join(root, 'b') }, silentLogger);
  await runGenerate({ ...base, seed: 8, out: join(root, 'c') }, silentLogger);
  await runGenerate({ ...base, seed: 7, out: join(root, 'gz'), gzip: true }, silentLogger);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generate is deterministic', () => {
  it('writes the same bytes for the same seed', async () => {
    const a = await hashes(join(root, 'a'));
    expect(Object.keys(a)).toEqual([
      'contacts.csv',
      'loans.csv',
      'market.csv',
      'repayments.csv',
      'truth/borrowers.csv',
      'truth/hangup.csv',
      'truth/hazard.csv',
      'truth/params.json',
    ]);
    expect(await hashes(join(root, 'b'))).toEqual(a);
  });

  it('writes different data for a different seed, in every data file', async () => {
    const a = await hashes(join(root, 'a'));
    const c = await hashes(join(root, 'c'));
    for (const f of Object.keys(a)) expect(c[f], f).not.toBe(a[f]);
  });

  it('gzip output holds exactly the plain CSV bytes', async () => {
    for (const f of [
      'loans',
      'repayments',
      'contacts',
      'market',
      'truth/hazard',
      'truth/hangup',
      'truth/borrowers',
    ]) {
      const plain = await readFile(join(root, 'a', `${f}.csv`));
      const gz = gunzipSync(await readFile(join(root, 'gz', `${f}.csv.gz`)));
      expect(gz.equals(plain), f).toBe(true);
    }
  });
});
