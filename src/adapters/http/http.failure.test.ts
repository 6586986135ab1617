import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { CausewayError, OperationalError, UserError } from '../../errors.ts';
import { retryAfterMs } from './http.failure.ts';
import { receiverTestBench } from './receiver-bench.fixture.ts';

const { server, receiver, exchange } = receiverTestBench();

describe('Retry-After', () => {
  it('reads delta seconds and HTTP dates, capped at 60 s', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(retryAfterMs('3', now), 3000);
    assert.equal(retryAfterMs(['0'], now), 0);
    assert.equal(retryAfterMs('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000);
    assert.equal(retryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
    assert.equal(retryAfterMs('3600', now), 60_000);
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs(undefined, now), undefined);
  });
});

describe('HTTP receiver: failures', () => {
  it('throws a retryable error for 503, with status, URL and the first KB of the answer', async () => {
    server.handle = (_req, res) => {
      res.statusCode = 503;
      res.end(`down ${'x'.repeat(5000)}`);
    };
    const ex = exchange();
    await assert.rejects(
      receiver({ address: `${server.url}/fail` }).call(ex, 'request-reply'),
      (e: unknown) => {
        assert.ok(e instanceof OperationalError);
        assert.equal(e.code, 'CW_ERR_RECEIVER_HTTP');
        assert.equal(e.retryable, true);
        assert.match(
          e.message,
          new RegExp(`POST ${server.url}/fail answered 503 Service Unavailable: down x+…$`),
        );
        assert.ok(e.message.length < 1200);
        assert.equal((e as unknown as { statusCode: number }).statusCode, 503);
        return true;
      },
    );
    assert.equal(ex.log.receivers[0].status, 503);
    assert.match(ex.log.receivers[0].error ?? '', /503/);
  });

  it('throws a user error for 404 and a retryable one for 429', async () => {
    server.handle = (req, res) => {
      res.statusCode = req.url === '/missing' ? 404 : 429;
      res.end('nope');
    };
    await assert.rejects(
      receiver({ address: `${server.url}/missing` }).call(exchange(), 'request-reply'),
      (e: unknown) =>
        e instanceof UserError &&
        /answered 404 Not Found: nope/.test(e.message) &&
        /address/.test(e.hint ?? ''),
    );
    await assert.rejects(
      receiver({ address: `${server.url}/busy` }).call(exchange(), 'send'),
      (e: unknown) => e instanceof OperationalError && /429/.test(e.message),
    );
  });

  it('with throwExceptionOnFailure false, the failed answer becomes the message', async () => {
    server.handle = (_req, res) => {
      res.statusCode = 500;
      res.setHeader('x-error', 'boom');
      res.end('internal');
    };
    const ex = exchange({ body: 'in' });
    await receiver({ address: `${server.url}/f`, throwExceptionOnFailure: false }).call(ex, 'request-reply');
    assert.equal(ex.message.body.text(), 'internal');
    assert.equal(ex.message.headers.get('CamelHttpResponseCode'), 500);
    assert.equal(ex.message.headers.get('x-error'), 'boom');
    assert.equal(ex.log.receivers[0].error, undefined);
  });

  it('times out a slow receiver with a retryable error', async () => {
    server.handle = () => {}; // never answers
    const started = Date.now();
    await assert.rejects(
      receiver({ address: `${server.url}/slow`, timeoutMs: 150 }).call(exchange(), 'request-reply'),
      (e: unknown) =>
        e instanceof OperationalError &&
        /timed out after 150 ms/.test(e.message) &&
        /timeoutMs/.test(e.hint ?? ''),
    );
    assert.ok(Date.now() - started < 2000);
  });

  it('reports a refused connection as retryable, with a hint', async () => {
    await assert.rejects(
      receiver({ address: 'http://127.0.0.1:1/x' }).call(exchange(), 'request-reply'),
      (e: unknown) =>
        e instanceof OperationalError &&
        /ECONNREFUSED/.test(e.message) &&
        /onConnectionError/.test(e.hint ?? ''),
    );
  });

  it('refuses calls after close()', async () => {
    const r = receiver({ address: `${server.url}/c` });
    await r.call(exchange(), 'request-reply');
    await r.close?.();
    await assert.rejects(
      r.call(exchange(), 'request-reply'),
      (e: unknown) => e instanceof CausewayError && /closed/.test(e.message),
    );
  });
});

describe('HTTP receiver: retry', () => {
  it('retries 503 honouring Retry-After over the interval', async () => {
    let n = 0;
    server.handle = (_req, res) => {
      n++;
      if (n < 3) {
        res.statusCode = 503;
        res.setHeader('retry-after', '0');
        res.end('later');
      } else res.end('finally');
    };
    const started = Date.now();
    const ex = exchange({ body: 'again' });
    await receiver({ address: `${server.url}/r`, retry: { intervalMs: 30_000 } }).call(ex, 'request-reply');
    assert.ok(Date.now() - started < 5000, 'waited Retry-After (0 s), not intervalMs (30 s)');
    assert.equal(ex.message.body.text(), 'finally');
    assert.deepEqual(
      server.requests.map((r) => r.body.toString()),
      ['again', 'again', 'again'],
    );
  });

  it('waits a Retry-After of one second', async () => {
    let n = 0;
    server.handle = (_req, res) => {
      res.statusCode = n++ === 0 ? 429 : 200;
      if (res.statusCode === 429) res.setHeader('retry-after', '1');
      res.end('x');
    };
    const started = Date.now();
    await receiver({ address: `${server.url}/r`, retry: { intervalMs: 0 } }).call(
      exchange(),
      'request-reply',
    );
    assert.ok(Date.now() - started >= 950);
    assert.equal(server.requests.length, 2);
  });

  it('gives up after maxAttempts and throws the last failure', async () => {
    server.handle = (_req, res) => {
      res.statusCode = 503;
      res.end('still down');
    };
    await assert.rejects(
      receiver({ address: `${server.url}/r`, retry: { maxAttempts: 2, intervalMs: 10 } }).call(
        exchange(),
        'request-reply',
      ),
      /503 Service Unavailable: still down/,
    );
    assert.equal(server.requests.length, 2);
  });

  it('does not retry statuses outside statusCodes', async () => {
    server.handle = (_req, res) => {
      res.statusCode = 500;
      res.end('bug');
    };
    await assert.rejects(
      receiver({ address: `${server.url}/r`, retry: { intervalMs: 10 } }).call(exchange(), 'request-reply'),
    );
    assert.equal(server.requests.length, 1);
  });

  it('retries a dropped connection only with onConnectionError', async () => {
    let n = 0;
    server.handle = (req, res) => {
      if (n++ === 0) req.socket.destroy();
      else res.end('second try');
    };
    const ex = exchange({ body: 'b' });
    await receiver({ address: `${server.url}/r`, retry: { intervalMs: 10, onConnectionError: true } }).call(
      ex,
      'request-reply',
    );
    assert.equal(ex.message.body.text(), 'second try');

    n = 0;
    await assert.rejects(
      receiver({ address: `${server.url}/r`, retry: { intervalMs: 10 } }).call(exchange(), 'request-reply'),
      OperationalError,
    );
  });

  it('reads a streamed body into memory when it may be sent twice', async () => {
    let n = 0;
    server.handle = (_req, res, body) => {
      res.statusCode = n++ === 0 ? 503 : 200;
      res.end(`len ${body.length}`);
    };
    const ex = exchange({ body: Readable.from([Buffer.from('abc'), Buffer.from('def')]) });
    await receiver({ address: `${server.url}/r`, retry: { intervalMs: 10 } }).call(ex, 'request-reply');
    assert.equal(ex.message.body.text(), 'len 6');
    assert.deepEqual(
      server.requests.map((r) => r.body.toString()),
      ['abcdef', 'abcdef'],
    );
  });
});
