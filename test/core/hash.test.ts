/**
 * sha256 hashes in one shot where Node has `crypto.hash`: the digest must be the Hash object's, for text (as UTF-8,
 * any code points, lone surrogates included) and bytes; a follow-up id is made from it.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/hash.ts';
import { followupId } from '../../src/recommend/io/talk.ts';

const reference = (d: string | Uint8Array) => createHash('sha256').update(d).digest('hex');

describe('sha256', () => {
  it('is the Hash object’s digest of any text and any bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array()), (d) => {
        expect(sha256(d)).toBe(reference(d));
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the known digest of "abc" and the follow-up id it always gave', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const id = followupId({ as_of: '2025-12-31', loan_id: 'L0022967-2', purpose: 'mid_term', cycle: 1 });
    expect(id).toBe(`fu-${reference('2025-12-31\u0000L0022967-2\u0000mid_term\u00001').slice(0, 16)}`);
  });
});
