import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { LOCK_FILE } from './folder-lock.ts';
import { FileSecureStore } from './secure-store.ts';

const STORE = new URL('./secure-store.ts', import.meta.url).pathname;
let dir = '';
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'causeway-lock-')), 'security');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

/** A separate process that opens the store once and then adds `count` users and a credential each. */
function addFromAnotherProcess(prefix: string, count: number): Promise<number | null> {
  const script = `
    import { FileSecureStore } from ${JSON.stringify(STORE)};
    const store = new FileSecureStore(${JSON.stringify(dir)}, { env: {} });
    for (let i = 0; i < ${count}; i++) {
      store.setUser('${prefix}' + i, 'pw');
      store.setCredential('${prefix}-cred' + i, { type: 'secure-parameter', value: 's' + i });
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', resolve));
}

describe('FileSecureStore changed by two processes at once', () => {
  test('keeps every change of both', async () => {
    const codes = await Promise.all([addFromAnotherProcess('a', 8), addFromAnotherProcess('b', 8)]);
    assert.deepEqual(codes, [0, 0]);
    const store = new FileSecureStore(dir, { env: {} });
    assert.equal(store.listUsers().length, 16);
    assert.equal(store.listCredentials().length, 16);
    assert.deepEqual(store.credential('b-cred7'), { type: 'secure-parameter', value: 's7' });
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  });

  test('takes over a lock left by a process that died', () => {
    mkdirSync(dir, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout;
    writeFileSync(join(dir, LOCK_FILE), dead);
    const store = new FileSecureStore(dir, { env: {} });
    assert.equal(store.setUser('carol', 'pw'), 'added');
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  });
});
