import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { OperationalError, UserError } from '../errors.ts';
import { LOCK_FILE, STALE_MS, TAKEOVER_FILE, withFolderLock } from './folder-lock.ts';
import { FileSecureStore } from './secure-store.ts';

const here = (file: string) => JSON.stringify(new URL(file, import.meta.url).pathname);
let dir = '';
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'causeway-lock-')), 'security');
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

/** Runs `body` (an ES module) in a new Node process; resolves once it prints `ready`. */
async function startProcess(body: string, command = [process.execPath, '--input-type=module', '-e', body]) {
  const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', () => out.includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`process exited with ${code} before it was ready`)));
  });
  return child;
}

/**
 * One CLI-like process per prefix, each with the store opened once (so what it read at first is soon
 * out of date), making `count` changes (users and credentials in turn). All start at the same moment.
 */
async function changeAtOnce(
  prefixes: string[],
  count: number,
  whileWaiting?: () => Promise<void>,
): Promise<void> {
  const body = (prefix: string) => `
    import { FileSecureStore } from ${here('./secure-store.ts')};
    const store = new FileSecureStore(${JSON.stringify(dir)}, { env: {} });
    process.stdout.write('ready');
    process.stdin.once('data', () => {
      for (let i = 0; i < ${count}; i++) {
        if (i % 2 === 0) store.setUser('${prefix}-user' + i, 'pw-${prefix}' + i);
        else store.setCredential('${prefix}-cred' + i, { type: 'secure-parameter', value: 'secret-${prefix}' + i });
      }
      process.exit(0);
    });`;
  const started = await Promise.all(prefixes.map((prefix) => startProcess(body(prefix))));
  const exits = started.map((child) => once(child, 'exit'));
  for (const child of started) child.stdin?.write('go\n');
  await whileWaiting?.();
  assert.deepEqual(
    (await Promise.all(exits)).map(([code]) => code),
    prefixes.map(() => 0),
  );
}

/** Every change of `changeAtOnce` is there, and the store's lock files are gone. */
async function assertAllChanges(prefixes: string[], count: number): Promise<void> {
  const store = new FileSecureStore(dir, { env: {} });
  const made = (kind: string, parity: number) =>
    prefixes
      .flatMap((p) => Array.from({ length: count }, (_, i) => (i % 2 === parity ? [`${p}-${kind}${i}`] : [])))
      .flat()
      .sort();
  assert.deepEqual(
    store.listUsers().map((u) => u.name),
    made('user', 0),
  );
  assert.deepEqual(
    store.listCredentials().map((c) => c.name),
    made('cred', 1),
  );
  for (const p of prefixes) {
    assert.deepEqual(await store.authenticate(`${p}-user0`, `pw-${p}0`), ['ESBMessaging.send']);
    assert.deepEqual(store.credential(`${p}-cred1`), { type: 'secure-parameter', value: `secret-${p}1` });
  }
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  assert.equal(existsSync(join(dir, TAKEOVER_FILE)), false);
}

/** A process that takes the store's lock and keeps it until it is killed. */
const HOLD_LOCK = () => `
  import { mkdirSync } from 'node:fs';
  import { withFolderLock } from ${here('./folder-lock.ts')};
  mkdirSync(${JSON.stringify(dir)}, { recursive: true });
  withFolderLock(${JSON.stringify(dir)}, () => {
    process.stdout.write('ready');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });`;
const holdLock = () => startProcess(HOLD_LOCK());

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

const PREFIXES = ['a', 'b', 'c', 'd'];

