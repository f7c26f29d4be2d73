import { describe, expect, it } from 'vitest';
import { CREDIT_GRADES } from '../../src/contract/tables.ts';
import { DEFAULT_PARAMS } from '../../src/generate/defaults.ts';
import {
  type HangupContext,
  type HazardContext,
  hazardLogit,
  trueHangupProbability,
  trueMonthlyHazard,
} from '../../src/generate/truth.ts';

const calm: HazardContext = {
  grade: 'BB',
  loanType: 'personal',
  burden: DEFAULT_PARAMS.hazard.burdenRef,
  recentLate: 0,
  hpiChange6m: 0.01,
  unemploymentGap: 0,
  shockMonth: 0,
};

const call: HangupContext = {
  localHour: 10,
  weekday: 2,
  preNotified: false,
  attemptsToday: 0,
  daysSinceLastContact: 120,
  delinquent: false,
  firstLoan: false,
  pastHangups: 0,
};

describe('trueMonthlyHazard', () => {
  it('is the logistic of the intercept for a neutral BB personal loan in a calm market', () => {
    const p = 1 / (1 + Math.exp(-DEFAULT_PARAMS.hazard.intercept));
    expect(trueMonthlyHazard(calm)).toBeCloseTo(p, 12);
    expect(hazardLogit(calm)).toBeCloseTo(DEFAULT_PARAMS.hazard.intercept, 12);
  });

  it('rises strictly from AAA to CCC', () => {
    const hs = CREDIT_GRADES.map((grade) => trueMonthlyHazard({ ...calm, grade }));
    for (let i = 1; i < hs.length; i++) expect(hs[i]!).toBeGreaterThan(hs[i - 1]!);
  });

  it.each([
    ['heavier burden', { burden: 0.5 }],
    ['recent minor lateness', { recentLate: 2 }],
    ['a 10 % HPI fall', { hpiChange6m: -0.1 }],
    ['higher unemployment', { unemploymentGap: 0.02 }],
    ['an income shock in its second month', { shockMonth: 2 }],
    ['corporate loans', { loanType: 'corporate' as const }],
  ])('rises with %s', (_name, change) => {
    expect(trueMonthlyHazard({ ...calm, ...change })).toBeGreaterThan(trueMonthlyHazard(calm));
  });

  it('a shock shows first as lateness only: month 1 leaves the hazard unchanged', () => {
    expect(trueMonthlyHazard({ ...calm, shockMonth: 1 })).toBe(trueMonthlyHazard(calm));
  });

  it('ignores HPI rises (only falls mark a downturn) and stays within (0, 1) at extremes', () => {
    expect(trueMonthlyHazard({ ...calm, hpiChange6m: 0.2 })).toBe(trueMonthlyHazard(calm));
    const worst = trueMonthlyHazard({
      ...calm,
      grade: 'CCC',
      burden: 0.9,
      recentLate: 6,
      hpiChange6m: -0.3,
      shockMonth: 3,
    });
    expect(worst).toBeGreaterThan(0.3);
    expect(worst).toBeLessThan(1);
  });
});

describe('trueHangupProbability', () => {
  it('is worse at lunch and in the evening than mid-afternoon, and worse on weekends', () => {
    const at = (localHour: number) => trueHangupProbability({ ...call, localHour });
    expect(at(20)).toBeGreaterThan(at(15));
    expect(at(12)).toBeGreaterThan(at(10));
    expect(trueHangupProbability({ ...call, weekday: 6 })).toBeGreaterThan(trueHangupProbability(call));
  });

  it.each([
    ['pre-notified', { preNotified: true }, -1],
    ['a second attempt the same day', { attemptsToday: 1 }, 1],
    ['a call the day after another', { daysSinceLastContact: 1 }, 1],
    ['delinquency', { delinquent: true }, 1],
    ['a first loan', { firstLoan: true }, 1],
    ['past hang-ups', { pastHangups: 2 }, 1],
    ['an inbound call', { direction: 'inbound' as const }, -1],
    ['a collection call', { collection: true }, 1],
  ])('moves with %s', (_name, change, sign) => {
    const d = trueHangupProbability({ ...call, ...change }) - trueHangupProbability(call);
    expect(Math.sign(d)).toBe(sign);
  });

  it('clamps hours outside 08–20 and caps past hang-ups at 4', () => {
    expect(trueHangupProbability({ ...call, localHour: 23 })).toBe(
      trueHangupProbability({ ...call, localHour: 20 }),
    );
    expect(trueHangupProbability({ ...call, pastHangups: 9 })).toBe(
      trueHangupProbability({ ...call, pastHangups: 4 }),
    );
  });
});
