import { describe, expect, it } from 'vitest';
import { counted, fillPhrase, formatNumber, plural } from '../../src/core/format.ts';
import { formatValue } from '../../src/models/explain.ts';

describe('formatNumber (Intl, en and zh-CN)', () => {
  it.each([
    [0.34, '%', 'en', '34%'],
    [0.34, '%', 'zh-CN', '34%'],
    [0.0345, '%', 'en', '3.5%'],
    [1.5, '%', 'en', '150%'],
    [-0.021, '%', 'en', '-2.1%'],
    [0.004, 'pp', 'en', '0.4 percentage points'],
    [0.01, 'pp', 'en', '1 percentage point'],
    [0.004, 'pp', 'zh-CN', '0.4个百分点'],
    [12345.678, '', 'en', '12,345.68'],
    [12345.678, '', 'zh-CN', '12,345.68'],
    [3, 'days', 'en', '3'],
    [null, '%', 'en', 'unknown'],
    [null, '', 'zh-CN', '未知'],
    ['unsecured', '', 'en', 'unsecured'],
  ] as const)('%s with unit %j in %s → %j', (v, unit, lang, want) => {
    expect(formatNumber(v, unit, lang)).toBe(want);
    expect(formatValue(v, unit, lang)).toBe(want);
  });
});

describe('plural-correct phrases', () => {
  it.each([
    ['{v} {day|days} past due today', 1, 'days', '1 day past due today'],
    ['{v} {day|days} past due today', 0, 'days', '0 days past due today'],
    ['{v} {day|days} past due today', 2, 'days', '2 days past due today'],
    ['last contact {v} {day|days} ago', 1.5, 'days', 'last contact 1.5 days ago'],
    [
      '{v} {hang-up or refusal|hang-ups or refusals} in the last 30 days',
      1,
      '',
      '1 hang-up or refusal in the last 30 days',
    ],
    ['installment is {v} of monthly income', 0.34, '%', 'installment is 34% of monthly income'],
    ['{v} late {payment|payments}', null, '', 'unknown late payments'],
  ] as const)('%j with %s → %j', (phrase, v, unit, want) => {
    expect(fillPhrase(phrase, v, unit)).toBe(want);
  });

  it('counts nouns', () => {
    expect([plural(1, 'day', 'days'), plural(0, 'day', 'days'), plural(21, 'day', 'days')]).toEqual([
      'day',
      'days',
      'days',
    ]);
    expect(counted(1, 'follow-up', 'follow-ups')).toBe('1 follow-up');
    expect(counted(2146, 'follow-up', 'follow-ups')).toBe('2,146 follow-ups');
  });
});