describe('FileSecureStore changed by several processes at once', () => {
  test('keeps all 40 changes of 4 processes making 10 each', async () => {
    await changeAtOnce(PREFIXES, 10);
    await assertAllChanges(PREFIXES, 10);
  });

  test('a lock left by a killed process is taken over at once, and a change proceeds', async () => {
    await kill(await holdLock());
    assert.equal(existsSync(join(dir, LOCK_FILE)), true, 'the killed process left its lock');
    const started = Date.now();
    assert.equal(new FileSecureStore(dir, { env: {} }).setUser('carol', 'pw'), 'added');
    assert.ok(Date.now() - started < STALE_MS / 2, 'did not wait for the lock to age');
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  });

  test('a lock whose holder was killed but not reaped yet (a zombie) is taken over at once', async (t) => {
    if (process.platform !== 'linux') return t.skip('zombies are told apart on Linux only');
    const script = join(dir, '..', 'hold.mjs');
    writeFileSync(script, HOLD_LOCK());
    // The shell starts the holder, then becomes `sleep`: a parent that never reaps its child.
    const parent = await startProcess('', [
      '/bin/sh',
      '-c',
      `"$0" "$1" & exec sleep 60`,
      process.execPath,
      script,
    ]);
    const pid = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid as number;
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 5000;
    while (!/\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) {
      assert.ok(Date.now() < deadline, 'the killed holder did not become a zombie');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const started = Date.now();
    assert.equal(new FileSecureStore(dir, { env: {} }).setUser('carol', 'pw'), 'added');
    assert.ok(Date.now() - started < STALE_MS / 2, 'did not wait for the lock to age');
    await kill(parent);
  });

  test('4 processes waiting for a lock whose holder is killed keep all 40 changes', async () => {
    // All four poll the lock when its holder dies, so they find it stale at about the same moment.
    const holder = await holdLock();
    await changeAtOnce(PREFIXES, 10, async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await kill(holder);
    });
    await assertAllChanges(PREFIXES, 10);
  });

  test('while another process holds the lock, a change fails after the wait with what, where and how', async () => {
    const holder = await holdLock();
    const store = new FileSecureStore(dir, { env: {}, lockWaitMs: 300 });
    assert.throws(
      () => store.setCredential('backend', { type: 'basic', user: 'svc', password: 'top-secret-pw' }),
      (error: unknown) => {
        assert.ok(error instanceof OperationalError);
        assert.equal(error.code, 'CW_ERR_SECURE_STORE');
        assert.ok(error.message.includes(`The secure store ${dir} is locked by process ${holder.pid}`));
        assert.ok(error.message.includes(join(dir, LOCK_FILE)));
        assert.match(error.message, /waited 0\.3 s/);
        assert.match(error.hint ?? '', /Try again when the other causeway command has finished/);
        assert.ok(error.hint?.includes(`delete ${join(dir, LOCK_FILE)}`));
        assert.ok(!`${error.message} ${error.hint}`.includes('top-secret-pw'));
        return true;
      },
    );
    assert.deepEqual(store.listCredentials(), []);
    await kill(holder);
    store.setCredential('backend', { type: 'basic', user: 'svc', password: 'top-secret-pw' });
    assert.equal(new FileSecureStore(dir, { env: {} }).listCredentials().length, 1);
  });
});

describe('FileSecureStore lock whose holder cannot be asked', () => {
  const lock = () => join(dir, LOCK_FILE);
  const age = (ms: number) => {
    const then = (Date.now() - ms) / 1000;
    utimesSync(lock(), then, then);
  };
  beforeEach(() => mkdirSync(dir, { recursive: true }));

  test('one from another machine or container is waited for while young, taken over once stale', () => {
    writeFileSync(lock(), JSON.stringify({ pid: 1, machine: 'elsewhere', id: 'x' }));
    const store = new FileSecureStore(dir, { env: {}, lockWaitMs: 100 });
    assert.throws(
      () => store.setUser('dave', 'pw'),
      (error: unknown) =>
        error instanceof OperationalError &&
        error.message.includes('locked by another process') &&
        /taken over after 10 s, or delete/.test(error.hint ?? ''),
    );
    age(STALE_MS + 1000);
    assert.equal(store.setUser('dave', 'pw'), 'added');
    assert.equal(existsSync(lock()), false);
  });

  test('an empty one (its holder died before writing it) is taken over once stale', () => {
    writeFileSync(lock(), '');
    age(STALE_MS + 1000);
    assert.equal(new FileSecureStore(dir, { env: {} }).setUser('erin', 'pw'), 'added');
  });

  test('a lock that cannot be read is reported with its path, not waited for', () => {
    mkdirSync(lock());
    assert.throws(
      () => new FileSecureStore(dir, { env: {} }).setUser('frank', 'pw'),
      (error: unknown) =>
        error instanceof UserError &&
        error.code === 'CW_ERR_SECURE_STORE' &&
        error.message.includes(`Cannot take the lock ${lock()}`) &&
        !!error.hint,
    );
    assert.equal(existsSync(join(dir, 'users.json')), false);
  });

  test('a change releases only its own lock (had it been taken over, the new holder keeps it)', () => {
    const other = JSON.stringify({ pid: 1, machine: 'elsewhere', id: 'other' });
    withFolderLock(dir, () => writeFileSync(lock(), other));
    assert.equal(readFileSync(lock(), 'utf8'), other);
  });
});
