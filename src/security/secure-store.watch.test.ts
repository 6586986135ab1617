import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type { UserError } from '../errors.ts';
import { FileSecureStore } from './secure-store.ts';

const NO_ENV = {};
let dir = '';
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'causeway-watch-')), 'security');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

/** A watched store and the reports its watch gave: undefined for a reload, the error of a failed one. */
function watched() {
  const store = new FileSecureStore(dir, { env: NO_ENV });
  const reports: Array<UserError | undefined> = [];
  let notify = () => {};
  store.watch((error) => {
    reports.push(error);
    notify();
  });
  const nextReport = (timeoutMs = 3000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reload within 3 s')), timeoutMs);
      notify = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  return { store, reports, nextReport };
}

/** The CLI: another store object on the same folder, as `causeway users` opens in its own process. */
const cli = () => new FileSecureStore(dir, { env: NO_ENV });

test('a watched store sees users and credentials the CLI adds, changes and deletes', async (t) => {
  const { store, reports, nextReport } = watched();
  t.after(() => store.close());
  let reloaded = nextReport();
  cli().setUser('alice', 'pw');
  await reloaded;
  assert.deepEqual(await store.authenticate('alice', 'pw'), ['ESBMessaging.send']);

  reloaded = nextReport();
  cli().setUser('alice', 'new-pw', ['Other']);
  await reloaded;
  assert.equal(await store.authenticate('alice', 'pw'), undefined, 'the cached old password is dropped');
  assert.deepEqual(await store.authenticate('alice', 'new-pw'), ['Other']);

  reloaded = nextReport();
  cli().setCredential('backend', { type: 'basic', user: 'svc', password: 's' });
  await reloaded;
  assert.deepEqual(store.credential('backend'), { type: 'basic', user: 'svc', password: 's' });

  reloaded = nextReport();
  const admin = cli();
  admin.deleteCredential('backend');
  admin.deleteUser('alice');
  await reloaded;
  assert.equal(store.credential('backend'), undefined);
  assert.equal(await store.authenticate('alice', 'new-pw'), undefined);
  assert.ok(reports.every((r) => r === undefined));
});

test('a burst of writes is one reload; a password that stands stays cached', async (t) => {
  const { store, reports, nextReport } = watched();
  t.after(() => store.close());
  const admin = cli();
  let reloaded = nextReport();
  admin.setUser('alice', 'pw');
  await reloaded;
  await store.authenticate('alice', 'pw');
  reloaded = nextReport();
  for (let i = 0; i < 5; i++) admin.setUser(`user${i}`, 'x');
  await reloaded;
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.equal(reports.length, 2, 'five quick writes are one reload');
  assert.deepEqual(store.knownPassword('alice', 'pw'), ['ESBMessaging.send'], 'no new hash for alice');
});

test('a reload that fails keeps the previous data and is reported once', async (t) => {
  const { store, reports, nextReport } = watched();
  t.after(() => store.close());
  let reloaded = nextReport();
  cli().setUser('alice', 'pw');
  await reloaded;
  const good = readFileSync(join(dir, 'users.json'), 'utf8');
  reloaded = nextReport();
  writeFileSync(join(dir, 'users.json'), '{ "version": 1, "users": ');
  await reloaded;
  writeFileSync(join(dir, 'users.json'), '{ "version": 1, "users": {');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(reports.length, 2, 'the same failure is reported once');
  assert.match(reports[1]?.message ?? '', /users\.json is not valid JSON/);
  assert.ok(reports[1]?.hint);
  assert.deepEqual(await store.authenticate('alice', 'pw'), ['ESBMessaging.send'], 'previous users stay');
  reloaded = nextReport();
  writeFileSync(join(dir, 'users.json'), good);
  await reloaded;
  reloaded = nextReport();
  cli().setUser('bob', 'pw');
  await reloaded;
  assert.deepEqual(reports.slice(2), [undefined, undefined], 'a good file is taken again');
  assert.ok(await store.authenticate('bob', 'pw'));
});

test('watch creates a missing folder; close stops reloading', async () => {
  const { store, reports } = watched();
  store.close();
  cli().setUser('alice', 'pw');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(reports.length, 0);
  assert.equal(await store.authenticate('alice', 'pw'), undefined);
  store.reload();
  assert.ok(await store.authenticate('alice', 'pw'), 'reload() still reads by hand');
});

test('watching a folder that cannot be created fails with the path and a hint', () => {
  const store = new FileSecureStore(dir, { env: NO_ENV });
  writeFileSync(dir, 'a file where the folder should be');
  assert.throws(
    () => store.watch(),
    (error: UserError) =>
      error.code === 'CW_ERR_SECURE_STORE' && /Cannot watch .*security/.test(error.message) && !!error.hint,
  );
});
