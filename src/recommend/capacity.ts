/**
 * Daily call-center capacity. Follow-ups are placed in priority order (then tighter deadline first) on their
 * preferred day; when a day is full, a lower-priority follow-up moves to the nearest free allowed day inside its own
 * window (earlier first: earlier keeps predicted risk within budget). Follow-ups that still do not fit get an
 * augmenting-path search (a row on a full day shifts within its window to make room, possibly in a chain), which
 * makes the placement a maximum matching: if any schedule within every window and capacity exists, none overflows.
 * Rows that cannot fit stay on their preferred day and are reported as overflow; windows are never left.
 */

/** Inputs; all arrays have length n. Days are day numbers. */
export interface CapacityIn {
  n: number;
  /** Preferred day of each row. */
  pref: Int32Array;
  /** Allowed window, inclusive. */
  earliest: Int32Array;
  latest: Int32Array;
  /** Higher first. */
  priority: Float32Array;
  /** 1 when the row uses call-center capacity (phone follow-ups). */
  active: Uint8Array;
  /** Whether the row may be placed on the day (working days of its rule pack). */
  allowed: (row: number, day: number) => boolean;
  /**
   * Rows of one group are allowed the same days (the rule pack's calendar): `allowed(i, d)` depends only on
   * `group[i]` and `d`. Given, a search stops reading a full day's rows once they can reach no new day.
   */
  group?: Uint16Array;
  /** Calls per day. */
  capacity: number;
  /** Work limit per augmenting search, in rows examined (default 200 000). */
  maxVisits?: number;
}

/** Result: final day per row, whether it moved, whether it overflows. */
export interface CapacityOut {
  day: Int32Array;
  moved: Uint8Array;
  overflow: Uint8Array;
}

