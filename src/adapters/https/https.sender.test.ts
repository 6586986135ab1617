import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { Exchange } from '../../engine/exchange.ts';
import { OperationalError, UserError } from '../../errors.ts';
import { startEndpoint } from './https.fixture.ts';
import { httpsSender } from './https.spec.ts';

test('echoes the body and content type, with the message log id in the reply', async (t) => {
  const ep = await startEndpoint({ address: '/orders' });
  t.after(() => ep.close());
  const res = await fetch(ep.url(), {
    method: 'POST',
    body: '{"id":1}',
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.text(), '{"id":1}');
  assert.equal(res.headers.get('sap_messageprocessinglogid'), ep.exchanges[0].id);
  assert.equal(ep.exchanges[0].flowId, 'test-flow');
});

test('sets the Camel headers; query parameters become headers, but cannot forge internal ones', async (t) => {
  const ep = await startEndpoint({ address: '/api/*' });
  t.after(() => ep.close());
  const res = await fetch(
    `${ep.url('/API/Items/42')}?sap-client=100&tag=a&tag=b&CamelHttpMethod=X&SapAuthenticatedUserName=admin`,
  );
  assert.equal(res.status, 200);
  const h = ep.exchanges[0].message.headers;
  assert.equal(h.get('CamelHttpMethod'), 'GET');
  assert.equal(h.get('CamelHttpPath'), 'Items/42');
  assert.equal(h.get('CamelServletContextPath'), '/API/Items/42');
  assert.match(String(h.get('CamelHttpUrl')), /^http:\/\/127\.0\.0\.1:\d+\/http\/API\/Items\/42$/);
  assert.equal(
    h.get('CamelHttpQuery'),
    'sap-client=100&tag=a&tag=b&CamelHttpMethod=X&SapAuthenticatedUserName=admin',
  );
  assert.equal(h.get('sap-client'), '100');
  assert.deepEqual(h.get('tag'), ['a', 'b']);
  assert.equal(h.get('SapAuthenticatedUserName'), undefined);
  assert.equal(ep.exchanges[0].message.body.isStream, false, 'a GET without a body gets an empty body');
});

test('passes only allowed request headers, plus Content-Type', async (t) => {
  const ep = await startEndpoint({ address: '/h', allowedHeaders: ['X-Order-Id', 'authorization'] });
  t.after(() => ep.close());
  await fetch(ep.url(), {
    method: 'POST',
    body: 'x',
    headers: { 'x-order-id': '7', 'x-other': 'no', 'content-type': 'text/plain', authorization: 'Bearer t' },
  });
  const h = ep.exchanges[0].message.headers;
  assert.equal(h.get('X-Order-Id'), '7');
  assert.equal(h.get('content-type'), 'text/plain');
  assert.equal(h.get('Authorization'), 'Bearer t', 'listed by name, so it passes');
  assert.equal(h.get('x-other'), undefined);
  assert.equal(h.get('host'), undefined);
  assert.equal(h.get('user-agent'), undefined);
});

test("'*' passes every header but credentials and connection headers", async (t) => {
  const ep = await startEndpoint({ address: '/h', allowedHeaders: ['*'] });
  t.after(() => ep.close());
  await fetch(ep.url(), {
    headers: { 'x-a': '1', authorization: 'Basic eDp5', cookie: 'c=1', 'x-csrf-token': 't' },
  });
  const h = ep.exchanges[0].message.headers;
  assert.equal(h.get('x-a'), '1');
  assert.ok(h.get('user-agent'));
  for (const name of ['authorization', 'cookie', 'host', 'connection', 'x-csrf-token'])
    assert.equal(h.get(name), undefined, name);
});

test('reply: status from CamelHttpResponseCode, message headers except internal ones', async (t) => {
  const ep = await startEndpoint({ address: '/r', allowedHeaders: ['x-in'] }, (ex) => {
    ex.message.headers.set('CamelHttpResponseCode', '201');
    ex.message.headers.set('X-Out', 'yes');
    ex.message.headers.set('X-Count', 3);
    ex.message.headers.set('SAP_ApplicationID', 'internal');
    ex.message.headers.set('SapDataStoreId', 'internal');
    ex.message.headers.set('X-Bad', 'line\r\nbreak');
    ex.message.headers.set('X-Object', { a: 1 });
    ex.message.headers.set('Content-Type', 'application/xml');
    ex.message.setBody('<ok/>');
  });
  t.after(() => ep.close());
  const res = await fetch(ep.url(), { method: 'PUT', body: 'in', headers: { 'x-in': 'echoed' } });
  assert.equal(res.status, 201);
  assert.equal(await res.text(), '<ok/>');
  assert.equal(res.headers.get('content-type'), 'application/xml');
  assert.equal(res.headers.get('content-length'), '5');
  assert.equal(res.headers.get('x-out'), 'yes');
  assert.equal(res.headers.get('x-count'), '3');
  assert.equal(res.headers.get('x-in'), 'echoed');
  for (const name of [
    'camelhttpresponsecode',
    'camelhttpmethod',
    'sap_applicationid',
    'sapdatastoreid',
    'x-bad',
    'x-object',
  ])
    assert.equal(res.headers.get(name), null, name);
});

test('an invalid CamelHttpResponseCode falls back to 200; 204 sends no body', async (t) => {
  let code: unknown = 'abc';
  const ep = await startEndpoint({ address: '/c' }, (ex) => {
    ex.message.headers.set('CamelHttpResponseCode', code);
    ex.message.setBody('body');
  });
  t.after(() => ep.close());
  assert.equal((await fetch(ep.url())).status, 200);
  code = 204;
  const res = await fetch(ep.url());
  assert.equal(res.status, 204);
  assert.equal(await res.text(), '');
});

test('a body the flow set as a stream is piped to the caller', async (t) => {
  const ep = await startEndpoint({ address: '/s' }, (ex) => {
    ex.message.setBody(Readable.from(['a', 'b', 'c'].map((s) => Buffer.from(s))));
  });
  t.after(() => ep.close());
  const res = await fetch(ep.url());
  assert.equal(await res.text(), 'abc');
  assert.equal(res.headers.get('transfer-encoding'), 'chunked');
});

test('methods: others get 405 with Allow; GET also allows HEAD', async (t) => {
  const ep = await startEndpoint({ address: '/m', methods: ['GET', 'POST'] }, (ex) =>
    ex.message.setBody('hello'),
  );
  t.after(() => ep.close());
  const res = await fetch(ep.url(), { method: 'DELETE' });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'GET, POST, HEAD');
  assert.equal((await res.json()).code, 'CW_ERR_HTTP_METHOD_NOT_ALLOWED');
  const head = await fetch(ep.url(), { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '5');
  assert.equal(await head.text(), '');
  assert.equal((await fetch(ep.url(), { method: 'POST', body: 'x' })).status, 200);
  assert.equal(ep.exchanges.length, 2, 'the rejected request never reached the flow');
});

test('a failed message: generic 500 by default, with the log id', async (t) => {
  const ep = await startEndpoint({ address: '/f' }, () => {
    throw new OperationalError('CW_ERR_RECEIVER', 'Backend at http://secret-host refused the connection');
  });
  t.after(() => ep.close());
  const res = await fetch(ep.url(), { method: 'POST', body: 'x' });
  assert.equal(res.status, 500);
  const id = res.headers.get('sap_messageprocessinglogid');
  assert.equal(id, ep.exchanges[0].id);
  const body = await res.json();
  assert.equal(body.code, 'CW_ERR_MESSAGE_FAILED');
  assert.equal(body.messageId, id);
  assert.doesNotMatch(JSON.stringify(body), /secret-host/);
});

test('returnExceptionToSender: the error message, code and hint in the body', async (t) => {
  const ep = await startEndpoint({ address: '/f', returnExceptionToSender: true }, () => {
    throw new UserError('CW_ERR_CONVERSION', 'The message body is not valid JSON', { hint: 'Send JSON.' });
  });
  t.after(() => ep.close());
  const res = await fetch(ep.url(), { method: 'POST', body: 'x' });
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), {
    error: 'The message body is not valid JSON',
    code: 'CW_ERR_CONVERSION',
    hint: 'Send JSON.',
    messageId: ep.exchanges[0].id,
  });
});

