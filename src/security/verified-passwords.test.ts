import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VerifiedPasswords } from './verified-passwords.ts';

test('keys differ for every split of the same text and between processes', () => {
  const cache = new VerifiedPasswords();
  assert.notEqual(cache.key('a\0b', 'c'), cache.key('a', 'b\0c'));
  assert.notEqual(cache.key('ab', 'c'), cache.key('a', 'bc'));
  assert.equal(cache.key('alice', 'pw'), cache.key('alice', 'pw'));
  assert.notEqual(cache.key('alice', 'pw'), new VerifiedPasswords().key('alice', 'pw'));
  assert.doesNotMatch(cache.key('alice', 'secret-pw'), /secret/);
});

test('one good password per user; wrong ones per pair; forget drops only that user', () => {
  const cache = new VerifiedPasswords();
  const k = (user: string, password: string) => cache.key(user, password);
  cache.remember('alice', k('alice', 'right'), true);
  cache.remember('alice', k('alice', 'wrong'), false);
  cache.remember('bob', k('bob', 'wrong'), false);
  assert.equal(cache.lookup('alice', k('alice', 'right')), true);
  assert.equal(cache.lookup('bob', k('alice', 'right')), undefined, 'a good key counts for its user only');
  assert.equal(cache.lookup('alice', k('alice', 'wrong')), false);
  assert.equal(cache.lookup('alice', k('alice', 'other')), undefined);
  cache.forget('alice');
  assert.equal(cache.lookup('alice', k('alice', 'right')), undefined);
  assert.equal(cache.lookup('alice', k('alice', 'wrong')), undefined);
  assert.equal(cache.lookup('bob', k('bob', 'wrong')), false);
  cache.clear();
  assert.equal(cache.lookup('bob', k('bob', 'wrong')), undefined);
});

test('wrong passwords are kept up to MAX_BAD, the oldest dropped first', () => {
  const cache = new VerifiedPasswords();
  const max = VerifiedPasswords.MAX_BAD;
  for (let i = 0; i <= max; i++) cache.remember(`user${i}`, cache.key(`user${i}`, 'x'), false);
  assert.equal(cache.lookup('user0', cache.key('user0', 'x')), undefined);
  assert.equal(cache.lookup('user1', cache.key('user1', 'x')), false);
  assert.equal(cache.lookup(`user${max}`, cache.key(`user${max}`, 'x')), false);
});
