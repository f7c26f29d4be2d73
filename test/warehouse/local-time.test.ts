import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { withLocalTime } from '../../src/warehouse/local-time.ts';

// Zones with every kind of offset and transition: whole, half and three-quarter hours, 30-minute DST (Lord Howe),
// DST around midnight and a Ramadan suspension (Casablanca), the southern hemisphere, none at all.
const ZONES = [
  'UTC',
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Chatham',
  'Africa/Casablanca',
  'America/Santiago',
];

let w: Warehouse;
beforeAll(async () => {
  w = await openWarehouse(':memory:');
  // Every 7 minutes and 13 seconds across 2024–2025 in each zone (so instants fall on every minute and second of
  // a quarter hour, transitions included), plus rows without a zone or an instant.
  await w.run(
    `CREATE TABLE inst AS
     SELECT z.tz, TIMESTAMPTZ '2024-01-01 00:00:00+00' + (g.i * 433) * INTERVAL 1 SECOND AS started_at, g.i
     FROM (SELECT unnest([${ZONES.map((z) => `'${z}'`).join(', ')}]) AS tz) z,
          (SELECT range AS i FROM range(0, 146000)) g
     UNION ALL SELECT NULL, TIMESTAMPTZ '2024-03-10 07:00:00+00', -1
     UNION ALL SELECT 'Asia/Shanghai', NULL, -2`,
  );
});
afterAll(async () => {
  await w.close();
});

describe('withLocalTime', () => {
  it("gives ICU's timezone(zone, instant) on every row, transitions included, and keeps rows without a zone", async () => {
    const r = await w.one<{ n: bigint; differ: bigint; nulls: bigint; zones: bigint }>(
      `SELECT count(*) AS n,
         count(*) FILTER (WHERE x.t IS DISTINCT FROM timezone(x.tz, x.started_at)) AS differ,
         count(*) FILTER (WHERE x.t IS NULL) AS nulls, count(DISTINCT x.tz) AS zones
       FROM ${withLocalTime('SELECT tz, started_at, i FROM inst')} AS x`,
    );
    expect(Number(r!.n)).toBe(ZONES.length * 146_000 + 2);
    expect(Number(r!.differ)).toBe(0);
    expect(Number(r!.nulls)).toBe(2);
    expect(Number(r!.zones)).toBe(ZONES.length);
  });

  it('converts by ICU the hours in which a zone changed its offset mid-way', async () => {
    // Monrovia left −00:44:30 for UTC at 1972-01-07 00:44:30 UTC, Amsterdam left +00:19:32 for +00:20 in 1937:
    // neither on an hour, so one offset for the whole hour would be wrong for part of it.
    const r = await w.one<{ n: bigint; differ: bigint }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE x.t IS DISTINCT FROM timezone(x.tz, x.started_at)) AS differ
       FROM ${withLocalTime(
         `SELECT 'Africa/Monrovia' AS tz, TIMESTAMPTZ '1972-01-07 00:15:00+00' + range * INTERVAL 1 SECOND AS started_at
          FROM range(0, 3600)
          UNION ALL SELECT 'Europe/Amsterdam', TIMESTAMPTZ '1937-06-30 22:00:00+00' + range * INTERVAL 1 SECOND
          FROM range(0, 7200)`,
       )} AS x`,
    );
    expect(Number(r!.n)).toBe(10_800);
    expect(Number(r!.differ)).toBe(0);
  });

  it('is exact on both sides of a transition', async () => {
    // New York's spring-forward instant: the local clock jumps from 01:59:59 to 03:00:00.
    const rows = await w.all<{ t: string }>(
      `SELECT strftime(t, '%Y-%m-%d %H:%M:%S') AS t FROM ${withLocalTime(
        `SELECT 'America/New_York' AS tz, TIMESTAMPTZ '2024-03-10 06:59:59+00' AS started_at
         UNION ALL SELECT 'America/New_York', TIMESTAMPTZ '2024-03-10 07:00:00+00'`,
      )} AS x ORDER BY t`,
    );
    expect(rows.map((r) => r.t)).toEqual(['2024-03-10 01:59:59', '2024-03-10 03:00:00']);
  });
});
