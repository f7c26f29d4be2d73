/** Small numeric helpers shared by the report metrics. */

/** Rounds to 6 decimals so JSON specs and goldens do not carry float noise. */
export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Keeps at most `max` points, evenly spaced by index, always including the first and the last. */
export function thin<T>(pts: T[], max: number): T[] {
  if (pts.length <= max) return pts;
  const out: T[] = [];
  const step = (pts.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(pts[Math.round(i * step)] as T);
  return out;
}

/** Quantile of a sorted array by linear interpolation (type 7, as DuckDB quantile_cont). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}
