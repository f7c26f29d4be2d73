/** Inputs shared by the metrics: scores (probabilities for calibration metrics) and 0/1 labels of equal length. */
export type Scores = ArrayLike<number>;
/** 0/1 outcomes. */
export type Labels = ArrayLike<number>;

/** Throws unless scores and labels line up and labels are 0/1; returns n. */
export function checkInputs(metric: string, y: Labels, p: Scores): number {
  if (p.length !== y.length) throw new RangeError(`${metric}: ${p.length} scores but ${y.length} labels`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) throw new RangeError(`${metric}: label ${i} must be 0 or 1; got ${v}`);
  }
  return p.length;
}

/**
 * Row indices of `p` in ascending order of score (stable). The metrics that need it take the order as an optional
 * last argument: a caller computing several of them on the same rows (the report: six per model, horizon and variant)
 * sorts once and passes it on.
 */
export type Ascending = ArrayLike<number>;

/** Row indices sorted by score, ascending (stable). */
export function orderByScore(p: Scores): Int32Array {
  const idx = Int32Array.from({ length: p.length }, (_, i) => i);
  return idx.sort((a, b) => (p[a] as number) - (p[b] as number) || a - b);
}
