import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { UserError } from '../errors.ts';
import { FileSecureStore } from './secure-store.ts';

const NO_ENV = {};
let dataDir = '';
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'causeway-secure-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const secDir = () => join(dataDir, 'security');
const securityFile = (name: string) => join(dataDir, 'security', name);
const isStoreError = (pattern: RegExp) => (error: unknown) =>
  error instanceof UserError &&
  error.code === 'CW_ERR_SECURE_STORE' &&
  pattern.test(error.message) &&
  !!error.hint;

describe('FileSecureStore credentials', () => {
  test('round trip of all three types, also after reopening', () => {
    const store = new FileSecureStore(secDir(), { env: NO_ENV });
    store.setCredential('backend', { type: 'basic', user: 'svc', password: 's3cret-pw' });
    store.setCredential('idp', {
      type: 'oauth2-client-credentials',
      tokenUrl: 'https://idp.example/token',
      clientId: 'cid',
      clientSecret: 'client-secret-xyz',
      scope: 'read',
    });
    store.setCredential('apiKey', { type: 'secure-parameter', value: 'key-123' });
    const reopened = new FileSecureStore(secDir(), { env: NO_ENV });
    assert.deepEqual(reopened.credential('backend'), { type: 'basic', user: 'svc', password: 's3cret-pw' });
    assert.equal((reopened.credential('idp') as { clientSecret: string }).clientSecret, 'client-secret-xyz');
    assert.deepEqual(reopened.credential('apiKey'), { type: 'secure-parameter', value: 'key-123' });
    assert.equal(reopened.credential('missing'), undefined);
  });

  test('secrets are encrypted at rest and never listed', () => {
    const store = new FileSecureStore(secDir(), { env: NO_ENV });
    store.setCredential('backend', { type: 'basic', user: 'svc', password: 'very-secret-password' });
    store.setCredential('p', { type: 'secure-parameter', value: 'parameter-secret-value' });
    const raw = readFileSync(securityFile('credentials.json'), 'utf8');
    assert.doesNotMatch(raw, /very-secret-password|parameter-secret-value/);
    assert.doesNotMatch(raw, new RegExp(Buffer.from('very-secret-password').toString('base64').slice(0, 12)));
    const listing = JSON.stringify(store.listCredentials());
    assert.doesNotMatch(listing, /secret/);
    assert.deepEqual(store.listCredentials(), [
      { name: 'backend', type: 'basic', user: 'svc' },
      { name: 'p', type: 'secure-parameter' },
    ]);
  });

  test('the master key file is 32 bytes, mode 0600, created on first use only', () => {
    const store = new FileSecureStore(secDir(), { env: NO_ENV });
    assert.throws(() => statSync(securityFile('master.key')));
    store.setCredential('a', { type: 'secure-parameter', value: 'v' });
    const st = statSync(securityFile('master.key'));
    assert.equal(st.size, 32);
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(statSync(securityFile('credentials.json')).mode & 0o777, 0o600);
  });

  test('a wrong master key fails clearly, and does not let new entries mix keys', () => {
    new FileSecureStore(secDir(), { env: NO_ENV }).setCredential('a', {
      type: 'secure-parameter',
      value: 'v',
    });
    const wrongKey = { CAUSEWAY_MASTER_KEY: randomBytes(32).toString('base64') };
    const store = new FileSecureStore(secDir(), { env: wrongKey });
    assert.throws(
      () => store.credential('a'),
      isStoreError(/not the key the credentials .* were encrypted with/),
    );
    assert.throws(() => store.verifyMasterKey(), isStoreError(/CAUSEWAY_MASTER_KEY/));
    assert.throws(() => store.setCredential('b', { type: 'secure-parameter', value: 'w' }), UserError);
    // Listing needs no key.
    assert.deepEqual(store.listCredentials(), [{ name: 'a', type: 'secure-parameter' }]);
  });

  test('the key from CAUSEWAY_MASTER_KEY works across opens and no key file is written', () => {
    const env = { CAUSEWAY_MASTER_KEY: randomBytes(32).toString('base64') };
    new FileSecureStore(secDir(), { env }).setCredential('a', { type: 'secure-parameter', value: 'v' });
    assert.equal(new FileSecureStore(secDir(), { env }).credential('a')?.type, 'secure-parameter');
    assert.throws(() => statSync(securityFile('master.key')));
    assert.throws(
      () => new FileSecureStore(secDir(), { env: NO_ENV }).credential('a'),
      isStoreError(/missing/),
    );
    const short = { CAUSEWAY_MASTER_KEY: Buffer.alloc(16).toString('base64') };
    assert.throws(
      () => new FileSecureStore(secDir(), { env: short }).credential('a'),
      isStoreError(/16 bytes/),
    );
  });

  test('a tampered entry is reported, not returned', () => {
    new FileSecureStore(secDir(), { env: NO_ENV }).setCredential('a', {
      type: 'basic',
      user: 'u',
      password: 'p',
    });
    const file = JSON.parse(readFileSync(securityFile('credentials.json'), 'utf8'));
    file.credentials.a.user = 'admin';
    writeFileSync(securityFile('credentials.json'), JSON.stringify(file));
    const store = new FileSecureStore(secDir(), { env: NO_ENV });
    assert.throws(() => store.credential('a'), isStoreError(/cannot be decrypted/));
  });

  test('a damaged file or key file is reported with the file name', () => {
    const store = new FileSecureStore(secDir(), { env: NO_ENV });
    store.setCredential('a', { type: 'secure-parameter', value: 'v' });
    writeFileSync(securityFile('master.key'), Buffer.alloc(5));
    assert.throws(
      () => new FileSecureStore(secDir(), { env: NO_ENV }).credential('a'),
      isStoreError(/5 bytes/),
    );
    writeFileSync(securityFile('credentials.json'), '{ nope');
    assert.throws(
      () => new FileSecureStore(secDir(), { env: NO_ENV }),
      isStoreError(/credentials\.json is not valid JSON/),
    );
  });

  test('invalid credentials and names are refused with the reason', () => {
    const store = new FileSecureStore(secDir(), { env: NO_ENV });
    assert.throws(
      () => store.setCredential('a', { type: 'basic', user: 'u', password: '' }),
      /needs a password/,
    );
    assert.throws(
      () =>
        store.setCredential('a', {
          type: 'oauth2-client-credentials',
          tokenUrl: 'ftp://x',
          clientId: 'c',
          clientSecret: 's',
        }),
      /http or https/,
    );
    assert.throws(
      () => store.setCredential('../x', { type: 'secure-parameter', value: 'v' }),
      /not a valid credential name/,
    );
    assert.throws(
      () => store.setCredential('a', { type: 'magic' } as never),
      /unknown credential type 'magic'/,
    );
  });

  test('delete removes the entry; writes leave no temporary files behind', () => {
    const store = new FileSecureStore(secDir(), { env: NO_ENV });
    for (let i = 0; i < 20; i++) store.setCredential(`c${i}`, { type: 'secure-parameter', value: `v${i}` });
    assert.equal(store.deleteCredential('c3'), true);
    assert.equal(store.deleteCredential('c3'), false);
    assert.equal(store.credential('c3'), undefined);
    assert.equal(new FileSecureStore(secDir(), { env: NO_ENV }).listCredentials().length, 19);
    assert.deepEqual(readdirSync(join(dataDir, 'security')).sort(), ['credentials.json', 'master.key']);
  });

  test('a failed write leaves the previous file intact', () => {
    const store = new FileSecureStore(secDir(), { env: NO_ENV });
    store.setCredential('a', { type: 'secure-parameter', value: 'v' });
    const before = readFileSync(securityFile('credentials.json'), 'utf8');
    // A directory where the target should be makes the final rename fail after the temp file is written.
    rmSync(securityFile('credentials.json'));
    mkdirSync(join(securityFile('credentials.json'), 'blocker'), { recursive: true });
    assert.throws(() => store.setCredential('b', { type: 'secure-parameter', value: 'w' }));
    assert.deepEqual(readdirSync(join(dataDir, 'security')).sort(), ['credentials.json', 'master.key']);
    rmSync(securityFile('credentials.json'), { recursive: true });
    writeFileSync(securityFile('credentials.json'), before);
    assert.deepEqual(new FileSecureStore(secDir(), { env: NO_ENV }).credential('a'), {
      type: 'secure-parameter',
      value: 'v',
    });
  });
});
