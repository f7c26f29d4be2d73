/**
 * One copy of each equal string. Values read from DuckDB, and texts received from a worker thread, arrive as a
 * fresh string each time: codes, zones, dates and reason texts repeat across a book of a million loans (the 100k
 * world's 225,191 reason texts are 8,836 distinct ones), so keeping the first copy of each and dropping the rest
 * leaves one string per distinct value in the heap instead of one per loan. For columns of few distinct values
 * only: the table holds every distinct value it has seen for as long as the function is kept.
 */
export function interner(): <T extends string | null>(value: T) => T {
  const seen = new Map<string, string>();
  return <T extends string | null>(value: T): T => {
    if (value === null) return value;
    const kept = seen.get(value);
    if (kept !== undefined) return kept as T;
    seen.set(value, value);
    return value;
  };
}
