// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests use Simple templates
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { UserError } from '../../errors.ts';
import { MemorySecureStore } from '../../security/memory-secure-store.ts';
import { createReceiver, testServices } from './context.fixture.ts';
import { httpReceiver } from './http.spec.ts';
import { receiverTestBench } from './receiver-bench.fixture.ts';

const { server, receiver, exchange } = receiverTestBench();

describe('HTTP receiver: request and answer', () => {
  it('POSTs the body and takes the answer as body, headers and CamelHttpResponseCode', async () => {
    server.handle = (_req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-trace', 'abc');
      res.statusCode = 201;
      res.end(JSON.stringify({ got: body.toString() }));
    };
    const ex = exchange({ body: 'hello', headers: { keep: 'me' } });
    await receiver({ address: `${server.url}/orders` }).call(ex, 'request-reply');
    assert.equal(server.requests[0].method, 'POST');
    assert.equal(server.requests[0].url, '/orders');
    assert.equal(server.requests[0].body.toString(), 'hello');
    assert.deepEqual(ex.message.body.json(), { got: 'hello' });
    assert.equal(ex.message.headers.get('Content-Type'), 'application/json');
    assert.equal(ex.message.headers.get('x-trace'), 'abc');
    assert.equal(ex.message.headers.get('keep'), 'me');
    assert.equal(ex.message.headers.get('CamelHttpResponseCode'), 201);
    assert.equal(ex.message.headers.has('content-length'), false);
    assert.equal(ex.log.receivers.length, 1);
    const call = ex.log.receivers[0];
    assert.equal(call.url, `${server.url}/orders`);
    assert.equal(call.status, 201);
    assert.equal(call.adapter, 'http');
    assert.equal(call.receiver, 'backend');
    assert.ok(call.durationMs >= 0 && call.error === undefined);
  });

  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD']) {
    it(`sends ${method}`, async () => {
      server.handle = (req, res) => res.end(req.method === 'HEAD' ? undefined : `did ${req.method}`);
      const ex = exchange({ body: 'payload' });
      await receiver({ address: `${server.url}/m`, method }).call(ex, 'request-reply');
      assert.equal(server.requests[0].method, method);
      const expectBody = method === 'GET' || method === 'HEAD' ? '' : 'payload';
      assert.equal(server.requests[0].body.toString(), expectBody);
      assert.equal(ex.message.body.text(), method === 'HEAD' ? '' : `did ${method}`);
    });
  }

  it('resolves a dynamic address and query per message and records the real URL', async () => {
    const r = receiver({
      address: `${server.url}/\${header.resource}`,
      query: 'id=${property.id}&x=1',
      method: 'GET',
    });
    const ex = exchange({ headers: { resource: 'customers' }, properties: { id: 42 } });
    await r.call(ex, 'request-reply');
    assert.equal(server.requests[0].url, '/customers?id=42&x=1');
    assert.equal(ex.log.receivers[0].url, `${server.url}/customers?id=42&x=1`);
    const other = exchange({ headers: { resource: 'orders' }, properties: { id: 7 } });
    await r.call(other, 'request-reply');
    assert.equal(server.requests[1].url, '/orders?id=7&x=1');
  });

  it('appends a static query with & when the address already has one', async () => {
    const ex = exchange();
    await receiver({ address: `${server.url}/a?x=1`, query: 'y=2', method: 'GET' }).call(ex, 'request-reply');
    assert.equal(server.requests[0].url, '/a?x=1&y=2');
  });

  it('lets the header CamelHttpUri replace the address', async () => {
    const ex = exchange({ headers: { CamelHttpUri: `${server.url}/override` } });
    await receiver({ address: 'http://127.0.0.1:1/never' }).call(ex, 'request-reply');
    assert.equal(server.requests[0].url, '/override');
    assert.equal(ex.log.receivers[0].url, `${server.url}/override`);
  });

  it('rejects an address that resolves to no absolute URL, naming the receiver', async () => {
    const ex = exchange({ headers: { target: 'not a url' } });
    await assert.rejects(
      receiver({ address: '${header.target}' }).call(ex, 'request-reply'),
      (e: unknown) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, /Receiver 'backend'.*'not a url' is not an absolute http\(s\) URL/);
        assert.ok(e.hint);
        return true;
      },
    );
    assert.match(ex.log.receivers[0].error ?? '', /not an absolute/);
  });

  it('takes a dynamic method from CamelHttpMethod by default, or from methodExpression', async () => {
    const ex = exchange({ headers: { CamelHttpMethod: 'put' } });
    await receiver({ address: `${server.url}/d`, method: 'dynamic' }).call(ex, 'request-reply');
    assert.equal(server.requests[0].method, 'PUT');
    const ex2 = exchange({ properties: { verb: 'DELETE' } });
    await receiver({
      address: `${server.url}/d`,
      method: 'dynamic',
      methodExpression: '${property.verb}',
    }).call(ex2, 'request-reply');
    assert.equal(server.requests[1].method, 'DELETE');
  });

  it('rejects a dynamic method outside the supported ones', async () => {
    const ex = exchange({ headers: { CamelHttpMethod: 'TRACE' } });
    await assert.rejects(
      receiver({ address: `${server.url}/d`, method: 'dynamic' }).call(ex, 'request-reply'),
      (e: unknown) =>
        e instanceof UserError && /gave 'TRACE'/.test(e.message) && /POST, GET/.test(e.hint ?? ''),
    );
    assert.equal(server.requests.length, 0);
  });

  it('leaves the message unchanged on Send', async () => {
    server.handle = (_req, res) => {
      res.setHeader('x-answer', '1');
      res.end('reply');
    };
    const ex = exchange({ body: 'original' });
    await receiver({ address: `${server.url}/s` }).call(ex, 'send');
    assert.equal(server.requests[0].body.toString(), 'original');
    assert.equal(ex.message.body.text(), 'original');
    assert.equal(ex.message.headers.has('x-answer'), false);
    assert.equal(ex.message.headers.has('CamelHttpResponseCode'), false);
    assert.equal(ex.log.receivers[0].status, 200);
  });

  it('sends a JSON body set from data as its JSON text', async () => {
    const ex = exchange({ body: { a: 1 }, headers: { 'Content-Type': 'application/json' } });
    await receiver({ address: `${server.url}/j` }).call(ex, 'request-reply');
    assert.equal(server.requests[0].body.toString(), '{"a":1}');
    assert.equal(server.requests[0].headers['content-type'], 'application/json');
  });

  it('reuses keep-alive connections across calls', async () => {
    const ports = new Set<number>();
    server.handle = (req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end('ok');
    };
    const r = receiver({ address: `${server.url}/k` });
    for (let i = 0; i < 10; i++) await r.call(exchange({ body: String(i) }), 'request-reply');
    // undici may open a second socket while the first finishes its response; both are then reused.
    assert.ok(ports.size <= 2, `${ports.size} connections for 10 sequential calls`);
  });
});