/** Places every active row; inactive rows keep their preferred day. */
export function placeWithCapacity(c: CapacityIn): CapacityOut {
  const { n, pref, priority, capacity } = c;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  let d0 = Number.POSITIVE_INFINITY;
  let d1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    // A row already outside its window (no working day inside) may stay where the planner put it.
    lo[i] = Math.min(c.earliest[i]!, pref[i]!);
    hi[i] = Math.max(c.latest[i]!, pref[i]!);
    if (c.active[i]) {
      if (lo[i]! < d0) d0 = lo[i]!;
      if (hi[i]! > d1) d1 = hi[i]!;
    }
  }
  const out: CapacityOut = {
    day: Int32Array.from(pref),
    moved: new Uint8Array(n),
    overflow: new Uint8Array(n),
  };
  if (!(d1 >= d0)) return out;
  const nd = d1 - d0 + 1;
  const rows: number[][] = Array.from({ length: nd }, () => []);
  const pos = new Int32Array(n).fill(-1);
  // A day's version changes whenever a row joins or leaves it (the reach of its rows, below, is cached by version).
  const version = new Int32Array(nd);
  const put = (i: number, d: number) => {
    const list = rows[d - d0]!;
    pos[i] = list.length;
    list.push(i);
    out.day[i] = d;
    version[d - d0]!++;
  };
  const take = (i: number) => {
    version[out.day[i]! - d0]!++;
    const list = rows[out.day[i]! - d0]!;
    const last = list.pop()!;
    if (last !== i) {
      list[pos[i]!] = last;
      pos[last] = pos[i]!;
    }
    pos[i] = -1;
  };
  const free = (d: number) => rows[d - d0]!.length < capacity;

  const order: number[] = [];
  for (let i = 0; i < n; i++) if (c.active[i]) order.push(i);
  order.sort((a, b) => priority[b]! - priority[a]! || hi[a]! - hi[b]! || a - b);

  const unplaced: number[] = [];
  for (const i of order) {
    const p = pref[i]!;
    if (free(p) && c.allowed(i, p)) {
      put(i, p);
      continue;
    }
    let placed = false;
    for (let k = 1; !placed && (p - k >= lo[i]! || p + k <= hi[i]!); k++) {
      for (const d of [p - k, p + k]) {
        if (d >= lo[i]! && d <= hi[i]! && free(d) && c.allowed(i, d)) {
          put(i, d);
          placed = true;
          break;
        }
      }
    }
    if (!placed) unplaced.push(i);
  }

  // Augmenting paths over days: BFS from the row's allowed days through rows that can shift to other days.
  const stamp = new Int32Array(nd);
  const viaRow = new Int32Array(nd);
  const fromDay = new Int32Array(nd);
  const maxVisits = c.maxVisits ?? 200_000;
  // Days proven closed: full, and their rows can only move among closed days. Placements elsewhere never add rows
  // to them, so they stay closed; later searches skip them (this keeps heavy overload from going quadratic).
  const dead = new Uint8Array(nd);
  const reach = c.group ? dayReach(c.group, c.allowed, rows, lo, hi, d0, version) : null;
  let round = 0;
  for (const r of unplaced) {
    round++;
    const queue: number[] = [];
    // The first free day in the order days are reached ends the search: days are expanded in that order
    // (breadth first), so it is the one the search would take anyway, without expanding the days queued before it.
    let found = -1;
    for (let d = lo[r]!; d <= hi[r]!; d++) {
      if (dead[d - d0] || !c.allowed(r, d)) continue;
      stamp[d - d0] = round;
      viaRow[d - d0] = r;
      fromDay[d - d0] = -1;
      queue.push(d);
      if (free(d)) {
        found = d;
        break;
      }
    }
    let visits = 0;
    search: for (let qi = 0; qi < queue.length && found < 0 && visits < maxVisits; qi++) {
      const d = queue[qi]!;
      // Days this day's rows could still reach; none left, and reading the rest of its rows finds nothing new.
      let left = reach ? reach(d, (e) => e !== d && stamp[e - d0] !== round && !dead[e - d0]) : -1;
      for (const s of rows[d - d0]!) {
        if (left === 0) break;
        if (++visits > maxVisits) break;
        // Nearest to the row's preferred day first (earlier on ties), so a shifted row moves as little as possible.
        const ps = pref[s]!;
        const span = 2 * (hi[s]! - lo[s]!);
        for (let k = 0; k <= span; k++) {
          // Offsets 0, −1, +1, −2, +2, …
          const e = ps + (k % 2 === 1 ? -((k + 1) >> 1) : k >> 1);
          if (e < lo[s]! || e > hi[s]!) continue;
          if (e === d || stamp[e - d0] === round || dead[e - d0] || !c.allowed(s, e)) continue;
          stamp[e - d0] = round;
          viaRow[e - d0] = s;
          fromDay[e - d0] = d;
          queue.push(e);
          left--;
          if (free(e)) {
            found = e;
            break search;
          }
        }
      }
    }
    if (found < 0) {
      if (visits < maxVisits) for (const d of queue) dead[d - d0] = 1;
      out.overflow[r] = 1;
      out.day[r] = pref[r]!;
      continue;
    }
    // Shift along the path, from the free day back to the unplaced row.
    for (let d = found; d !== -1; ) {
      const row = viaRow[d - d0]!;
      const prev = fromDay[d - d0]!;
      if (pos[row]! >= 0) take(row);
      put(row, d);
      d = prev;
    }
  }
  for (let i = 0; i < n; i++) if (c.active[i] && !out.overflow[i] && out.day[i] !== pref[i]) out.moved[i] = 1;
  return out;
}

/**
 * The reach of a day's rows: the days any of them may move to. Every row on day d has d inside its window, so
 * the windows of one group's rows there cover one interval [min lo, max hi], and the reach is the union over
 * groups of that interval's allowed days. Returns a counter of the reached days that pass `open`; the intervals
 * are recomputed only when the day's rows changed (its version).
 */
