/**
 * A full garbage collection on request, for the few points where a long run knows that most of what its
 * JavaScript holds has just become garbage and the next step is native work (DuckDB) that allocates no JavaScript:
 * V8 collects when JavaScript allocates, so without this the dead heap stays resident through that step and adds
 * to the process's peak. V8 exposes `gc` only to contexts created after `--expose-gc` is set; the flag is set
 * here at run time and `gc` taken from a fresh context (as jest's leak detector does), so no command-line flag
 * is needed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** Collects garbage now (a full, compacting collection); returns the seconds it took. */
export function collectGarbage(): number {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  const t = performance.now();
  gc();
  return (performance.now() - t) / 1000;
}