describe('HTTP receiver: headers', () => {
  const headers = {
    'Content-Type': 'text/plain',
    'X-One': '1',
    'X-Two': 2,
    CamelHttpUri: undefined,
    CamelHttpMethod: 'GET',
    Authorization: 'Bearer caller-token',
    host: 'evil.example',
    doc: { parsed: true },
  };

  it('sends no message headers by default, but always Content-Type', async () => {
    await receiver({ address: `${server.url}/h` }).call(exchange({ headers }), 'request-reply');
    const seen = server.requests[0].headers;
    assert.equal(seen['content-type'], 'text/plain');
    assert.equal(seen['x-one'], undefined);
    assert.equal(seen.authorization, undefined);
  });

  it('sends the listed headers (YAML list or pipe list)', async () => {
    await receiver({ address: `${server.url}/h`, requestHeaders: ['X-One'] }).call(
      exchange({ headers }),
      'request-reply',
    );
    await receiver({ address: `${server.url}/h`, requestHeaders: 'x-one|X-Two' }).call(
      exchange({ headers }),
      'request-reply',
    );
    assert.equal(server.requests[0].headers['x-one'], '1');
    assert.equal(server.requests[0].headers['x-two'], undefined);
    assert.equal(server.requests[1].headers['x-one'], '1');
    assert.equal(server.requests[1].headers['x-two'], '2');
  });

  it('with *, sends all but Camel*, hop-by-hop and non-text headers', async () => {
    await receiver({ address: `${server.url}/h`, requestHeaders: '*' }).call(
      exchange({ headers }),
      'request-reply',
    );
    const seen = server.requests[0].headers;
    assert.equal(seen['x-one'], '1');
    assert.equal(seen['x-two'], '2');
    assert.equal(seen.authorization, 'Bearer caller-token');
    assert.equal(seen.camelhttpmethod, undefined);
    assert.equal(seen.doc, undefined);
    assert.notEqual(seen.host, 'evil.example');
  });

  it('keeps only the listed answer headers', async () => {
    server.handle = (_req, res) => {
      res.setHeader('x-keep', 'k');
      res.setHeader('x-drop', 'd');
      res.end('ok');
    };
    const ex = exchange();
    await receiver({ address: `${server.url}/h`, responseHeaders: ['X-Keep'] }).call(ex, 'request-reply');
    assert.equal(ex.message.headers.get('x-keep'), 'k');
    assert.equal(ex.message.headers.has('x-drop'), false);
    assert.equal(ex.message.headers.get('CamelHttpResponseCode'), 200);
  });
});

