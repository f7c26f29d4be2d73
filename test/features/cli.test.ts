import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.ts';
import {
  buildSnapshots,
  readHazardLabels,
  readSnapshotFeatures,
  snapshotManifest,
} from '../../src/features/index.ts';
import { openWarehouse, withWarehouse } from '../../src/warehouse/db.ts';
import { ensureContractTables } from '../../src/warehouse/schema.ts';
import { addContacts, addLoans, addRepayments, schedule } from './world.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../src/cli/followup.mjs');
let dir: string;
let db: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'followup-features-'));
  db = join(dir, 'w.duckdb');
  const w = await openWarehouse(db);
  try {
    await ensureContractTables(w);
    await addLoans(w, [{ loan_id: 'L1' }, { loan_id: 'L2' }]);
    await addRepayments(w, schedule('L1', '2024-02', [0, 0, 0, 0, 0, null, null, null, null]));
    await addRepayments(w, schedule('L2', '2024-02', [0, 0, 0, 0, 0, 0, 0, 0, 0]));
    await addContacts(w, [{ loan_id: 'L1', started_at: '2024-06-03T02:00:00Z', outcome: 'hung_up' }]);
  } finally {
    w.close();
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('followup features', () => {
  it('builds snapshot features and labels, prints a JSON summary that matches the tables', async () => {
    const { stdout } = await run(
      'node',
      [CLI, 'features', '--warehouse', db, '--as-of', '2024-05-01,2024-06-01', '--hangup', '--json'],
      {
        env: { ...process.env, TZ: 'UTC' },
      },
    );
    const s = JSON.parse(stdout);
    expect(s.snapshot).toMatchObject({
      table: 'features_snapshot',
      rows: 4,
      rowsByAsOf: { '2024-05-01': 2, '2024-06-01': 2 },
      features: snapshotManifest().features.length,
      manifestHash: snapshotManifest().hash,
      horizon: 6,
      dataEnd: '2024-10-01', // L2's last payment
      events: 2, // L1: Jul 1 unpaid → onset Jul 31, month 3 from May 1 and month 2 from Jun 1
    });
    expect(s.hangup).toMatchObject({ rows: 1, positives: 1 });
    expect(s.seconds).toBeGreaterThan(0);
    await withWarehouse(db, async (w) => {
      const t = await readSnapshotFeatures(w);
      const l = await readHazardLabels(w);
      expect(t.n).toBe(4);
      expect(t.keys.loan_id.map((id, i) => `${id}@${t.keys.as_of?.[i]}:${l.event[i]}`)).toEqual([
        'L1@2024-05-01:3',
        'L2@2024-05-01:0',
        'L1@2024-06-01:2',
        'L2@2024-06-01:0',
      ]);
    });
  });

  it('rejects a bad flag with exit 2 and says what it expected', async () => {
    const args = ['features', '--warehouse', db, '--as-of', '2024-05-01', '--horizon', 'six'];
    const err = await run('node', [CLI, ...args]).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/--horizon must be a whole number of months/);
  });

  it.each([
    [{ asOf: ['2024-02-30'] }, /as-of date must be a date YYYY-MM-DD; got "2024-02-30"/],
    [{ asOf: [] }, /asOf must list at least one date; got none/],
    [{ asOf: ['2024-05-01'], horizon: 0 }, /horizon must be an integer 1…36 months; got 0/],
    [{ asOf: ['2024-05-01'], dataEnd: '24-10-01' }, /data end must be a date YYYY-MM-DD; got "24-10-01"/],
  ])('buildSnapshots rejects %j with a BadInputError', async (config, message) => {
    await withWarehouse(db, async (w) => {
      const err = await buildSnapshots(w, config).catch((e) => e);
      expect(err).toBeInstanceOf(BadInputError);
      expect(err.message).toMatch(message);
    });
  });

  it('refuses a missing warehouse', async () => {
    const err = await run('node', [
      CLI,
      'features',
      '--warehouse',
      join(dir, 'none.duckdb'),
      '--as-of',
      '2024-05-01',
    ]).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/none\.duckdb does not exist/);
  });
});
