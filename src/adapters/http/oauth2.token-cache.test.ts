import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OperationalError, UserError } from '../../errors.ts';
import { type OAuth2Credential, OAuth2TokenCache, type TokenTransport } from './oauth2.token-cache.ts';

const credential: OAuth2Credential = {
  type: 'oauth2-client-credentials',
  tokenUrl: 'https://auth.example/token',
  clientId: 'my client',
  clientSecret: 's:cret',
  scope: 'orders.write',
};

interface Sent {
  url: string;
  headers: Record<string, string>;
  form: URLSearchParams;
}

function tokenServer(answers: Array<{ status: number; text: string } | Error>) {
  const sent: Sent[] = [];
  const transport: TokenTransport = async (url, headers, body) => {
    sent.push({ url, headers, form: new URLSearchParams(body) });
    const answer = answers.shift() ?? { status: 500, text: 'no more answers' };
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { sent, transport };
}

const token = (value: string, expiresIn?: number, type = 'bearer') => ({
  status: 200,
  text: JSON.stringify({ access_token: value, token_type: type, expires_in: expiresIn }),
});

describe('OAuth2 token cache', () => {
  it('fetches with client_credentials, client auth as Basic header, and reuses the token', async () => {
    const { sent, transport } = tokenServer([token('t1', 3600)]);
    const cache = new OAuth2TokenCache('backend', transport);
    assert.equal(await cache.authorization('api', credential), 'Bearer t1');
    assert.equal(await cache.authorization('api', credential), 'Bearer t1');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].url, credential.tokenUrl);
    assert.equal(sent[0].form.get('grant_type'), 'client_credentials');
    assert.equal(sent[0].form.get('scope'), 'orders.write');
    assert.equal(sent[0].form.get('client_id'), null);
    assert.equal(sent[0].headers['content-type'], 'application/x-www-form-urlencoded');
    // RFC 6749 §2.3.1: form-encoded before Basic.
    assert.equal(
      sent[0].headers.authorization,
      `Basic ${Buffer.from('my+client:s%3Acret').toString('base64')}`,
    );
  });

  it('sends id and secret in the form body when clientAuthentication is body', async () => {
    const { sent, transport } = tokenServer([token('t1')]);
    await new OAuth2TokenCache('backend', transport).authorization('api', {
      ...credential,
      clientAuthentication: 'body',
    });
    assert.equal(sent[0].headers.authorization, undefined);
    assert.equal(sent[0].form.get('client_id'), 'my client');
    assert.equal(sent[0].form.get('client_secret'), 's:cret');
  });

  it('shares one fetch between concurrent calls', async () => {
    const { sent, transport } = tokenServer([token('t1', 60)]);
    const cache = new OAuth2TokenCache('backend', transport);
    const all = await Promise.all([1, 2, 3].map(() => cache.authorization('api', credential)));
    assert.deepEqual(all, ['Bearer t1', 'Bearer t1', 'Bearer t1']);
    assert.equal(sent.length, 1);
  });

  it('renews shortly before expires_in runs out', async () => {
    let now = 1_000_000;
    const { sent, transport } = tokenServer([token('t1', 100), token('t2', 100)]);
    const cache = new OAuth2TokenCache('backend', transport, () => now);
    assert.equal(await cache.authorization('api', credential), 'Bearer t1');
    now += 89_000; // 100 s lifetime, renewed 10 s early
    assert.equal(await cache.authorization('api', credential), 'Bearer t1');
    now += 2_000;
    assert.equal(await cache.authorization('api', credential), 'Bearer t2');
    assert.equal(sent.length, 2);
  });

  it('drops a refused token only while it is still the cached one', async () => {
    const { sent, transport } = tokenServer([token('t1'), token('t2')]);
    const cache = new OAuth2TokenCache('backend', transport);
    await cache.authorization('api', credential);
    cache.invalidate(credential, 'Bearer other');
    assert.equal(await cache.authorization('api', credential), 'Bearer t1');
    cache.invalidate(credential, 'Bearer t1');
    assert.equal(await cache.authorization('api', credential), 'Bearer t2');
    assert.equal(sent.length, 2);
  });

  it('keeps a token type other than bearer as given', async () => {
    const { transport } = tokenServer([token('t1', 60, 'MAC')]);
    assert.equal(await new OAuth2TokenCache('backend', transport).authorization('api', credential), 'MAC t1');
  });

  it('reports refused client credentials as a user error naming the credential', async () => {
    const { transport } = tokenServer([{ status: 401, text: '{"error":"invalid_client"}' }]);
    await assert.rejects(
      async () => new OAuth2TokenCache('backend', transport).authorization('api', credential),
      (e: unknown) => {
        assert.ok(e instanceof UserError);
        assert.equal(e.code, 'CW_ERR_CREDENTIAL');
        assert.match(
          e.message,
          /Receiver 'backend'.*credential 'api'.*answered 401: \{"error":"invalid_client"\}/,
        );
        assert.match(e.hint ?? '', /causeway credentials set api/);
        return true;
      },
    );
  });

  it('reports an unreachable or failing token endpoint as retryable, and does not cache the failure', async () => {
    const { sent, transport } = tokenServer([
      new Error('connect ECONNREFUSED'),
      { status: 503, text: 'busy' },
      token('t1'),
    ]);
    const cache = new OAuth2TokenCache('backend', transport);
    await assert.rejects(
      async () => cache.authorization('api', credential),
      (e: unknown) => e instanceof OperationalError && /ECONNREFUSED/.test(e.message),
    );
    await assert.rejects(
      async () => cache.authorization('api', credential),
      (e: unknown) => e instanceof OperationalError && /503/.test(e.message),
    );
    assert.equal(await cache.authorization('api', credential), 'Bearer t1');
    assert.equal(sent.length, 3);
  });

  it('rejects an answer without access_token', async () => {
    const { transport } = tokenServer([{ status: 200, text: '<html>login</html>' }]);
    await assert.rejects(
      async () => new OAuth2TokenCache('backend', transport).authorization('api', credential),
      (e: unknown) =>
        e instanceof UserError && /no access_token/.test(e.message) && /token endpoint/.test(e.hint ?? ''),
    );
  });
});
