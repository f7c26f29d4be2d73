import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAYS_PER_MONTH } from '../../src/core/months.ts';
import { daysWithinBudget, riskWithin } from '../../src/models/risk.ts';

const hazards = fc.array(fc.double({ min: 0, max: 0.5, noNaN: true }), { minLength: 1, maxLength: 6 });

describe('risk from monthly hazards', () => {
  it('equals 1 − Π(1 − h_k) at whole months', () => {
    const h = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06];
    let surv = 1;
    for (let k = 0; k < 6; k++) {
      surv *= 1 - h[k]!;
      expect(riskWithin(h, (k + 1) * DAYS_PER_MONTH)).toBeCloseTo(1 - surv, 12);
    }
    // Beyond the horizon the last hazard carries on.
    expect(riskWithin(h, 7 * DAYS_PER_MONTH)).toBeCloseTo(1 - surv * (1 - 0.06), 12);
    expect(riskWithin(h, 0)).toBe(0);
  });

  it('is monotone in days', () => {
    fc.assert(
      fc.property(hazards, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (h, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(riskWithin(h, lo)).toBeLessThanOrEqual(riskWithin(h, hi) + 1e-15);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('inverts exactly: the budget holds at d and is exceeded at d + 1', () => {
    fc.assert(
      fc.property(hazards, fc.double({ min: 0.001, max: 0.5, noNaN: true }), (h, budget) => {
        const d = daysWithinBudget(h, budget, 3650);
        expect(riskWithin(h, d)).toBeLessThanOrEqual(budget + 1e-12);
        if (d < 3650) expect(riskWithin(h, d + 1)).toBeGreaterThan(budget - 1e-12);
      }),
      { seed: 12, numRuns: 500 },
    );
  });
});
