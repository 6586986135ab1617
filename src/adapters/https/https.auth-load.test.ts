import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sendJson } from '../../runtime/http-server.ts';
import { CheckQueue } from '../../security/check-queue.ts';
import { FileSecureStore } from '../../security/secure-store.ts';
import { startEndpoint } from './https.fixture.ts';

// Real scrypt (~40 ms a check): these tests are about what the event loop does while it runs.
const dataDir = mkdtempSync(join(tmpdir(), 'causeway-https-auth-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const USERS = ['alice', 'bob', 'carol', 'dave'];
function newStore(name: string, checks?: CheckQueue): FileSecureStore {
  const store = new FileSecureStore(join(dataDir, name), { env: {}, checks });
  for (const user of USERS) store.setUser(user, `pw-${user}`);
  return store;
}
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

test('the event loop keeps serving while 20 wrong passwords are being hashed', async (t) => {
  const ep = await startEndpoint({ address: '/secure', authentication: 'basic' }, () => {}, newStore('loop'));
  t.after(() => ep.close());
  ep.server.register('/ping', 'other-flow', (_req, res) => sendJson(res, 200, { ok: true }));
  // Warm up both paths first: the first request of a process compiles code and opens connections.
  await (await fetch(`${ep.server.baseUrl()}/http/ping`)).arrayBuffer();
  await (
    await fetch(ep.url(), { method: 'POST', body: 'x', headers: basic('alice', 'warm-up') })
  ).arrayBuffer();
  // Counts the event loop's turns while the checks run. Hashing on the loop holds each turn for a whole
  // check (~40 ms), so 20 checks would pass in at most a few dozen turns; off the loop it spins freely.
  let turns = 0;
  let counting = true;
  const spin = () => {
    turns++;
    if (counting) setImmediate(spin);
  };
  setImmediate(spin);
  let settled = 0;
  const attacks = Array.from({ length: 20 }, (_, i) =>
    fetch(ep.url(), { method: 'POST', body: 'x', headers: basic(USERS[i % 4], `guess-${i}`) }).then(
      async (res) => {
        settled++;
        await res.arrayBuffer();
        return res.status;
      },
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${ep.server.baseUrl()}/http/ping`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  }
  assert.ok(settled < 20, `the pings ran while checks were pending (${settled} of 20 done)`);
  assert.deepEqual(await Promise.all(attacks), Array(20).fill(401));
  counting = false;
  assert.ok(turns > 400, `the event loop turned ${turns} times during 20 checks: it was held by them`);
  assert.equal(ep.exchanges.length, 0);
});

test('beyond the queue, checks are refused with 503 and Retry-After; verified clients pass meanwhile', async (t) => {
  const store = newStore('busy', new CheckQueue({ inFlight: 1, queued: 2, perUser: 100 }));
  const ep = await startEndpoint({ address: '/secure', authentication: 'basic' }, () => {}, store);
  t.after(() => ep.close());
  const first = await fetch(ep.url(), { method: 'POST', body: 'x', headers: basic('alice', 'pw-alice') });
  assert.equal(first.status, 200, 'the first request waits for scrypt');
  const flood = Array.from({ length: 8 }, (_, i) =>
    fetch(ep.url(), { method: 'POST', body: 'x', headers: basic(`intruder${i}`, `guess-${i}`) }),
  );
  let floodAnswered = false;
  const flooded = Promise.all(flood).then((answers) => {
    floodAnswered = true;
    return answers;
  });
  const known = await fetch(ep.url(), { method: 'POST', body: 'x', headers: basic('alice', 'pw-alice') });
  assert.equal(known.status, 200);
  // Three wrong passwords are hashed one after the other; the verified one does not wait for them.
  assert.equal(floodAnswered, false, 'a verified password is answered from the cache');
  const answers = await flooded;
  assert.deepEqual(
    answers.map((r) => r.status),
    [401, 401, 401, 503, 503, 503, 503, 503],
  );
  const busy = answers[3];
  assert.equal(busy.headers.get('retry-after'), '1');
  const body = await busy.json();
  assert.equal(body.code, 'CW_ERR_AUTH_BUSY');
  assert.match(body.error, /Too many authentication attempts.*retry/);
  assert.equal(ep.exchanges.length, 2);
});

test('a client that leaves while its password is checked does not run the flow', async (t) => {
  const ep = await startEndpoint({ address: '/secure', authentication: 'basic' }, () => {}, newStore('gone'));
  t.after(() => ep.close());
  const gone = new AbortController();
  const request = fetch(ep.url(), {
    method: 'POST',
    body: 'x',
    headers: basic('bob', 'pw-bob'),
    signal: gone.signal,
  });
  setTimeout(() => gone.abort(), 5);
  await assert.rejects(request, { name: 'AbortError' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(ep.exchanges.length, 0);
  const res = await fetch(ep.url(), { method: 'POST', body: 'x', headers: basic('bob', 'pw-bob') });
  assert.equal(res.status, 200, 'the check that ran is kept for the next request');
  assert.equal(ep.exchanges.length, 1);
});
