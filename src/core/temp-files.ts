/**
 * Files written whole or not at all. A file is written as `<target>.<pid>.tmp` beside its target and renamed over
 * it when complete (a rename within a folder is atomic), so a reader never sees half a file. A process killed in
 * between (SIGKILL, a full disk's SIGXFSZ, a power cut) leaves its temp file; the next writer of the same target
 * removes those whose process is gone, and leaves a live writer's alone.
 */
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The temp path this process writes `target` through. */
export function tempPathOf(target: string): string {
  return `${target}.${process.pid}.tmp`;
}

/** Writes `content` to `path` through its temp file; on failure the temp file is removed and `path` untouched. */
export async function writeWhole(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = tempPathOf(path);
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

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

/**
 * Removes, in folder `dir`, the `<name>.<pid>.tmp` files of processes that no longer run, for the names `owns`
 * accepts (a writer removes only temp files of its own targets); returns the paths removed.
 */
export async function removeStaleTempsIn(dir: string, owns: (name: string) => boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // no folder yet: nothing stale, and the write reports the folder itself
  }
  const removed: string[] = [];
  for (const file of names) {
    const m = /^(.+)\.([1-9][0-9]*)\.tmp$/.exec(file);
    if (!m || !owns(m[1]!)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || alive(pid)) continue;
    const path = join(dir, file);
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

/** Removes the `<out>.<pid>.tmp` files of processes that no longer run; returns the paths removed. */
export async function removeStaleTemps(out: string): Promise<string[]> {
  const name = basename(out);
  return removeStaleTempsIn(dirname(out), (n) => n === name);
}
