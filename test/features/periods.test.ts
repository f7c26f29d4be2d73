import { describe, expect, it } from 'vitest';
import { InsufficientDataError } from '../../src/core/errors.ts';
import { periodStart, splitPeriods } from '../../src/features/periods.ts';
import { minusMonths, weekRange } from '../../src/train/delinquency.ts';

/** Every day from `from` to `to` inclusive. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d.toISOString().slice(0, 10) <= to;
    d.setUTCDate(d.getUTCDate() + 1)
  )
    out.push(d.toISOString().slice(0, 10));
  return out;
}

describe('as-of periods', () => {
  it.each([
    ['2025-12-31', 'month', '2025-12-01'],
    ['2025-12-01', 'week', '2025-12-01'], // a Monday
    ['2025-12-07', 'week', '2025-12-01'], // Sunday belongs to the week that began on Monday
    ['2026-01-01', 'week', '2025-12-29'], // weeks cross the year
  ] as const)('periodStart(%s, %s) = %s', (date, period, start) => {
    expect(periodStart(date, period)).toBe(start);
  });

  it.each([
    ['2025-08-31', 6, '2025-02-28'],
    ['2024-08-31', 6, '2024-02-29'],
    ['2025-12-15', 6, '2025-06-15'],
    ['2026-01-31', 1, '2025-12-31'],
  ] as const)('minusMonths(%s, %i) = %s', (date, n, out) => {
    expect(minusMonths(date, n)).toBe(out);
  });

  it('weekRange lists the Mondays inside the bounds', () => {
    expect(weekRange('2025-12-03', '2025-12-29')).toEqual([
      '2025-12-08',
      '2025-12-15',
      '2025-12-22',
      '2025-12-29',
    ]);
    expect(weekRange('2025-12-10', '2025-12-01')).toEqual([]);
  });

  it('keeps months when there are 3 or more', () => {
    const s = splitPeriods(days('2025-01-01', '2025-05-31'), 'auto', 'calls');
    expect(s).toMatchObject({ period: 'month', fellBack: false, test: ['2025-05-01'] });
  });

  it('falls back to ISO weeks when one month of data spans two UTC months', () => {
    const s = splitPeriods(days('2025-11-30', '2025-12-31'), 'auto', 'calls');
    expect(s.period).toBe('week');
    expect(s.fellBack).toBe(true);
    expect([...s.train, ...s.valid, ...s.test]).toEqual([
      '2025-11-24',
      '2025-12-01',
      '2025-12-08',
      '2025-12-15',
      '2025-12-22',
      '2025-12-29',
    ]);
  });

  it('refuses with a typed error naming what is missing', () => {
    const attempt = () => splitPeriods(days('2025-12-01', '2025-12-10'), 'auto', 'calls');
    expect(attempt).toThrow(InsufficientDataError);
    expect(attempt).toThrow(
      'an out-of-time split of calls needs at least 3 as-of weeks; found 2 (and 1 month)',
    );
    expect(() => splitPeriods(days('2025-11-01', '2025-12-31'), 'month', 'calls')).toThrow(
      'needs at least 3 as-of months; found 2',
    );
  });
});
