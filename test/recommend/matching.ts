/**
 * Reference for the capacity tests: the largest number of rows placeable on allowed days within their windows and
 * a per-day capacity, by plain Kuhn augmenting paths over day slots. Deliberately simple and independent of the
 * planner's capacity code.
 */
export function maxPlaceable(
  rows: { earliest: number; latest: number }[],
  capacity: number,
  allowed: (day: number, row: number) => boolean,
): number {
  const slotOwner = new Map<string, number>();
  const tryRow = (i: number, seen: Set<string>): boolean => {
    const r = rows[i]!;
    for (let d = r.earliest; d <= r.latest; d++) {
      if (!allowed(d, i)) continue;
      for (let k = 0; k < capacity; k++) {
        const slot = `${d}:${k}`;
        if (seen.has(slot)) continue;
        seen.add(slot);
        const owner = slotOwner.get(slot);
        if (owner === undefined || tryRow(owner, seen)) {
          slotOwner.set(slot, i);
          return true;
        }
      }
    }
    return false;
  };
  let placed = 0;
  for (let i = 0; i < rows.length; i++) if (tryRow(i, new Set())) placed++;
  return placed;
}
