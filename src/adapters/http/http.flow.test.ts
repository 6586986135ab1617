import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { OperationalError } from '../../errors.ts';
import { compileFlow } from '../../flow/compiler.ts';
import type { MplEntry } from '../../observability/mpl.types.ts';
import { assertClearFailure, type StepFailure } from '../../testing/run-steps.ts';
import { testServices } from './context.fixture.ts';
import { TestServer } from './test-server.fixture.ts';

// A failing HTTP call as a user meets it: the receiver declared in a flow file, the flow compiled
// and run, the message logged FAILED at the step that called, with the call and its URL.

const flowWith = (receiver: string) =>
  `id: orders\nreceivers:\n  backend:\n    adapter: http\n${receiver}\nsteps:\n  - requestReply: { name: Call backend, receiver: backend }\n`;

/** Compiles the flow and runs one message through it, expecting it to fail. */
async function failCall(t: TestContext, receiver: string): Promise<StepFailure> {
  const entries: MplEntry[] = [];
  const services = testServices({ messageLogs: { write: (entry) => void entries.push(entry) } });
  const { flow, diagnostics } = compileFlow(flowWith(receiver), { file: '/flows/orders.yaml', services });
  assert.deepEqual(diagnostics, []);
  t.after(() => Promise.all([...flow!.receivers.values()].map((r) => r.close?.())));
  const { error } = await flow!.runner.dispatch(flow!.runner.newExchange({ body: '<order id="7"/>' }));
  assert.ok(error, 'expected the message to fail, but it completed');
  assert.equal(entries.length, 1, 'expected one message processing log entry');
  const [entry] = entries;
  return { error, entry, failedStep: entry.steps.find((s) => s.error !== undefined) };
}

/** `text` matched literally inside a RegExp (the URLs hold dots). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The receiver call the log entry records, as [receiver, url, status, error]. */
const calls = (failure: StepFailure) =>
  failure.entry.receivers.map((r) => [r.receiver, r.url, r.status, r.error]);

describe('HTTP receiver in a flow: failing calls', () => {
  const server = new TestServer();
  before(() => server.start());
  after(() => server.stop());

  it('logs a call answered 500 FAILED at its step, naming the receiver and URL, with a hint', async (t) => {
    server.reset((_req, res) => {
      res.statusCode = 500;
      res.end('order store unavailable');
    });
    const url = `${server.url}/orders`;
    const failure = await failCall(t, `    address: ${url}`);
    assertClearFailure(failure, {
      code: 'CW_ERR_RECEIVER_HTTP',
      step: 'Call backend',
      message: new RegExp(
        `^Receiver 'backend': POST ${literal(url)} answered 500 Internal Server Error: order store unavailable$`,
      ),
    });
    assert.ok(failure.error instanceof OperationalError, 'a 5xx may succeed later: retryable');
    assert.match(failure.error.hint ?? '', /Add retry:/);
    assert.deepEqual(calls(failure), [['backend', url, 500, failure.error.message]]);
    assert.equal(server.requests[0].body.toString(), '<order id="7"/>');
  });

  it('logs a call to a refused port FAILED at its step, naming the receiver and URL, with a hint', async (t) => {
    const closed = new TestServer();
    await closed.start();
    await closed.stop();
    const url = `${closed.url}/orders`;
    const failure = await failCall(t, `    address: ${url}`);
    assertClearFailure(failure, {
      code: 'CW_ERR_RECEIVER_HTTP',
      step: 'Call backend',
      message: new RegExp(`^Receiver 'backend': POST ${literal(url)} failed: .*ECONNREFUSED`),
    });
    assert.ok(failure.error instanceof OperationalError);
    assert.match(failure.error.hint ?? '', /receiver is running; set retry\.onConnectionError/);
    assert.deepEqual(calls(failure), [['backend', url, undefined, failure.error.message]]);
  });

  it('after the last retry, logs the message FAILED once with the last answer', async (t) => {
    server.reset((_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    const url = `${server.url}/orders`;
    const failure = await failCall(
      t,
      `    address: ${url}\n    retry: { statusCodes: [503], maxAttempts: 2, intervalMs: 10 }`,
    );
    assertClearFailure(failure, {
      code: 'CW_ERR_RECEIVER_HTTP',
      step: 'Call backend',
      message: new RegExp(
        `^Receiver 'backend': POST ${literal(url)} answered 503 Service Unavailable: busy$`,
      ),
    });
    assert.equal(server.requests.length, 2);
    assert.deepEqual(calls(failure), [['backend', url, 503, failure.error.message]]);
  });
});
