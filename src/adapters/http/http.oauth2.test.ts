import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Exchange } from '../../engine/exchange.ts';
import { UserError } from '../../errors.ts';
import type { Credential } from '../../runtime/services.ts';
import { MemorySecureStore } from '../../security/memory-secure-store.ts';
import type { Receiver } from '../adapter.spec.ts';
import { createReceiver, testServices } from './context.fixture.ts';
import { httpReceiver } from './http.spec.ts';
import { TestServer } from './test-server.fixture.ts';

/** One server plays both the token endpoint (/token) and the API (/api) that checks the token. */
const server = new TestServer();
const open: Receiver[] = [];
let issued = 0;
let expiresIn: number | undefined = 3600;
let accepted = new Set<string>();
let rejectNext = 0;

before(() => server.start());
after(async () => {
  await Promise.all(open.map((r) => r.close?.()));
  await server.stop();
});
beforeEach(() => {
  issued = 0;
  expiresIn = 3600;
  accepted = new Set();
  rejectNext = 0;
  server.reset((req, res, body) => {
    if (req.url === '/token') {
      const token = `t${++issued}`;
      accepted.add(`Bearer ${token}`);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          access_token: token,
          token_type: 'Bearer',
          expires_in: expiresIn,
          form: body.toString(),
        }),
      );
      return;
    }
    const ok = accepted.has(String(req.headers.authorization)) && rejectNext-- <= 0;
    res.statusCode = ok ? 200 : 401;
    res.end(ok ? `hello ${req.headers.authorization}` : 'token refused');
  });
});

function receiver(
  credential: Partial<Extract<Credential, { type: 'oauth2-client-credentials' }>> = {},
): Receiver {
  const store = new MemorySecureStore({
    credentials: {
      api: {
        type: 'oauth2-client-credentials',
        tokenUrl: `${server.url}/token`,
        clientId: 'client',
        clientSecret: 'secret',
        ...credential,
      },
    },
  });
  const { receiver, problems } = createReceiver(
    httpReceiver,
    { address: `${server.url}/api`, authentication: 'oauth2-client-credentials', credential: 'api' },
    testServices({ secureStore: store }),
  );
  assert.deepEqual(problems, []);
  open.push(receiver);
  return receiver;
}

const tokenRequests = () => server.requests.filter((r) => r.url === '/token');

describe('HTTP receiver: OAuth2 client credentials', () => {
  it('fetches a token once and sends it on every call', async () => {
    const r = receiver();
    for (let i = 0; i < 3; i++) {
      const ex = new Exchange({ body: 'x' });
      await r.call(ex, 'request-reply');
      assert.equal(ex.message.body.text(), 'hello Bearer t1');
    }
    const [tokenCall] = tokenRequests();
    assert.equal(tokenRequests().length, 1);
    assert.equal(tokenCall.method, 'POST');
    assert.equal(new URLSearchParams(tokenCall.body.toString()).get('grant_type'), 'client_credentials');
    assert.equal(tokenCall.headers.authorization, `Basic ${Buffer.from('client:secret').toString('base64')}`);
  });

  it('sends client id and secret in the body when the credential says so', async () => {
    await receiver({ clientAuthentication: 'body', scope: 'read' }).call(new Exchange(), 'request-reply');
    const form = new URLSearchParams(tokenRequests()[0].body.toString());
    assert.equal(form.get('client_id'), 'client');
    assert.equal(form.get('client_secret'), 'secret');
    assert.equal(form.get('scope'), 'read');
    assert.equal(tokenRequests()[0].headers.authorization, undefined);
  });

  it('fetches a new token once when the API answers 401, then succeeds', async () => {
    const r = receiver();
    await r.call(new Exchange(), 'request-reply');
    accepted.clear(); // the API forgets t1, as after a key rotation
    const ex = new Exchange();
    await r.call(ex, 'request-reply');
    assert.equal(ex.message.body.text(), 'hello Bearer t2');
    assert.equal(tokenRequests().length, 2);
  });

  it('gives up after one renewal and reports the 401', async () => {
    const r = receiver();
    rejectNext = 10;
    await assert.rejects(
      r.call(new Exchange(), 'request-reply'),
      (e: unknown) => e instanceof UserError && /answered 401 Unauthorized: token refused/.test(e.message),
    );
    assert.equal(tokenRequests().length, 2);
    assert.equal(server.requests.filter((q) => q.url === '/api').length, 2);
  });

  it('renews an expired token before calling', async () => {
    expiresIn = 1; // renewed 0.1 s early
    const r = receiver();
    await r.call(new Exchange(), 'request-reply');
    await new Promise((resolve) => setTimeout(resolve, 950));
    const ex = new Exchange();
    await r.call(ex, 'request-reply');
    assert.equal(ex.message.body.text(), 'hello Bearer t2');
    assert.equal(tokenRequests().length, 2);
    assert.equal(server.requests.filter((q) => q.url === '/api').length, 2, 'no 401 round trip was needed');
  });

  it('reports a refused client as a credential error with a hint', async () => {
    server.handle = (_req, res) => {
      res.statusCode = 401;
      res.end('{"error":"invalid_client"}');
    };
    await assert.rejects(
      receiver().call(new Exchange(), 'request-reply'),
      (e: unknown) =>
        e instanceof UserError &&
        e.code === 'CW_ERR_CREDENTIAL' &&
        /invalid_client/.test(e.message) &&
        /causeway credentials set api/.test(e.hint ?? ''),
    );
  });
});
