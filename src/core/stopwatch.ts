/** Phase timing: each call returns the seconds since the previous call (or since the stopwatch was made). */
export function stopwatch(): () => number {
  let t = performance.now();
  return () => {
    const now = performance.now();
    const s = (now - t) / 1000;
    t = now;
    return s;
  };
}
