import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { CheckQueue } from './check-queue.ts';
import { MemorySecureStore } from './memory-secure-store.ts';
import { FileSecureStore } from './secure-store.ts';

const NO_ENV = {};
let dir = '';
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'causeway-users-')), 'security');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

/** A queue that counts the scrypt checks it runs. */
class CountingQueue extends CheckQueue {
  runs = 0;
  override run<T>(user: string, task: () => Promise<T>): Promise<T> {
    this.runs++;
    return super.run(user, task);
  }
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

describe('FileSecureStore users', () => {
  test('authenticate resolves roles for the right password only', async () => {
    const store = new FileSecureStore(dir, { env: NO_ENV });
    assert.equal(store.setUser('alice', 'pw-alice'), 'added');
    store.setUser('bob', 'pw-bob', ['Custom.role']);
    const reopened = new FileSecureStore(dir, { env: NO_ENV });
    assert.deepEqual(await reopened.authenticate('alice', 'pw-alice'), ['ESBMessaging.send']);
    assert.deepEqual(await reopened.authenticate('alice', 'pw-alice'), ['ESBMessaging.send']);
    assert.equal(await reopened.authenticate('alice', 'wrong'), undefined);
    assert.equal(await reopened.authenticate('alice', 'wrong'), undefined);
    assert.equal(await reopened.authenticate('alice', 'pw-bob'), undefined);
    assert.deepEqual(await reopened.authenticate('bob', 'pw-bob'), ['Custom.role']);
    assert.equal(await reopened.authenticate('nobody', 'x'), undefined);
    assert.equal(await reopened.authenticate('__proto__', 'x'), undefined);
  });

  test('knownPassword answers from the cache only: undefined before the first check', async () => {
    const store = new FileSecureStore(dir, { env: NO_ENV });
    store.setUser('alice', 'pw');
    assert.equal(store.knownPassword('alice', 'pw'), undefined);
    assert.equal(store.knownPassword('alice', 'bad'), undefined);
    await store.authenticate('alice', 'pw');
    await store.authenticate('alice', 'bad');
    await store.authenticate('ghost', 'bad');
    assert.deepEqual(store.knownPassword('alice', 'pw'), ['ESBMessaging.send']);
    assert.equal(store.knownPassword('alice', 'bad'), null);
    assert.equal(store.knownPassword('ghost', 'bad'), null);
    assert.equal(store.knownPassword('ghost', 'other'), undefined);
  });

  test('a password already checked is not hashed again; parallel first checks share one hash', async () => {
    const checks = new CountingQueue();
    const store = new FileSecureStore(dir, { env: NO_ENV, checks });
    store.setUser('alice', 'pw');
    const [, first] = await timed(() =>
      Promise.all(Array.from({ length: 20 }, () => store.authenticate('alice', 'pw'))),
    );
    assert.equal(checks.runs, 1, 'twenty parallel requests of a new client cost one scrypt');
    const [, hundred] = await timed(async () => {
      for (let i = 0; i < 100; i++) assert.ok(await store.authenticate('alice', 'pw'));
    });
    assert.equal(checks.runs, 1);
    assert.ok(hundred < first, `100 cached checks took ${hundred} ms, one scrypt ${first} ms`);
  });

  test('unknown users cost a hash like wrong passwords, also when repeated', async () => {
    const checks = new CountingQueue();
    const store = new FileSecureStore(dir, { env: NO_ENV, checks });
    store.setUser('alice', 'pw');
    await store.authenticate('warm-up', 'x');
    const [, known] = await timed(() => store.authenticate('alice', 'wrong'));
    const [, unknown] = await timed(() => store.authenticate('nobody', 'wrong'));
    assert.equal(checks.runs, 3);
    assert.ok(unknown > known / 3, `unknown user ${unknown} ms, known user ${known} ms`);
    // The repeat is answered from the cache for both, so repeating does not tell them apart either.
    await store.authenticate('alice', 'wrong');
    await store.authenticate('nobody', 'wrong');
    assert.equal(checks.runs, 3);
  });

  test('changing a password invalidates the old one at once; delete removes the user', async () => {
    const store = new FileSecureStore(dir, { env: NO_ENV });
    store.setUser('alice', 'old');
    assert.ok(await store.authenticate('alice', 'old'));
    assert.equal(await store.authenticate('alice', 'new'), undefined);
    assert.equal(store.setUser('alice', 'new', ['A', 'A', 'B']), 'updated');
    assert.equal(await store.authenticate('alice', 'old'), undefined);
    assert.deepEqual(
      await store.authenticate('alice', 'new'),
      ['A', 'B'],
      'a formerly wrong password now fits',
    );
    assert.deepEqual(store.listUsers(), [{ name: 'alice', roles: ['A', 'B'] }]);
    assert.equal(store.deleteUser('alice'), true);
    assert.equal(store.knownPassword('alice', 'new'), undefined);
    assert.equal(await store.authenticate('alice', 'new'), undefined);
    assert.equal(store.deleteUser('alice'), false);
  });

  test('a check running while the password changes does not leave its answer in the cache', async () => {
    const store = new FileSecureStore(dir, { env: NO_ENV });
    store.setUser('alice', 'old');
    const running = store.authenticate('alice', 'old');
    store.setUser('alice', 'new');
    assert.ok(await running, 'answered for the data the check started with');
    assert.equal(store.knownPassword('alice', 'old'), undefined);
    assert.equal(await store.authenticate('alice', 'old'), undefined);
  });

  test('a flood of distinct wrong passwords is refused fast beyond the queue', async () => {
    const store = new FileSecureStore(dir, {
      env: NO_ENV,
      checks: new CheckQueue({ inFlight: 1, queued: 3, perUser: 100 }),
    });
    store.setUser('alice', 'pw');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.authenticate(`user${i}`, `guess${i}`)),
    );
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected', 'rejected'],
    );
    assert.match(String((outcomes[4] as PromiseRejectedResult).reason), /Too many authentication attempts/);
  });

  test('passwords are stored as salted scrypt hashes', () => {
    const store = new FileSecureStore(dir, { env: NO_ENV });
    store.setUser('alice', 'same-password');
    store.setUser('bob', 'same-password');
    const raw = readFileSync(join(dir, 'users.json'), 'utf8');
    assert.doesNotMatch(raw, /same-password/);
    const users = JSON.parse(raw).users;
    assert.equal(users.alice.password.algorithm, 'scrypt');
    assert.notEqual(users.alice.password.hash, users.bob.password.hash);
    assert.doesNotMatch(JSON.stringify(store.listUsers()), /hash|salt/);
  });

  test('bad user input is refused', () => {
    const store = new FileSecureStore(dir, { env: NO_ENV });
    assert.throws(() => store.setUser('alice', ''), /password is empty/);
    assert.throws(() => store.setUser('a b', 'x'), /not a valid user name/);
    assert.throws(() => store.setUser('alice', 'x', ['']), /role name is empty/);
  });
});

test('MemorySecureStore serves credentials and checks users', async () => {
  const store = new MemorySecureStore({
    credentials: { b: { type: 'basic', user: 'u', password: 'p' } },
    users: { alice: { password: 'pw' }, bob: { password: 'pw2', roles: ['X'] } },
  });
  assert.deepEqual(store.credential('b'), { type: 'basic', user: 'u', password: 'p' });
  assert.equal(store.credential('none'), undefined);
  assert.deepEqual(await store.authenticate('alice', 'pw'), ['ESBMessaging.send']);
  assert.deepEqual(store.knownPassword('bob', 'pw2'), ['X']);
  assert.equal(await store.authenticate('alice', 'pw2'), undefined);
  assert.equal(store.knownPassword('alice', 'pw2'), null);
  assert.equal(await store.authenticate('carol', 'pw'), undefined);
});