test('stop() removes the endpoint; describe() says what is served', async (t) => {
  const ep = await startEndpoint({ address: '/gone', methods: ['POST'], authentication: 'basic' });
  t.after(() => ep.close());
  assert.deepEqual(ep.endpoint.describe(), ['POST /http/gone (basic auth, role ESBMessaging.send)']);
  await ep.endpoint.stop();
  assert.equal((await fetch(ep.url(), { method: 'POST' })).status, 404);
});

test('create() reports a bad address and a redundant wildcard at the option', () => {
  const errors: Array<{ path: string; message: string }> = [];
  const ctx = {
    error: (path: ReadonlyArray<string | number>, message: string) =>
      errors.push({ path: path.join('.'), message }),
    newExchange: (init?: object) => new Exchange(init),
  } as never;
  const options = Value.Default(httpsSender.options, { address: 'http://x/y', allowedHeaders: ['*', 'x'] });
  httpsSender.create(options as never, ctx, ['sender']);
  assert.deepEqual(
    errors.map((e) => e.path),
    ['sender.address', 'sender.allowedHeaders'],
  );
  assert.match(errors[0].message, /relative path/);
});

test('the options schema has defaults, rejects unknown options and bad methods', () => {
  const withDefaults = Value.Default(httpsSender.options, { address: '/a' }) as Record<string, unknown>;
  assert.equal(withDefaults.csrfProtection, false);
  assert.equal(withDefaults.authentication, 'none');
  assert.equal(withDefaults.maxBodySize, 40 * 1024 * 1024);
  assert.equal(withDefaults.returnExceptionToSender, false);
  assert.equal(Value.Check(httpsSender.options, withDefaults), true);
  assert.equal(Value.Check(httpsSender.options, { ...withDefaults, adress: '/a' }), false);
  assert.equal(Value.Check(httpsSender.options, { ...withDefaults, methods: ['FETCH'] }), false);
});
