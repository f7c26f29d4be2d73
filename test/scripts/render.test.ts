/**
 * Templates are cut at their placeholders once and filled from the pieces: the text must be the one the regular
 * expression's replace gave, and null as soon as one placeholder has no value, whatever the template holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fill, type TextFacts } from '../../src/scripts/render.ts';
import { PLACEHOLDERS } from '../../src/scripts/schema.ts';

/** fill as it was: one replace with a callback over the whole template. */
function before(template: string, facts: TextFacts): string | null {
  let missing = false;
  const out = template.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const v = facts[name as keyof TextFacts];
    if (v === null || v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? null : out;
}

describe('fill', () => {
  it('fills each placeholder, repeated ones too, and keeps the text around them', () => {
    const facts = { lender: '示例银行', hotline: '95599' };
    expect(fill('【{lender}】请拨{hotline}，{lender}', facts)).toBe('【示例银行】请拨95599，示例银行');
    expect(fill('no placeholder {Upper} {}', facts)).toBe('no placeholder {Upper} {}');
    expect(fill('{lender}{window}', facts)).toBeNull();
  });

  it('gives what the regular expression gave on any template and facts, twice in a row (cached cut)', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        ...PLACEHOLDERS.map((p) => `{${p}}`),
        '{',
        '}',
        '{}',
        '{x',
        '{nope}',
        '$&',
        '$1',
        '首',
        ' ',
      ),
      fc.string({ maxLength: 5 }),
    );
    const value = fc.option(fc.constantFrom('a', '', '$&', '{lender}', '3,210.55'), { nil: undefined });
    const facts = fc.record(
      Object.fromEntries(PLACEHOLDERS.map((p) => [p, fc.option(value, { nil: null })])),
      {
        requiredKeys: [],
      },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), facts, (pieces, f) => {
        const template = pieces.join('');
        const t = f as TextFacts;
        expect(fill(template, t)).toBe(before(template, t));
        expect(fill(template, t)).toBe(before(template, t));
      }),
      { numRuns: 3_000 },
    );
  });
});
