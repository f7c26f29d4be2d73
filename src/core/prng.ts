/**
 * A small seeded PRNG (mulberry32) for shuffling and splits: Math.random is not seedable, and determinism on one
 * backend needs every random draw to come from the run's seed.
 */

/** Returns a generator of uniform floats in [0, 1) determined by `seed` (any 32-bit integer). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place with the given generator; returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(
  a: T,
  rand: () => number,
): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
