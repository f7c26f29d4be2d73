/**
 * Temp files of exports that died mid-write. A file is written as `<out>.<pid>.tmp` and renamed when complete; a
 * process killed in between (SIGKILL, a full disk's SIGXFSZ, a power cut) leaves its temp file beside the target.
 * The next export to the same target removes those whose process is gone, and leaves a live writer's alone.
 */
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** True when a process with this id is running (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else — alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<out>.<pid>.tmp` files of processes that no longer run; returns the paths removed. */
export async function removeStaleTemps(out: string): Promise<string[]> {
  const dir = dirname(out);
  const prefix = `${basename(out)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // no folder yet: nothing stale, and the write reports the folder itself
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = name.slice(prefix.length, -'.tmp'.length);
    if (!/^[1-9][0-9]*$/.test(pid) || Number(pid) === process.pid || alive(Number(pid))) continue;
    const path = join(dir, name);
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}
