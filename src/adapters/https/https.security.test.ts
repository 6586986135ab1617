import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemorySecureStore } from '../../security/memory-secure-store.ts';
import { startEndpoint } from './https.fixture.ts';

const store = new MemorySecureStore({
  users: {
    alice: { password: 'pw-alice' },
    bob: { password: 'pw-bob', roles: ['Other.role'] },
    carol: { password: 'pw:with:colons', roles: ['Orders.write', 'ESBMessaging.send'] },
  },
});
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

test('basic: no or wrong credentials get 401 with WWW-Authenticate; the flow never runs', async (t) => {
  const ep = await startEndpoint({ address: '/secure', authentication: 'basic' }, () => {}, store);
  t.after(() => ep.close());
  for (const headers of [
    {},
    basic('alice', 'wrong'),
    basic('nobody', 'pw-alice'),
    { authorization: 'Bearer abc' },
    { authorization: 'Basic !!!' },
  ]) {
    const res = await fetch(ep.url(), { method: 'POST', body: 'x', headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="Causeway"/);
    assert.equal((await res.json()).code, 'CW_ERR_HTTP_UNAUTHORIZED');
  }
  assert.equal(ep.exchanges.length, 0);
});

test('basic: a user without the role gets 403; with it the flow sees SapAuthenticatedUserName', async (t) => {
  const ep = await startEndpoint({ address: '/secure', authentication: 'basic' }, () => {}, store);
  t.after(() => ep.close());
  const denied = await fetch(ep.url(), { method: 'POST', body: 'x', headers: basic('bob', 'pw-bob') });
  assert.equal(denied.status, 403);
  assert.match((await denied.json()).error, /bob.*ESBMessaging\.send/);
  const ok = await fetch(ep.url(), { method: 'POST', body: 'x', headers: basic('alice', 'pw-alice') });
  assert.equal(ok.status, 200);
  assert.equal(ep.exchanges[0].message.headers.get('SapAuthenticatedUserName'), 'alice');
  assert.equal(
    ep.exchanges[0].message.headers.get('authorization'),
    undefined,
    'credentials do not enter the message',
  );
});

test('basic with a custom userRole; a password may contain colons', async (t) => {
  const ep = await startEndpoint(
    { address: '/orders', authentication: 'basic', userRole: 'Orders.write' },
    () => {},
    store,
  );
  t.after(() => ep.close());
  assert.equal((await fetch(ep.url(), { headers: basic('alice', 'pw-alice') })).status, 403);
  assert.equal((await fetch(ep.url(), { headers: basic('carol', 'pw:with:colons') })).status, 200);
});

test('csrf: fetch a token with GET, then modifying requests need it', async (t) => {
  const ep = await startEndpoint({ address: '/csrf', csrfProtection: true, methods: ['POST'] });
  t.after(() => ep.close());
  const fetched = await fetch(ep.url(), { headers: { 'X-CSRF-Token': 'Fetch' } });
  assert.equal(fetched.status, 200, 'the token fetch is answered even though only POST runs the flow');
  const token = fetched.headers.get('x-csrf-token');
  assert.ok(token && token.length > 20);
  assert.equal(ep.exchanges.length, 0, 'fetching a token does not run the flow');

  const attempts: Array<Record<string, string>> = [
    {},
    { 'X-CSRF-Token': 'wrong' },
    { 'X-CSRF-Token': `${token}x` },
  ];
  for (const headers of attempts) {
    const res = await fetch(ep.url(), { method: 'POST', body: 'x', headers });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-csrf-token'), 'Required');
    assert.equal((await res.json()).code, 'CW_ERR_HTTP_CSRF');
  }
  const ok = await fetch(ep.url(), { method: 'POST', body: 'x', headers: { 'X-CSRF-Token': token } });
  assert.equal(ok.status, 200);
  assert.equal(ep.exchanges.length, 1);
});

test('csrf tokens are bound to the user', async (t) => {
  const ep = await startEndpoint(
    { address: '/csrf', csrfProtection: true, authentication: 'basic', userRole: 'ESBMessaging.send' },
    () => {},
    store,
  );
  t.after(() => ep.close());
  const tokenOf = async (user: string, password: string) =>
    (
      await fetch(ep.url(), {
        method: 'HEAD',
        headers: { ...basic(user, password), 'X-CSRF-Token': 'fetch' },
      })
    ).headers.get('x-csrf-token')!;
  const alice = await tokenOf('alice', 'pw-alice');
  const carol = await tokenOf('carol', 'pw:with:colons');
  assert.notEqual(alice, carol);
  const post = (user: string, password: string, token: string) =>
    fetch(ep.url(), {
      method: 'POST',
      body: 'x',
      headers: { ...basic(user, password), 'X-CSRF-Token': token },
    });
  assert.equal((await post('carol', 'pw:with:colons', alice)).status, 403);
  assert.equal((await post('alice', 'pw-alice', alice)).status, 200);
  // Without credentials the token fetch itself is refused.
  assert.equal((await fetch(ep.url(), { headers: { 'X-CSRF-Token': 'Fetch' } })).status, 401);
});

test('csrf off (the default): a POST needs no token and a fetch header is ignored', async (t) => {
  const ep = await startEndpoint({ address: '/open' });
  t.after(() => ep.close());
  assert.equal((await fetch(ep.url(), { method: 'POST', body: 'x' })).status, 200);
  const res = await fetch(ep.url(), { headers: { 'X-CSRF-Token': 'Fetch' } });
  assert.equal(res.headers.get('x-csrf-token'), null);
  assert.equal(ep.exchanges.length, 2);
});