function dayReach(
  group: Uint16Array,
  allowed: (row: number, day: number) => boolean,
  rows: number[][],
  lo: Int32Array,
  hi: Int32Array,
  d0: number,
  version: Int32Array,
): (d: number, open: (e: number) => boolean) => number {
  let g = 0;
  for (const v of group) if (v + 1 > g) g = v + 1;
  const nd = rows.length;
  const seen = new Int32Array(nd).fill(-1);
  const gLo = new Int32Array(nd * g);
  const gHi = new Int32Array(nd * g);
  // A row of each group present, to ask `allowed` for the group.
  const gRow = new Int32Array(nd * g);
  return (d, open) => {
    const k = d - d0;
    if (seen[k] !== version[k]) {
      seen[k] = version[k]!;
      gLo.fill(2 ** 31 - 1, k * g, (k + 1) * g);
      gHi.fill(-(2 ** 31), k * g, (k + 1) * g);
      for (const s of rows[k]!) {
        const j = k * g + group[s]!;
        if (lo[s]! < gLo[j]!) gLo[j] = lo[s]!;
        if (hi[s]! > gHi[j]!) gHi[j] = hi[s]!;
        gRow[j] = s;
      }
    }
    let from = 2 ** 31 - 1;
    let to = -(2 ** 31);
    for (let j = k * g; j < (k + 1) * g; j++) {
      if (gLo[j]! < from) from = gLo[j]!;
      if (gHi[j]! > to) to = gHi[j]!;
    }
    let n = 0;
    for (let e = from; e <= to; e++) {
      if (!open(e)) continue;
      for (let j = k * g; j < (k + 1) * g; j++)
        if (e >= gLo[j]! && e <= gHi[j]! && allowed(gRow[j]!, e)) {
          n++;
          break;
        }
    }
    return n;
  };
}

/** How far ahead `auto` looks at the plan, in days, and how many times the mean daily load it allows. */
export const AUTO_HORIZON_DAYS = 90;
export const AUTO_HEADROOM = 3;
/** The smallest capacity `auto` derives (a handful of loans must not be limited to one call a day). */
export const AUTO_MIN = 10;

/**
 * Capacity `auto`: AUTO_HEADROOM × the plan's mean follow-ups per working day over the next AUTO_HORIZON_DAYS
 * (5 working days in 7), at least AUTO_MIN. A steady book spreads its follow-ups over the horizon and never
 * reaches it; a first load whose backlog is all due at once does, and is spread over the following weeks instead
 * of landing on one day. `pref` are preferred days, `asOf` the plan's day.
 */
export function autoDailyCapacity(pref: Int32Array, active: Uint8Array, asOf: number): number {
  let n = 0;
  for (let i = 0; i < pref.length; i++) if (active[i] && pref[i]! < asOf + AUTO_HORIZON_DAYS) n++;
  const workingDays = (AUTO_HORIZON_DAYS * 5) / 7;
  return Math.max(AUTO_MIN, Math.ceil((AUTO_HEADROOM * n) / workingDays));
}

/**
 * Latest days that let a backlog spread: the rows whose window closes within `windowDays` of `start` (due now)
 * number B; when B exceeds what `capacity` places on the window's working days, each such window is extended to
 * start + the calendar days B needs (B / capacity working days, 7 calendar days per 5, plus a weekend's margin).
 * Returns null when the backlog fits (nothing changes). A widened window never reaches `before[i]` (the loan's
 * maturity: nothing is planned on a repaid loan), and rows with `keep[i]` set (a regulatory deadline) keep theirs.
 */
export function catchUpLatest(
  latest: Int32Array,
  active: Uint8Array,
  start: number,
  windowDays: number,
  capacity: number,
  before: Int32Array,
  keep?: Uint8Array,
): Int32Array | null {
  let backlog = 0;
  for (let i = 0; i < latest.length; i++) if (active[i] && latest[i]! <= start + windowDays) backlog++;
  const fits = capacity * Math.max(1, Math.floor(((windowDays + 1) * 5) / 7));
  if (backlog <= fits) return null;
  const end = start + Math.ceil(((backlog / capacity) * 7) / 5) + 2;
  const out = Int32Array.from(latest);
  for (let i = 0; i < out.length; i++)
    if (active[i] && !keep?.[i] && out[i]! <= start + windowDays)
      out[i] = Math.max(out[i]!, Math.min(end, before[i]! - 1));
  return out;
}
