import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OperationalError } from '../errors.ts';

/** How long a change waits for another process's change to the same folder. */
const WAIT_MS = 10_000;
const RETRY_MS = 10;
export const LOCK_FILE = '.lock';

/**
 * Runs `change` while this process holds `<dir>/.lock`, a file created exclusively that names the
 * holder's pid. Two processes changing the folder (two CLI commands at once) then take turns, and
 * the second, reading the files again inside, keeps the first one's change. A lock whose holder no
 * longer runs (killed mid-change) is taken over; if two processes take over the same stale lock at
 * the same moment, both may proceed once, as before there was a lock.
 */
export function withFolderLock<T>(dir: string, change: () => T): T {
  const lock = join(dir, LOCK_FILE);
  const deadline = Date.now() + WAIT_MS;
  while (!tryLock(lock)) {
    if (holderGone(lock)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new OperationalError(
        'CW_ERR_SECURE_STORE',
        `${dir} is being changed by another process (lock file ${lock}) for more than ${WAIT_MS / 1000} s.`,
        { hint: `Try again; if no causeway command is running, delete ${lock}.` },
      );
    }
    sleep(RETRY_MS);
  }
  try {
    return change();
  } finally {
    rmSync(lock, { force: true });
  }
}

function tryLock(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** True when the lock names a process that no longer exists (not when it is empty: being written). */
function holderGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The store's API is synchronous (CLI commands); a short wait blocks only the waiting process. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
