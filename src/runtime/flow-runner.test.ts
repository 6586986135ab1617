import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Receiver } from '../adapters/adapter.spec.ts';
import { CancelledError } from '../engine/cancel.ts';
import { OperationalError } from '../errors.ts';
import { compileFlow } from '../flow/compiler.ts';
import type { MplEntry } from '../observability/mpl.types.ts';
import { detachedServices } from './detached-services.ts';

/** A receiver standing in for a backend: fails when told to, else replies with a fixed body. */
function backend(reply: string | Error): Receiver & { calls: number } {
  return {
    name: 'backend',
    adapter: 'test',
    calls: 0,
    async call(exchange) {
      this.calls++;
      if (reply instanceof Error) throw reply;
      exchange.message.setBody(reply);
    },
  };
}

async function run(text: string, receiver: Receiver) {
  const entries: MplEntry[] = [];
  const { flow, diagnostics } = compileFlow(text, {
    file: '/flows/runner.yaml',
    services: detachedServices(entries),
    receiverOverrides: new Map([['backend', receiver]]),
  });
  assert.deepEqual(diagnostics, []);
  const exchange = flow!.runner.newExchange({ body: 'in' });
  const result = await flow!.runner.dispatch(exchange);
  return { ...result, entries };
}

const flow = (exceptionSteps?: string) =>
  [
    'id: runner',
    'steps:',
    '  - requestReply: { receiver: backend }',
    exceptionSteps ? `exceptionSubprocess:\n  steps:\n${exceptionSteps}` : '',
  ].join('\n');

describe('FlowRunner', () => {
  it('completes a message and writes one log entry with the steps run', async () => {
    const { exchange, error, entries } = await run(flow(), backend('reply'));
    assert.equal(error, undefined);
    assert.equal(exchange.message.body.text(), 'reply');
    assert.equal(entries.length, 1);
    assert.equal(entries[0].status, 'COMPLETED');
    assert.equal(entries[0].flowId, 'runner');
    assert.deepEqual(
      entries[0].steps.map((s) => s.kind),
      ['requestReply'],
    );
  });

  it('fails a message without an exception subprocess and logs the error', async () => {
    const { error, entries } = await run(
      flow(),
      backend(new OperationalError('CW_ERR_RECEIVER', 'backend down')),
    );
    assert.equal(error?.message, 'backend down');
    assert.equal(entries[0].status, 'FAILED');
    assert.equal(entries[0].error, 'backend down');
    assert.equal(entries[0].steps[0].error, 'backend down');
  });

  it('completes when the exception subprocess ends normally', async () => {
    const { error, entries } = await run(flow('    - end: {}'), backend(new Error('boom')));
    assert.equal(error, undefined);
    assert.equal(entries[0].status, 'COMPLETED');
  });

  it('fails with the original error on an Error End', async () => {
    const { error, entries } = await run(flow('    - errorEnd: {}'), backend(new Error('boom')));
    assert.equal(error?.message, 'boom');
    assert.equal(entries[0].status, 'FAILED');
    assert.equal(entries[0].error, 'boom');
  });

  it('escalates on an Escalation End', async () => {
    const { error, entries } = await run(flow('    - escalationEnd: {}'), backend(new Error('boom')));
    assert.equal(error?.message, 'boom');
    assert.equal(entries[0].status, 'ESCALATED');
  });

  it('stops at Terminate Message and completes', async () => {
    const receiver = backend('reply');
    const text = 'id: t\nsteps:\n  - terminate: {}\n  - requestReply: { receiver: backend }\n';
    const { entries } = await run(text, receiver);
    assert.equal(receiver.calls, 0);
    assert.equal(entries[0].status, 'COMPLETED');
  });

  it('loops a local process while its condition holds, up to the limit', async () => {
    const receiver = backend('reply');
    const text = [
      'id: loop',
      'steps:',
      '  - loopingProcessCall: { process: call, condition: "${property.CamelLoopIndex} < 2", maxIterations: 5 }',
      'localProcesses:',
      '  call: { steps: [ { requestReply: { receiver: backend } } ] }',
    ].join('\n');
    await run(text, receiver);
    assert.equal(receiver.calls, 3);
  });

  it('fails a loop that reaches its limit with the condition still true', async () => {
    const text = [
      'id: loop',
      'steps:',
      '  - loopingProcessCall: { process: call, condition: "${property.CamelLoopIndex} >= 0", maxIterations: 4 }',
      'localProcesses:',
      '  call: { steps: [ { requestReply: { receiver: backend } } ] }',
    ].join('\n');
    const receiver = backend('reply');
    const { error } = await run(text, receiver);
    assert.equal(receiver.calls, 4);
    assert.match(error!.message, /reached 4 iterations/);
  });

  it('answers a flow whose steps all run synchronously without a promise, its log written', () => {
    const entries: MplEntry[] = [];
    const text = ['id: sync', 'steps:', '  - contentModifier: { body: { value: done } }'].join('\n');
    const { flow: sync } = compileFlow(text, {
      file: '/flows/sync.yaml',
      services: detachedServices(entries),
    });
    const result = sync!.runner.dispatch(sync!.runner.newExchange({ body: 'in' }));
    assert.ok(!(result instanceof Promise));
    assert.equal(result.error, undefined);
    assert.equal(result.exchange.message.body.text(), 'done');
    assert.equal(entries.length, 1);
    assert.equal(entries[0].status, 'COMPLETED');
    assert.equal(sync!.runner.inFlight, 0);
  });

  it('fails a synchronous step without a promise when there is no exception subprocess', () => {
    const entries: MplEntry[] = [];
    const text = ['id: sync', 'steps:', '  - errorEnd: {}'].join('\n');
    const { flow: sync, diagnostics } = compileFlow(text, {
      file: '/flows/sync.yaml',
      services: detachedServices(entries),
    });
    assert.deepEqual(diagnostics, []);
    const result = sync!.runner.dispatch(sync!.runner.newExchange({ body: 'in' }));
    assert.ok(!(result instanceof Promise));
    assert.ok(result.error);
    assert.equal(entries[0].status, 'FAILED');
    assert.equal(sync!.runner.inFlight, 0);
  });

  it('writes nothing at log level NONE', async () => {
    const { entries } = await run(`logLevel: NONE\n${flow()}`, backend('reply'));
    assert.equal(entries.length, 0);
  });

  it('ends a cancelled message as FAILED with the reason: no further step, no exception subprocess', async () => {
    const entries: MplEntry[] = [];
    const controller = new AbortController();
    const why = new CancelledError('the test stopped it');
    // A call that ignores the signal: the message still stops before its next step.
    const slow: Receiver & { calls: number } = {
      name: 'backend',
      adapter: 'test',
      calls: 0,
      async call() {
        this.calls++;
        controller.abort(why);
        await sleep(5);
      },
    };
    const text = [
      'id: cancel',
      'steps:',
      '  - requestReply: { receiver: backend }',
      '  - requestReply: { receiver: backend }',
      'exceptionSubprocess:',
      '  steps: [ { requestReply: { receiver: backend } } ]',
    ].join('\n');
    const { flow: compiled } = compileFlow(text, {
      file: '/flows/cancel.yaml',
      services: detachedServices(entries),
      receiverOverrides: new Map([['backend', slow]]),
    });
    const runner = compiled!.runner;
    const result = await runner.dispatch(runner.newExchange({ body: 'in', signal: controller.signal }));
    assert.equal(result.error, why);
    assert.equal(slow.calls, 1);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].status, 'FAILED');
    assert.equal(entries[0].error, 'The message was cancelled: the test stopped it');
    assert.equal(runner.inFlight, 0);
  });
});
