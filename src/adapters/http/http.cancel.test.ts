import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { CancelledError, CancelScope } from '../../engine/cancel.ts';
import { receiverTestBench } from './receiver-bench.fixture.ts';

const { server, receiver, exchange } = receiverTestBench();

/** A message that is cancelled `ms` after it starts, as a flow test's timeout does. */
function cancelledAfter(ms: number) {
  const why = new CancelledError(`stopped after ${ms} ms`);
  const scope = new CancelScope().abortAfter(ms, () => why);
  return { why, signal: scope.signal };
}

/** Resolves when the server sees the connection of a request it holds close. */
function holdRequests(): { closed: Promise<void> } {
  const { promise, resolve } = Promise.withResolvers<void>();
  server.handle = (req) => req.socket.once('close', () => resolve());
  return { closed: promise };
}

describe('HTTP receiver: a cancelled message', () => {
  it('ends a call waiting for its answer, closes the request, and logs why', { timeout: 5_000 }, async () => {
    const { closed } = holdRequests();
    const { why, signal } = cancelledAfter(50);
    const ex = exchange({ signal });
    const r = receiver({ address: `${server.url}/slow`, timeoutMs: 60_000 });
    await assert.rejects(r.call(ex, 'request-reply'), (error) => error === why);
    await closed;
    assert.equal(ex.log.receivers[0].error, 'The message was cancelled: stopped after 50 ms');
    assert.equal(getEventListeners(signal, 'abort').length, 0);
    server.reset();
    const next = exchange();
    await r.call(next, 'request-reply');
    assert.equal(next.message.body.text(), 'ok', 'the receiver still works for other messages');
  });

  it('ends a wait between retries', { timeout: 5_000 }, async () => {
    server.handle = (_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    };
    const { why, signal } = cancelledAfter(50);
    const r = receiver({
      address: `${server.url}/busy`,
      retry: { statusCodes: [503], maxAttempts: 3, intervalMs: 60_000 },
    });
    await assert.rejects(r.call(exchange({ signal }), 'request-reply'), (error) => error === why);
    assert.equal(server.requests.length, 1);
  });

  it('sends nothing for a message cancelled before the call', { timeout: 5_000 }, async () => {
    const scope = new CancelScope();
    const why = new CancelledError('before');
    scope.abort(why);
    const r = receiver({ address: `${server.url}/never` });
    await assert.rejects(r.call(exchange({ signal: scope.signal }), 'send'), (error) => error === why);
    assert.equal(server.requests.length, 0);
  });

  it('ends a streamed answer still arriving', { timeout: 5_000 }, async () => {
    const { promise: closed, resolve } = Promise.withResolvers<void>();
    server.handle = (req, res) => {
      req.socket.once('close', () => resolve());
      res.write('first part ');
    };
    const scope = new CancelScope();
    const ex = exchange({ signal: scope.signal });
    await receiver({ address: `${server.url}/stream`, streaming: true }).call(ex, 'request-reply');
    const stream = ex.message.body.stream() as Readable;
    const ended = new Promise((resolve) => stream.once('error', resolve).once('close', resolve));
    stream.resume();
    const why = new CancelledError('mid-stream');
    scope.abort(why);
    await ended;
    await closed;
    assert.equal(stream.destroyed, true);
  });

  it('leaves no listener on the signal after a call that finished', { timeout: 5_000 }, async () => {
    const scope = new CancelScope();
    const ex = exchange({ signal: scope.signal });
    await receiver({ address: `${server.url}/ok` }).call(ex, 'request-reply');
    assert.equal(ex.message.body.text(), 'ok');
    assert.equal(getEventListeners(scope.signal, 'abort').length, 0);
  });
});