describe('HTTP receiver: streaming', () => {
  it('streams a large request body through without a content-length', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 97);
    const total = 24;
    server.bufferBodies = false;
    server.handle = async (req, res) => {
      let size = 0;
      for await (const c of req) size += (c as Buffer).length;
      res.end(String(size));
    };
    let produced = 0;
    const body = new Readable({
      read() {
        this.push(produced++ < total ? chunk : null);
      },
    });
    const ex = exchange({ body });
    await receiver({ address: `${server.url}/upload` }).call(ex, 'request-reply');
    assert.equal(ex.message.body.text(), String(total * chunk.length));
    assert.equal(server.requests[0].headers['content-length'], undefined);
    assert.equal(server.requests[0].headers['transfer-encoding'], 'chunked');
  });

  it('keeps the answer a stream with streaming: true', async () => {
    server.handle = (_req, res) => res.end('streamed answer');
    const ex = exchange();
    await receiver({ address: `${server.url}/s`, streaming: true }).call(ex, 'request-reply');
    assert.equal(ex.message.body.isStream, true);
    await ex.message.body.materialize();
    assert.equal(ex.message.body.text(), 'streamed answer');
  });

  it('reads a streamed body first on Send, so the flow can still use it', async () => {
    const ex = exchange({ body: Readable.from([Buffer.from('kept')]) });
    await receiver({ address: `${server.url}/s` }).call(ex, 'send');
    assert.equal(server.requests[0].body.toString(), 'kept');
    assert.equal(ex.message.body.text(), 'kept');
  });
});

describe('HTTP receiver: Basic authentication', () => {
  const services = () =>
    testServices({
      secureStore: new MemorySecureStore({
        credentials: {
          backend: { type: 'basic', user: 'alice', password: 's3cret:x' },
          param: { type: 'secure-parameter', value: 'v' },
        },
      }),
    });

  it('sends the credential as a Basic header, replacing a caller Authorization', async () => {
    const r = receiver(
      { address: `${server.url}/b`, authentication: 'basic', credential: 'backend', requestHeaders: '*' },
      services(),
    );
    await r.call(exchange({ headers: { Authorization: 'Bearer caller' } }), 'request-reply');
    const expected = `Basic ${Buffer.from('alice:s3cret:x').toString('base64')}`;
    assert.equal(server.requests[0].headers.authorization, expected);
  });

  it('fails with CW_ERR_CREDENTIAL when the credential is missing or of the wrong type', async () => {
    const missing = receiver(
      { address: `${server.url}/b`, authentication: 'basic', credential: 'nope' },
      services(),
    );
    await assert.rejects(missing.call(exchange(), 'request-reply'), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.code, 'CW_ERR_CREDENTIAL');
      assert.match(e.message, /credential 'nope' does not exist/);
      assert.match(e.hint ?? '', /causeway credentials set nope/);
      return true;
    });
    const wrong = receiver(
      { address: `${server.url}/b`, authentication: 'basic', credential: 'param' },
      services(),
    );
    await assert.rejects(
      wrong.call(exchange(), 'request-reply'),
      (e: unknown) =>
        e instanceof UserError &&
        /of type 'secure-parameter'/.test(e.message) &&
        /causeway credentials set/.test(e.hint ?? ''),
    );
    assert.equal(server.requests.length, 0);
  });

  it('looks up a dynamic credential name per message', async () => {
    const r = receiver(
      { address: `${server.url}/b`, authentication: 'basic', credential: '${header.partner}' },
      services(),
    );
    await r.call(exchange({ headers: { partner: 'backend' } }), 'request-reply');
    assert.match(String(server.requests[0].headers.authorization), /^Basic /);
  });
});

describe('HTTP receiver: compile-time checks', () => {
  const problems = (options: Record<string, unknown>) =>
    createReceiver(httpReceiver, options).problems.map((p) => `${p.path.join('.')}: ${p.message}`);

  it('reports a relative or malformed address', () => {
    assert.deepEqual(problems({ address: '/orders' }), [
      "receivers.backend.address: '/orders' is not an absolute http(s) URL",
    ]);
    assert.equal(problems({ address: 'http://exa mple.com/x' }).length, 1);
    assert.deepEqual(problems({ address: 'http://${header.host}/x' }), []);
  });

  it('reports authentication without a credential and options that do not fit the method', () => {
    assert.match(problems({ address: 'http://a/b', authentication: 'basic' })[0], /needs a credential/);
    assert.match(problems({ address: 'http://a/b', credential: 'c' })[0], /only used with authentication/);
    assert.match(
      problems({ address: 'http://a/b', methodExpression: '${header.m}' })[0],
      /only used with method 'dynamic'/,
    );
  });
});
