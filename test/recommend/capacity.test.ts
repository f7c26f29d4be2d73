import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/prng.ts';
import { autoDailyCapacity, catchUpLatest, placeWithCapacity } from '../../src/recommend/capacity.ts';
import { maxPlaceable } from './matching.ts';

interface Row {
  pref: number;
  earliest: number;
  latest: number;
  priority: number;
}

function run(rows: Row[], capacity: number, closed: Set<number> = new Set()) {
  const n = rows.length;
  return placeWithCapacity({
    n,
    pref: Int32Array.from(rows, (r) => r.pref),
    earliest: Int32Array.from(rows, (r) => r.earliest),
    latest: Int32Array.from(rows, (r) => r.latest),
    priority: Float32Array.from(rows, (r) => r.priority),
    active: new Uint8Array(n).fill(1),
    allowed: (_i, d) => !closed.has(d),
    capacity,
  });
}

// Instances built around a hidden feasible schedule: each row gets a hidden day (no day above capacity) and a
// window containing it, so a schedule within capacity exists by construction.
const feasible = fc
  .record({ capacity: fc.integer({ min: 1, max: 4 }), days: fc.integer({ min: 1, max: 12 }) })
  .chain(({ capacity, days }) =>
    fc.record({
      capacity: fc.constant(capacity),
      rows: fc
        .shuffledSubarray(
          Array.from({ length: capacity * days }, (_, k) => Math.floor(k / capacity)),
          { minLength: 1 },
        )
        .chain((hidden) =>
          fc.tuple(
            ...hidden.map((h) =>
              fc
                .record({
                  before: fc.integer({ min: 0, max: 4 }),
                  after: fc.integer({ min: 0, max: 4 }),
                  at: fc.double({ min: 0, max: 1, noNaN: true }),
                  priority: fc.integer({ min: 0, max: 100 }),
                })
                .map(({ before, after, at, priority }) => {
                  const earliest = h - before;
                  const latest = h + after;
                  const pref = earliest + Math.floor(at * (latest - earliest));
                  return { pref, earliest, latest, priority };
                }),
            ),
          ),
        ),
    }),
  );

