/**
 * Split helpers: row masks → row indices, out-of-time masks from as-of dates, and a seeded random carve-out
 * (validation from the training part when there is no later period, as in the public benchmarks).
 */
import { UsageError } from '../core/errors.ts';
import { mulberry32 } from '../core/prng.ts';

/** Indices of rows whose mask is 1. */
export function rowsOf(mask: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return Int32Array.from(out);
}

/**
 * Out-of-time masks from ISO as-of dates: train < validFrom ≤ valid < testFrom ≤ test. Dates compare as strings.
 */
export function splitByAsOf(
  asOf: string[],
  validFrom: string,
  testFrom: string,
): { train: Uint8Array; valid: Uint8Array; test: Uint8Array } {
  if (!(validFrom < testFrom))
    throw new UsageError(`validFrom (${validFrom}) must be before testFrom (${testFrom})`);
  const n = asOf.length;
  const s = { train: new Uint8Array(n), valid: new Uint8Array(n), test: new Uint8Array(n) };
  asOf.forEach((d, i) => {
    if (d < validFrom) s.train[i] = 1;
    else if (d < testFrom) s.valid[i] = 1;
    else s.test[i] = 1;
  });
  return s;
}

/** Moves a seeded random `share` of the rows in `mask` into a new validation mask; returns both masks. */
export function carveValidation(
  mask: Uint8Array,
  share: number,
  seed: number,
): { train: Uint8Array; valid: Uint8Array } {
  const rand = mulberry32(seed);
  const train = new Uint8Array(mask.length);
  const valid = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    if (rand() < share) valid[i] = 1;
    else train[i] = 1;
  }
  return { train, valid };
}
