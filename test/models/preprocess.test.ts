import { describe, expect, it } from 'vitest';
import { MismatchError } from '../../src/core/errors.ts';
import { makeManifest } from '../../src/features/manifest.ts';
import type { FeatureTable } from '../../src/features/types.ts';
import { fitPreprocess, referenceRow, transform } from '../../src/models/preprocess.ts';

function table(late: number[], channel: (string | null)[]): FeatureTable {
  return {
    manifest: makeManifest(
      [
        { name: 'late', type: 'numeric', family: 'repayment', phrase: '{v} late' },
        { name: 'channel', type: 'categorical', family: 'contact', phrase: 'by {v}' },
      ],
      't',
    ),
    n: late.length,
    keys: { loan_id: late.map((_, i) => String(i)) },
    numeric: { late: Float64Array.from(late) },
    categorical: { channel },
  };
}

describe('preprocessing', () => {
  const t = table([1, 3, Number.NaN, 5, 1000], ['a', 'a', 'b', null, 'zzz']);
  const train = Int32Array.from([0, 1, 2, 3]); // row 4 (an outlier with an unseen category) is not training data

  it('fits on training rows only: standardization, missing flag, vocabulary with an other slot', () => {
    const s = fitPreprocess(t, train, { clip: 0, minCount: 1 });
    expect(s.columns).toEqual([
      'late',
      'late:missing',
      'channel=a',
      'channel=b',
      'channel=∅',
      'channel=other',
    ]);
    const x = transform(s, t);
    const row = (i: number) => Array.from(x.subarray(i * s.width, (i + 1) * s.width));
    // mean of 1, 3, 5 is 3; population std is sqrt(8/3)
    const sd = Math.sqrt(8 / 3);
    expect(row(0)[0]).toBeCloseTo(-2 / sd, 6);
    expect(row(2)).toEqual([0, 1, 0, 1, 0, 0]);
    expect(row(3).slice(2)).toEqual([0, 0, 1, 0]);
    // row 4: clipped to the training maximum 5; unseen category → other
    expect(row(4)[0]).toBeCloseTo(2 / sd, 6);
    expect(row(4).slice(2)).toEqual([0, 0, 0, 1]);
    expect(Array.from(referenceRow(s))).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('survives a JSON round trip', () => {
    const s = fitPreprocess(t, train, { clip: 0, minCount: 1 });
    const again = JSON.parse(JSON.stringify(s));
    expect(transform(again, t)).toEqual(transform(s, t));
  });

  it('refuses a table whose manifest differs, naming added, removed and changed features', () => {
    const s = fitPreprocess(t, train);
    const other: FeatureTable = {
      ...t,
      manifest: makeManifest(
        [
          { name: 'late', type: 'categorical', family: 'repayment', phrase: '' },
          { name: 'hour', type: 'numeric', family: 'context', phrase: '' },
        ],
        't',
      ),
    };
    expect(() => transform(s, other)).toThrow(MismatchError);
    expect(() => transform(s, other)).toThrow(
      /added: hour; removed: channel; type changed: late \(numeric → categorical\)/,
    );
  });
});