describe('capacity', () => {
  it('places every row within its window and capacity whenever a feasible schedule exists', () => {
    fc.assert(
      fc.property(feasible, ({ capacity, rows }) => {
        const out = run(rows, capacity);
        expect([...out.overflow].every((v) => v === 0)).toBe(true);
        const perDay = new Map<number, number>();
        rows.forEach((r, i) => {
          const d = out.day[i]!;
          expect(d).toBeGreaterThanOrEqual(r.earliest);
          expect(d).toBeLessThanOrEqual(r.latest);
          expect(out.moved[i]).toBe(d === r.pref ? 0 : 1);
          perDay.set(d, (perDay.get(d) ?? 0) + 1);
        });
        for (const c of perDay.values()) expect(c).toBeLessThanOrEqual(capacity);
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('takes the same long chains of shifts when told which rows share a calendar', () => {
    // Every slot of the hidden schedule is taken, so late rows fit only through chains of shifts: the reach
    // shortcut must not cut a chain short.
    fc.assert(
      fc.property(feasible, ({ capacity, rows }) => {
        const base = {
          n: rows.length,
          pref: Int32Array.from(rows, (r) => r.pref),
          earliest: Int32Array.from(rows, (r) => r.earliest),
          latest: Int32Array.from(rows, (r) => r.latest),
          priority: Float32Array.from(rows, (r) => r.priority),
          active: new Uint8Array(rows.length).fill(1),
          allowed: () => true,
          capacity,
        };
        const grouped = placeWithCapacity({ ...base, group: Uint16Array.from(rows, (_, i) => i % 3) });
        expect(grouped.overflow.every((v) => v === 0)).toBe(true);
        expect([...grouped.day]).toEqual([...placeWithCapacity(base).day]);
      }),
      { seed: 24, numRuns: 300 },
    );
  });

  it('places an overloaded book the same with the shortcut as without (two calendars, a hot week)', () => {
    // A book's shape: 15 % of follow-ups due within a few days of each other with narrow windows, the rest spread
    // over four months; weekends closed for one calendar, Sundays for the other; capacity ≈ 1/85 of the book.
    for (const seed of [1, 2, 3]) {
      const u = mulberry32(seed);
      const n = 4000;
      const pref = new Int32Array(n);
      const earliest = new Int32Array(n);
      const latest = new Int32Array(n);
      const priority = new Float32Array(n);
      const group = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const hot = u() < 0.15;
        const p = hot ? 3 + Math.floor(u() * 3) : Math.floor(u() * 120);
        const w = hot ? Math.floor(u() * 4) : 5 + Math.floor(u() * 40);
        pref[i] = p;
        earliest[i] = Math.max(0, p - Math.floor(w / 3));
        latest[i] = p + w;
        priority[i] = u();
        group[i] = u() < 0.2 ? 1 : 0;
      }
      const base = {
        n,
        pref,
        earliest,
        latest,
        priority,
        active: new Uint8Array(n).fill(1),
        allowed: (i: number, d: number) => (group[i] === 1 ? d % 7 !== 6 : d % 7 < 5),
        capacity: Math.ceil(n / 85),
      };
      const plain = placeWithCapacity(base);
      const grouped = placeWithCapacity({ ...base, group });
      expect(plain.overflow.some((v) => v === 1)).toBe(true);
      expect(grouped.day).toEqual(plain.day);
      expect(grouped.overflow).toEqual(plain.overflow);
    }
  });

  it('overflows exactly as many rows as no schedule can fit, and never leaves a window', () => {
    const rowsArb = fc.array(
      fc
        .record({
          e: fc.integer({ min: 0, max: 8 }),
          w: fc.integer({ min: 0, max: 3 }),
          p: fc.integer({ min: 0, max: 99 }),
        })
        .map(({ e, w, p }) => ({ earliest: e, latest: e + w, pref: e + w, priority: p })),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 3 }), (rows, capacity) => {
        const out = run(rows, capacity, new Set([3]));
        const overflow = [...out.overflow].filter((v) => v === 1).length;
        expect(overflow).toBe(rows.length - maxPlaceable(rows, capacity, (d) => d !== 3));
        rows.forEach((r, i) => {
          expect(out.day[i]).toBeGreaterThanOrEqual(Math.min(r.earliest, r.pref));
          expect(out.day[i]).toBeLessThanOrEqual(r.latest);
        });
      }),
      { seed: 22, numRuns: 300 },
    );
  });

  it('places the same days whether or not it is told which rows share a calendar (the reach shortcut)', () => {
    // Two calendars: group 0 works weekdays (day % 7 < 5), group 1 every day but day % 7 = 6. The shortcut stops
    // reading a full day's rows once they can reach no new day; it must not change a single placement.
    const rowsArb = fc.array(
      fc.record({
        e: fc.integer({ min: 0, max: 12 }),
        w: fc.integer({ min: 0, max: 9 }),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        p: fc.integer({ min: 0, max: 99 }),
        g: fc.integer({ min: 0, max: 1 }),
      }),
      { minLength: 1, maxLength: 120 },
    );
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 6 }), (rows, capacity) => {
        const group = Uint16Array.from(rows, (r) => r.g);
        const base = {
          n: rows.length,
          pref: Int32Array.from(rows, (r) => r.e + Math.floor(r.at * r.w)),
          earliest: Int32Array.from(rows, (r) => r.e),
          latest: Int32Array.from(rows, (r) => r.e + r.w),
          priority: Float32Array.from(rows, (r) => r.p),
          active: new Uint8Array(rows.length).fill(1),
          allowed: (i: number, d: number) => (group[i] === 1 ? d % 7 !== 6 : d % 7 < 5),
          capacity,
        };
        const plain = placeWithCapacity(base);
        const grouped = placeWithCapacity({ ...base, group });
        expect([...grouped.day]).toEqual([...plain.day]);
        expect([...grouped.overflow]).toEqual([...plain.overflow]);
        expect([...grouped.moved]).toEqual([...plain.moved]);
        const placed = rows.length - grouped.overflow.reduce((a, b) => a + b, 0);
        const windows = rows.map((r) => ({ earliest: r.e, latest: r.e + r.w }));
        expect(placed).toBe(maxPlaceable(windows, capacity, (d, i) => base.allowed(i, d)));
      }),
      { seed: 23, numRuns: 400 },
    );
  });

  it('moves the lower priority when a day is full', () => {
    const out = run(
      [
        { pref: 10, earliest: 5, latest: 10, priority: 20 },
        { pref: 10, earliest: 5, latest: 10, priority: 90 },
      ],
      1,
    );
    expect([...out.day]).toEqual([9, 10]);
    expect([...out.moved]).toEqual([1, 0]);
  });

  it('shifts a flexible row to make room for one that can only go on a full day', () => {
    // Row 0 (high priority) takes day 10; row 1 can only be on day 10: row 0 must shift to day 9.
    const out = run(
      [
        { pref: 10, earliest: 8, latest: 10, priority: 90 },
        { pref: 10, earliest: 10, latest: 10, priority: 10 },
      ],
      1,
    );
    expect([...out.day]).toEqual([9, 10]);
    expect([...out.overflow]).toEqual([0, 0]);
  });
});

describe('capacity auto and the catch-up spread', () => {
  it('derives 3 × the mean daily load over the next 90 days, at least 10', () => {
    const asOf = 20_000;
    const pref = Int32Array.from({ length: 400 }, (_, i) => asOf + (i % 120));
    const active = new Uint8Array(400).fill(1);
    // 310 of the 400 fall within 90 days (3 × 90 + 40): 3 × 310 / (90 × 5/7) → 15.
    expect(autoDailyCapacity(pref, active, asOf)).toBe(15);
    expect(autoDailyCapacity(pref.subarray(0, 5), active.subarray(0, 5), asOf)).toBe(10);
  });

  it('widens only the windows due now, never past maturity or a kept (regulatory) deadline', () => {
    const start = 20_000;
    const n = 30;
    const latest = new Int32Array(n).fill(start + 5);
    latest[29] = start + 60; // not due now
    const active = new Uint8Array(n).fill(1);
    const maturity = new Int32Array(n).fill(start + 1000);
    maturity[1] = start + 10;
    const keep = new Uint8Array(n);
    keep[2] = 1;
    const out = catchUpLatest(latest, active, start, 5, 2, maturity, keep)!;
    // 29 rows due now over 2 a day: 15 working days, 21 calendar days, + 2.
    const end = start + Math.ceil(((29 / 2) * 7) / 5) + 2;
    expect(out[0]).toBe(end);
    expect(out[1]).toBe(start + 9);
    expect(out[2]).toBe(start + 5);
    expect(out[29]).toBe(start + 60);
    // A backlog the window's working days can hold changes nothing.
    expect(catchUpLatest(latest, active, start, 5, 10, maturity)).toBeNull();
  });
});
