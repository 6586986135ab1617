import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UserError } from '../errors.ts';
import { HttpServer, parseAddress } from './http-server.ts';
import type { HttpHandler } from './services.ts';

/** A handler that answers with its name and the matched rest, so tests see which route ran. */
const answer =
  (name: string): HttpHandler =>
  (_req, res, rest) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ name, rest }));
  };

describe('HttpServer', () => {
  const server = new HttpServer();
  let base = '';
  before(async () => {
    await server.listen(0);
    base = server.baseUrl();
  });
  after(() => server.close());

  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(base + path, init);
    return { status: res.status, headers: res.headers, body: await res.json() };
  };

  test('listens on a free port and reports its base url', () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('GET /health is UP', async () => {
    const res = await get('/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'UP' });
  });

  test('an unknown path is a 404 with a JSON error and code', async () => {
    const res = await get('/http/nothing-here?x=1');
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'CW_ERR_HTTP_NOT_FOUND');
    assert.match(res.body.error, /\/http\/nothing-here/);
    assert.doesNotMatch(res.body.error, /x=1/);
  });

  test('exact addresses match case-insensitively, with or without a trailing slash', async () => {
    const off = server.register('/Orders', 'flow-a', answer('a'));
    try {
      assert.deepEqual((await get('/http/orders')).body, { name: 'a', rest: '' });
      assert.deepEqual((await get('/http/ORDERS/?q=1')).body, { name: 'a', rest: '' });
      assert.equal((await get('/http/orders/x')).status, 404);
      assert.equal((await get('/orders')).status, 404);
    } finally {
      off();
    }
    assert.equal((await get('/http/orders')).status, 404);
  });

  test('an address without a leading slash is the same address', async () => {
    const off = server.register('noslash', 'flow-a', answer('a'));
    try {
      assert.equal((await get('/http/noslash')).status, 200);
    } finally {
      off();
    }
  });

  test('wildcards match any suffix, longest prefix first, and keep the casing of the rest', async () => {
    const offs = [
      server.register('/api/*', 'flow-a', answer('api')),
      server.register('/api/v2/*', 'flow-b', answer('v2')),
      server.register('/api/v2/exact', 'flow-c', answer('exact')),
    ];
    try {
      assert.deepEqual((await get('/http/api/Items/42')).body, { name: 'api', rest: 'Items/42' });
      assert.deepEqual((await get('/http/API/v2/Items%20X')).body, { name: 'v2', rest: 'Items X' });
      assert.deepEqual((await get('/http/api/v2/exact')).body, { name: 'exact', rest: '' });
      assert.deepEqual((await get('/http/api')).body, { name: 'api', rest: '' });
      assert.equal((await get('/http/apiary')).status, 404);
    } finally {
      for (const off of offs) off();
    }
    assert.equal((await get('/http/api/x')).status, 404);
  });

  test('an address held by another flow is refused with a hint', () => {
    const off = server.register('/taken', 'flow-a', answer('a'));
    try {
      assert.throws(
        () => server.register('/TAKEN', 'flow-b', answer('b')),
        (error: unknown) =>
          error instanceof UserError &&
          error.code === 'CW_ERR_HTTP_ADDRESS_IN_USE' &&
          /flow-a/.test(error.message) &&
          /undeploy 'flow-a'/.test(error.hint ?? ''),
      );
      const offWild = server.register('/taken2/*', 'flow-a', answer('a'));
      assert.throws(() => server.register('/taken2/*', 'flow-b', answer('b')), /already does/);
      offWild();
    } finally {
      off();
    }
  });

  test('registering again for the same flow replaces the handler; the old unregister is then harmless', async () => {
    const offOld = server.register('/reload', 'flow-a', answer('v1'));
    const offOldWild = server.register('/reload-w/*', 'flow-a', answer('w1'));
    assert.equal((await get('/http/reload')).body.name, 'v1');
    const offNew = server.register('/reload', 'flow-a', answer('v2'));
    const offNewWild = server.register('/reload-w/*', 'flow-a', answer('w2'));
    offOld();
    offOldWild();
    assert.equal((await get('/http/reload')).body.name, 'v2');
    assert.equal((await get('/http/reload-w/x')).body.name, 'w2');
    offNew();
    offNewWild();
    assert.equal((await get('/http/reload')).status, 404);
    assert.equal((await get('/http/reload-w/x')).status, 404);
  });

  test('unregistering while a request is in flight lets that request finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const off = server.register('/slow', 'flow-a', (_req, res) => {
      gate.then(() => res.end('done'));
    });
    const pending = fetch(`${base}/http/slow`);
    await new Promise((r) => setTimeout(r, 50));
    off();
    release();
    const res = await pending;
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'done');
    assert.equal((await get('/http/slow')).status, 404);
  });

  test('a handler that throws gives a 500, not a hanging request', async () => {
    const off = server.register('/broken', 'flow-a', () => {
      throw new Error('bug');
    });
    try {
      const res = await get('/http/broken');
      assert.equal(res.status, 500);
      assert.equal(res.body.code, 'CW_ERR_UNEXPECTED');
    } finally {
      off();
    }
  });

  test('invalid addresses are refused', () => {
    for (const bad of ['', '/', '/*', 'http://x/y', '/a/*/b', '/a/../b', '/a b', '/a?x=1', '/a//b']) {
      assert.equal(typeof parseAddress(bad), 'string', bad);
      assert.throws(() => server.register(bad, 'f', answer('x')), UserError, bad);
    }
    assert.deepEqual(parseAddress('/A/B/*'), { path: '/a/b', wildcard: true });
    assert.deepEqual(parseAddress('a/'), { path: '/a', wildcard: false });
  });
});

test('close() also closes idle keep-alive connections', async () => {
  const server = new HttpServer();
  const port = await server.listen(0);
  server.register('/x', 'f', (_req, res) => res.end('ok'));
  const res = await fetch(`http://127.0.0.1:${port}/http/x`);
  assert.equal(await res.text(), 'ok');
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 2000, 'close waited for the keep-alive timeout');
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
});

test('listen() rejects when the port is taken', async () => {
  const first = new HttpServer();
  const port = await first.listen(0);
  const second = new HttpServer();
  try {
    await assert.rejects(second.listen(port), /EADDRINUSE/);
  } finally {
    await first.close();
  }
});
