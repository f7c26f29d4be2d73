import { describe, expect, it } from 'vitest';
import { dayOf, isoWeekday } from '../../src/core/days.ts';
import { calendarFor } from '../../src/recommend/index.ts';

describe('working-day calendars', () => {
  it.each([
    // 调休: Saturday 2026-02-14 and Sunday 2025-09-28 are official working days; Spring Festival days are not.
    ['cn', '2026-02-14', 6, true],
    ['cn', '2025-09-28', 7, true],
    ['cn', '2026-02-17', 2, false],
    ['cn', '2026-03-07', 6, false],
    ['cn', '2026-03-09', 1, true],
    // Independence Day 2026 is observed on Friday 2026-07-03.
    ['holidays:US', '2026-07-03', 5, false],
    ['holidays:US', '2026-07-06', 1, true],
    ['holidays:US', '2026-07-11', 6, false],
    ['weekdays', '2026-07-03', 5, true],
    ['all', '2026-07-11', 6, true],
  ])('%s: %s (ISO weekday %i) working = %s', (spec, ymd, weekday, working) => {
    const day = dayOf(ymd);
    expect(isoWeekday(day)).toBe(weekday);
    expect(calendarFor(spec).isWorkingDay(day)).toBe(working);
  });

  it('refuses an unknown calendar with what it expected', () => {
    expect(() => calendarFor('mars')).toThrow(
      /expected "cn", "mo", "weekdays", "all", "holidays:country" or "holidays:<COUNTRY>/,
    );
  });
});
