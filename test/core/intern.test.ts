/**
 * The interner keeps one copy of each equal string: what it returns is always equal to what it was given (values
 * read from DuckDB and a worker's reason texts go through it on their way into the planner's heap).
 */
import { describe, expect, it } from 'vitest';
import { interner } from '../../src/core/intern.ts';

describe('interner', () => {
  it('returns a value equal to the one given, for repeated and new values, and passes null through', () => {
    const one = interner();
    // Fresh strings built at run time, as a reader hands them over (not literals V8 already shares).
    const fresh = (k: number) =>
      ['personal', 'Asia/Shanghai', '2025-12-31', '', '回访'][k % 5]!.split('').join('');
    const given = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? null : fresh(i)));
    const kept = given.map(one);
    expect(kept).toEqual(given);
    expect(one(null)).toBeNull();
    // A second table returns what it is given too, whatever the first one holds.
    const other = interner();
    expect(other('a b'.replace(' ', ''))).toBe('ab');
    expect(one('ab')).toBe('ab');
  });
});
