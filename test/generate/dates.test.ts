import { describe, expect, it } from 'vitest';
import { dayOf, dayOfParts, isoWeekday, partsOf, ymdOf } from '../../src/core/days.ts';
import { addMonthsToDay } from '../../src/core/months.ts';
import { resolveConfig } from '../../src/generate/config.ts';
import { Rng } from '../../src/generate/rng.ts';
import { localTimestamp, utcMinutes, zoneOffsetMinutes } from '../../src/generate/wall-clock.ts';

describe('calendar arithmetic', () => {
  it('ymd agrees with Date for every day of 1990–2060', () => {
    const wrong: number[] = [];
    for (let d = dayOfParts(1990, 1, 1); d <= dayOfParts(2060, 12, 31); d++) {
      const t = new Date(d * 86_400_000);
      const p = partsOf(d);
      if (p.y !== t.getUTCFullYear() || p.m !== t.getUTCMonth() + 1 || p.d !== t.getUTCDate()) wrong.push(d);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2023-03-15', 12, '2024-03-15'],
    ['2023-11-30', 3, '2024-02-29'],
  ])('%s + %i months = %s', (from, n, to) => {
    expect(ymdOf(addMonthsToDay(dayOf(from), n))).toBe(to);
  });

  it('rejects impossible dates and knows weekdays', () => {
    expect(dayOf('2023-02-30')).toBeNaN();
    expect(dayOf('2023-2-3')).toBeNaN();
    expect(isoWeekday(dayOf('2024-03-05')) % 7).toBe(2); // a Tuesday
  });
});

describe('zones', () => {
  it('gives the offsets of the IANA database, daylight saving included', () => {
    expect(zoneOffsetMinutes('Asia/Shanghai', dayOf('2024-07-01'))).toBe(480);
    expect(zoneOffsetMinutes('Asia/Urumqi', dayOf('2024-07-01'))).toBe(360);
    expect(zoneOffsetMinutes('Europe/London', dayOf('2024-01-15'))).toBe(0);
    expect(zoneOffsetMinutes('Europe/London', dayOf('2024-07-15'))).toBe(60);
    expect(zoneOffsetMinutes('America/Los_Angeles', dayOf('2024-07-15'))).toBe(-420);
  });

  it('formats local timestamps with their offset, and the instant matches Date', () => {
    const day = dayOf('2024-03-05');
    expect(localTimestamp('Asia/Shanghai', day, 10 * 60 + 15)).toBe('2024-03-05T10:15:00+08:00');
    expect(localTimestamp('America/Los_Angeles', day, 9 * 60)).toBe('2024-03-05T09:00:00-08:00');
    const ts = localTimestamp('Australia/Sydney', day, 20 * 60 + 59);
    expect(utcMinutes('Australia/Sydney', day, 20 * 60 + 59) * 60_000).toBe(Date.parse(ts));
  });
});

describe('Rng', () => {
  it('repeats for equal seeds, differs for others, and stays in range', () => {
    const a = new Rng(7, 2, 1);
    const b = new Rng(7, 2, 1);
    const c = new Rng(7, 2, 2);
    const xa = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(xa);
    const r = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    // Mean of 20,000 uniforms: sd ≈ 0.002, so ±0.01 is five sigma.
    expect(Math.abs(sum / 20_000 - 0.5)).toBeLessThan(0.01);
  });
});

describe('resolveConfig', () => {
  it.each([
    ['2023-01-01', 36, '2025-12-31'],
    ['2023-03-15', 24, '2025-03-14'],
    ['2023-01-31', 1, '2023-02-27'],
  ])('a window from %s for %i months ends on %s', (start, months, end) => {
    const c = resolveConfig({ out: 'x', start, months });
    expect(ymdOf(c.endDay)).toBe(end);
    expect(ymdOf(c.startDay)).toBe(start);
  });

  it('reports every invalid option at once', () => {
    expect(() => resolveConfig({ out: '', borrowers: 0, months: 500 })).toThrow(
      /--borrowers: Too small.*--months: Too big.*--out/,
    );
  });
});
