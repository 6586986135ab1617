import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readlinkSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OperationalError, UserError } from '../errors.ts';

export const LOCK_FILE = '.lock';
/** Held only while removing a stale `.lock`, so that two processes finding it stale cannot both remove it. */
export const TAKEOVER_FILE = '.lock.takeover';

/** How long a change waits for another's by default; above STALE_MS, so a lock left behind fails no command. */
const WAIT_MS = 15_000;
/**
 * A lock whose holder cannot be asked (another machine or container, or it died before writing its
 * pid) counts as left behind after this long. A change holds the lock for well under a second.
 */
export const STALE_MS = 10_000;
const RETRY_MS = 10;

export interface FolderLockOptions {
  /** How long to wait for another process's change before failing; default 15 s. */
  waitMs?: number;
}

/**
 * Runs `change` while this process holds `<dir>/.lock`, a file created exclusively (O_EXCL) that names
 * its holder. Two processes changing the folder (two CLI commands at once) take turns, and the second,
 * reading the files again inside, keeps the first one's change.
 *
 * A lock left by a process that died (killed mid-change) is taken over: at once when its pid is gone
 * on this machine, else once it is older than STALE_MS. Only the holder of `.lock.takeover` removes
 * a stale lock, after checking again that it is still stale: when several processes find the same
 * stale lock, none removes the fresh one that another has just taken.
 *
 * Hand-written rather than `proper-lockfile`: the store's API is synchronous, and its `lockSync`
 * refuses retries; it judges a lock stale by age alone, refreshed by a timer that cannot run while a
 * synchronous change runs, and two processes finding the same stale lock can both take it.
 */
export function withFolderLock<T>(dir: string, change: () => T, options: FolderLockOptions = {}): T {
  const waitMs = options.waitMs ?? WAIT_MS;
  const lock = join(dir, LOCK_FILE);
  const me = record();
  const deadline = Date.now() + waitMs;
  while (!tryCreate(lock, me)) {
    const holder = readHolder(lock);
    if (holder === undefined) continue; // released meanwhile
    if (isStale(holder) && takeOver(dir, lock)) continue;
    if (Date.now() >= deadline) throw lockedError(dir, lock, holder, waitMs);
    sleep(RETRY_MS);
  }
  try {
    return change();
  } finally {
    // Only our own: had we been too slow and the lock been taken over, it now belongs to another.
    if (readHolder(lock)?.text === me) rmSync(lock, { force: true });
  }
}

interface Holder {
  text: string;
  pid?: number;
  machine?: string;
  ageMs: number;
}

/** Where a pid means something: this host, since its boot, in this pid namespace (a container has its own). */
const MACHINE = [
  hostname(),
  readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()),
  readOr(() => readlinkSync('/proc/self/ns/pid')),
].join(' ');

function readOr(read: () => string): string {
  try {
    return read();
  } catch {
    return ''; // not Linux (or gone)
  }
}

/** What a holder writes into the lock; the random id tells two holders with the same pid apart. */
function record(): string {
  return JSON.stringify({ pid: process.pid, machine: MACHINE, id: randomBytes(8).toString('hex') });
}

/** Creates `file` with `content` unless it exists; false when it does. */
function tryCreate(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw cannotLock(file, error);
  }
  try {
    writeSync(fd, content);
  } catch (error) {
    // A lock without its holder would only be taken over after STALE_MS: remove it now (disk full).
    closeSync(fd);
    rmSync(file, { force: true });
    throw cannotLock(file, error);
  }
  closeSync(fd);
  return true;
}

/** The lock as it is now, or undefined when there is none. Content and age come from the same file. */
function readHolder(file: string): Holder | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cannotLock(file, error);
  }
  let ageMs: number;
  let text: string;
  try {
    ageMs = Date.now() - fstatSync(fd).mtimeMs;
    text = readFileSync(fd, 'utf8');
  } catch (error) {
    throw cannotLock(file, error);
  } finally {
    closeSync(fd);
  }
  let parsed: { pid?: unknown; machine?: unknown } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    // Empty: its holder died between creating and writing it (or is writing it right now).
  }
  const pid =
    Number.isInteger(parsed?.pid) && (parsed.pid as number) > 0 ? (parsed.pid as number) : undefined;
  const machine = typeof parsed?.machine === 'string' ? parsed.machine : undefined;
  return { text, pid, machine, ageMs };
}

/**
 * A holder on this machine is asked directly: alive, it keeps the lock however long it takes (it may
 * be suspended with Ctrl-Z, and would write over the others' changes when resumed). Others go by age.
 */
function isStale(holder: Holder): boolean {
  if (holder.machine === MACHINE && holder.pid !== undefined && holder.pid !== process.pid) {
    return !isRunning(holder.pid);
  }
  return holder.ageMs > STALE_MS;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: runs, as another user
  }
  // A zombie (killed, but its parent has not reaped it yet) still takes signals. Linux: "pid (name) Z …".
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return stat.charAt(stat.lastIndexOf(') ') + 2) !== 'Z';
}

/**
 * Removes the lock if it is still stale, holding `.lock.takeover`: nobody else removes a lock that is
 * not theirs meanwhile, so the one checked is the one removed. True when something was removed. The
 * takeover file is held for a moment; one left by a process that died there is removed by the same
 * rules (that removal is not guarded: two processes would have to find it stale at the same instant).
 */
function takeOver(dir: string, lock: string): boolean {
  const takeover = join(dir, TAKEOVER_FILE);
  if (!tryCreate(takeover, record())) {
    const other = readHolder(takeover);
    if (other && !isStale(other)) return false; // another process is taking over
    if (other) rmSync(takeover, { force: true });
    return true;
  }
  try {
    const holder = readHolder(lock);
    if (holder && !isStale(holder)) return false; // taken meanwhile by a live process
    if (holder) rmSync(lock, { force: true });
    return true;
  } finally {
    rmSync(takeover, { force: true });
  }
}

function lockedError(dir: string, lock: string, holder: Holder, waitMs: number): OperationalError {
  const local = holder.machine === MACHINE && holder.pid !== undefined;
  const who = local ? `process ${holder.pid}` : 'another process';
  return new OperationalError(
    'CW_ERR_SECURE_STORE',
    `The secure store ${dir} is locked by ${who} (lock file ${lock}, held for ${seconds(holder.ageMs)}); ` +
      `waited ${seconds(waitMs)} for it.`,
    {
      hint: local
        ? `Try again when the other causeway command has finished. If process ${holder.pid} is not a causeway command, delete ${lock}.`
        : `Try again when the other causeway command has finished; a lock left by a command that died is taken over after ${seconds(STALE_MS)}, or delete ${lock}.`,
    },
  );
}

function cannotLock(file: string, cause: unknown): UserError {
  return new UserError(
    'CW_ERR_SECURE_STORE',
    `Cannot take the lock ${file} to change the secure store: ${(cause as Error).message}`,
    { cause, hint: 'Check that the data directory is writable by the user running Causeway.' },
  );
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 100) / 10)} s`;
}

/** The store's API is synchronous (CLI commands); a short wait blocks only the waiting process. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
