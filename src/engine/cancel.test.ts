import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, CancelScope, delay, unlessAborted } from './cancel.ts';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('CancelScope', () => {
  it('aborts after its time with the reason made then', async () => {
    const scope = new CancelScope().abortAfter(20, () => new CancelledError('too slow'));
    assert.equal(scope.signal.aborted, false);
    await sleep(60);
    assert.equal(scope.signal.aborted, true);
    assert.ok(scope.signal.reason instanceof CancelledError);
    assert.equal(scope.signal.reason.message, 'The message was cancelled: too slow');
    assert.equal(scope.signal.reason.code, 'CW_ERR_CANCELLED');
    assert.equal(scope.signal.reason.retryable, false);
  });

  it('aborts with its parent, for the parent’s reason, and keeps the first reason', () => {
    const parent = new AbortController();
    const scope = new CancelScope(parent.signal);
    const why = new Error('message cancelled');
    parent.abort(why);
    assert.equal(scope.signal.reason, why);
    scope.abort(new Error('later'));
    assert.equal(scope.signal.reason, why);
    const late = new CancelScope(parent.signal);
    assert.equal(late.signal.reason, why, 'made under an aborted parent: aborted at once');
  });

  it('lets go of the timer and the parent’s listener when disposed', async () => {
    const parent = new AbortController();
    const scope = new CancelScope(parent.signal).abortAfter(20, () => new Error('timeout'));
    assert.equal(listeners(parent.signal), 1);
    scope.dispose();
    assert.equal(listeners(parent.signal), 0);
    await sleep(40);
    parent.abort(new Error('after'));
    assert.equal(scope.signal.aborted, false);
  });
});

describe('delay', () => {
  it('waits, and leaves no listener behind', async () => {
    const scope = new CancelScope();
    const started = performance.now();
    await delay(20, scope.signal);
    assert.ok(performance.now() - started >= 15);
    assert.equal(listeners(scope.signal), 0);
    await delay(1);
  });

  it('ends with the reason as soon as the signal aborts, or at once when it already has', async () => {
    const scope = new CancelScope();
    const why = new Error('stop');
    const waiting = delay(60_000, scope.signal);
    setTimeout(() => scope.abort(why), 10);
    await assert.rejects(waiting, (error) => error === why);
    await assert.rejects(delay(60_000, scope.signal), (error) => error === why);
  });
});

describe('unlessAborted', () => {
  it('passes a result or failure through and removes its listener', async () => {
    const scope = new CancelScope();
    assert.equal(await unlessAborted(Promise.resolve(1), scope.signal), 1);
    await assert.rejects(unlessAborted(Promise.reject(new Error('x')), scope.signal), /x/);
    assert.equal(listeners(scope.signal), 0);
    const plain = Promise.resolve(2);
    assert.equal(unlessAborted(plain, undefined), plain, 'no signal: the same promise');
  });

  it('rejects with the reason at the abort; the wait’s own later failure is not unhandled', async () => {
    const scope = new CancelScope();
    const why = new Error('stop');
    const slow = sleep(30).then(() => {
      throw new Error('late failure');
    });
    const waiting = unlessAborted(slow, scope.signal);
    scope.abort(why);
    await assert.rejects(waiting, (error) => error === why);
    await sleep(50);
  });
});
