import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallPattern, Receiver } from '../../adapters/adapter.spec.ts';
import type { Exchange } from '../../engine/exchange.ts';
import { OperationalError } from '../../errors.ts';
import { assertClearFailure, describeErrors, failSteps, runSteps } from '../../testing/run-steps.ts';

/** A backend that records what it was sent and replies, or fails with `failure`. */
function backend(failure?: Error) {
  const calls: Array<{ pattern: CallPattern; body: string }> = [];
  const receiver: Receiver = {
    name: 'erp',
    adapter: 'test',
    async call(exchange: Exchange, pattern: CallPattern) {
      calls.push({ pattern, body: exchange.message.body.text() });
      if (failure) throw failure;
      if (pattern === 'request-reply') {
        exchange.message.setBody('<reply/>');
        exchange.message.headers.set('replied', 'yes');
      }
    },
  };
  return { calls, receivers: { erp: receiver } };
}

const down = () =>
  new OperationalError('CW_ERR_RECEIVER', "Receiver 'erp' refused the connection.", {
    hint: 'Check that the system is up; the message may be sent again.',
  });

describe('requestReply and send', () => {
  it('requestReply calls the receiver and goes on with its reply', async () => {
    const { calls, receivers } = backend();
    const ex = await runSteps('- requestReply: { receiver: erp }', { body: '<order/>' }, { receivers });
    assert.deepEqual(calls, [{ pattern: 'request-reply', body: '<order/>' }]);
    assert.equal(ex.message.body.text(), '<reply/>');
    assert.equal(ex.message.headers.get('replied'), 'yes');
  });

  it('send hands the message over and goes on with it unchanged', async () => {
    const { calls, receivers } = backend();
    const ex = await runSteps('- send: { receiver: erp }', { body: '<order/>' }, { receivers });
    assert.deepEqual(calls, [{ pattern: 'send', body: '<order/>' }]);
    assert.equal(ex.message.body.text(), '<order/>');
  });

  it('a failing receiver ends the message FAILED at the step, keeping the error kind and hint', async () => {
    for (const kind of ['requestReply', 'send']) {
      const failure = await failSteps(
        `- ${kind}: { name: To ERP, receiver: erp }`,
        { body: 'x' },
        backend(down()),
      );
      assertClearFailure(failure, {
        code: 'CW_ERR_RECEIVER',
        step: 'To ERP',
        message: /^Receiver 'erp' refused the connection\.$/,
      });
      assert.ok(failure.error instanceof OperationalError, kind);
      assert.equal(failure.error.retryable, true, kind);
    }
  });

  it('reports an unknown, missing or badly typed receiver with line, column and hint', () => {
    const { receivers } = backend();
    assert.deepEqual(describeErrors('- requestReply: { receiver: ERP1 }', { receivers }), [
      "1:29 steps[0].requestReply.receiver: unknown receiver 'ERP1' (hint: Did you mean 'erp'?)",
    ]);
    assert.deepEqual(describeErrors('- send: { receiver: audit }', { receivers }), [
      "1:21 steps[0].send.receiver: unknown receiver 'audit' (hint: Declared receivers: erp)",
    ]);
    assert.deepEqual(describeErrors('- send: { receiver: audit }'), [
      `1:21 steps[0].send.receiver: unknown receiver 'audit' (hint: Declare it under "receivers:".)`,
    ]);
    assert.deepEqual(describeErrors('- requestReply: {}'), [
      "1:17 steps[0].requestReply: missing required option 'receiver' (hint: Name of a receiver declared under `receivers:`)",
    ]);
    assert.deepEqual(describeErrors('- send: { receiver: [erp] }', { receivers }), [
      '1:21 steps[0].send.receiver: \'receiver\': expected string, got ["erp"] (hint: Name of a receiver declared under `receivers:`)',
    ]);
    assert.deepEqual(describeErrors('- requestReply: { receiver: erp, timeout: 5 }', { receivers }), [
      "1:34 steps[0].requestReply.timeout: unknown option 'timeout' (hint: Valid options: name, receiver)",
    ]);
  });
});
