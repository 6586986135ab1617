// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests use Simple templates
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exchange } from '../../engine/exchange.ts';
import { CausewayError, OperationalError, UserError } from '../../errors.ts';
import { compileFlow } from '../../flow/compiler.ts';
import type { MplEntry } from '../../observability/mpl.types.ts';
import { createReceiver, createSender, testServices } from '../http/context.fixture.ts';
import { processDirectReceiver } from './process-direct.receiver.ts';
import { processDirectSender } from './process-direct.sender.ts';

/** A consumer flow on `address` whose steps are `run`, and a receiver calling `target` in the same runtime. */
async function pair(
  run: (exchange: Exchange) => void | Promise<void>,
  address = '/enrich',
  target = address,
) {
  const services = testServices();
  const consumer = createSender(processDirectSender, { address }, run, { flowId: 'consumer', services });
  assert.deepEqual(consumer.problems, []);
  await consumer.endpoint.start();
  const { receiver, problems } = createReceiver(
    processDirectReceiver,
    { address: target },
    services,
    'enrich',
  );
  assert.deepEqual(problems, []);
  return { services, consumer, receiver };
}

describe('ProcessDirect adapter', () => {
  it('passes body and headers (not properties) and takes back the reply, keeping the correlation id', async () => {
    const { consumer, receiver } = await pair((ex) => {
      assert.equal(ex.message.body.text(), 'order 1');
      assert.equal(ex.message.headers.get('orderId'), '1');
      assert.equal(ex.properties.has('secret'), false);
      ex.message.setBody(`enriched ${ex.message.body.text()}`);
      ex.message.headers.set('enriched', 'yes');
      ex.properties.set('internal', 'stays');
    });
    const caller = new Exchange({ body: 'order 1', headers: { orderId: '1' }, properties: { secret: 's' } });
    await receiver.call(caller, 'request-reply');
    assert.equal(caller.message.body.text(), 'enriched order 1');
    assert.equal(caller.message.headers.get('enriched'), 'yes');
    assert.equal(caller.message.headers.get('orderId'), '1');
    assert.equal(caller.properties.get('secret'), 's');
    assert.equal(caller.properties.has('internal'), false);
    const [consumed] = consumer.dispatched;
    assert.equal(consumed.correlationId, caller.correlationId);
    assert.notEqual(consumed.id, caller.id);
    assert.equal(consumed.flowId, 'consumer');
    assert.deepEqual(
      caller.log.receivers.map((r) => [r.receiver, r.adapter, r.url, r.error]),
      [['enrich', 'processDirect', '/enrich', undefined]],
    );
  });

  it('leaves the caller message unchanged on Send, while the consumer still runs', async () => {
    const { consumer, receiver } = await pair((ex) => {
      ex.message.setBody('changed');
      ex.message.headers.set('added', '1');
    });
    const caller = new Exchange({ body: 'original' });
    await receiver.call(caller, 'send');
    assert.equal(consumer.dispatched.length, 1);
    assert.equal(caller.message.body.text(), 'original');
    assert.equal(caller.message.headers.has('added'), false);
  });

  it('fails the caller with the error of the consumer flow', async () => {
    const failure = new UserError('CW_ERR_STEP', 'order rejected', { hint: 'fix it' });
    const { receiver } = await pair(() => {
      throw failure;
    });
    const caller = new Exchange({ body: 'x' });
    await assert.rejects(receiver.call(caller, 'request-reply'), (e: unknown) => e === failure);
    assert.equal(caller.message.body.text(), 'x');
    assert.equal(caller.log.receivers[0].error, 'order rejected');
  });

  it('fails with CW_ERR_PROCESS_DIRECT_NO_CONSUMER when nobody consumes the address', async () => {
    const { receiver } = await pair(() => {}, '/enrich', '/typo');
    const caller = new Exchange();
    await assert.rejects(
      receiver.call(caller, 'request-reply'),
      (e: unknown) =>
        e instanceof OperationalError &&
        e.code === 'CW_ERR_PROCESS_DIRECT_NO_CONSUMER' &&
        /'\/typo'/.test(e.message),
    );
    assert.equal(caller.log.receivers[0].url, '/typo');
  });

  it('resolves a dynamic address per message, and rejects an empty one', async () => {
    const { receiver } = await pair(
      (ex) => ex.message.setBody('partner A'),
      '/partner/A',
      '/partner/${header.partner}',
    );
    const caller = new Exchange({ headers: { partner: 'A' } });
    await receiver.call(caller, 'request-reply');
    assert.equal(caller.message.body.text(), 'partner A');
    const { receiver: empty } = createReceiver(
      processDirectReceiver,
      { address: '${header.none}' },
      testServices(),
    );
    await assert.rejects(
      empty.call(new Exchange(), 'request-reply'),
      (e: unknown) => e instanceof UserError && /address is empty/.test(e.message),
    );
  });

  it('stops consuming on stop(), and refuses an address another flow consumes', async () => {
    const { services, consumer, receiver } = await pair(() => {});
    assert.deepEqual(consumer.endpoint.describe(), ['processDirect /enrich']);
    const rival = createSender(processDirectSender, { address: '/enrich' }, () => {}, {
      flowId: 'rival',
      services,
    });
    await assert.rejects(
      rival.endpoint.start(),
      (e: unknown) => e instanceof UserError && /already consumed by flow 'consumer'/.test(e.message),
    );
    await consumer.endpoint.stop();
    await assert.rejects(receiver.call(new Exchange(), 'request-reply'), OperationalError);
    await rival.endpoint.start();
    await receiver.call(new Exchange(), 'request-reply');
    assert.equal(rival.dispatched.length, 1);
  });

  it('rejects an address with blanks at compile time', () => {
    const { problems } = createSender(processDirectSender, { address: '/a b' }, () => {});
    assert.equal(problems.length, 1);
  });
});

describe('ProcessDirect between two compiled flows', () => {
  const compile = (yaml: string, services: ReturnType<typeof testServices>) => {
    const { flow, diagnostics } = compileFlow(yaml, { file: 'flow.yaml', services });
    assert.deepEqual(diagnostics, []);
    return flow!;
  };

  it('runs the consumer flow, logs both with one correlation id, and propagates its failure', async () => {
    const entries: MplEntry[] = [];
    const services = testServices({ messageLogs: { write: (e) => void entries.push(e) } });
    const consumer = compile(
      `id: consumer
sender: { adapter: processDirect, address: /check }
steps:
  - router:
      routes:
        - name: ok
          condition: "\${header.amount} < 100"
          steps:
            - contentModifier: { body: { value: 'approved \${header.amount}' } }
`,
      services,
    );
    const caller = compile(
      `id: caller
receivers:
  check: { adapter: processDirect, address: /check }
steps:
  - requestReply: { receiver: check }
`,
      services,
    );
    await consumer.endpoint!.start();
    const ok = await caller.runner.dispatch(caller.runner.newExchange({ headers: { amount: 50 } }));
    assert.equal(ok.error, undefined);
    assert.equal(ok.exchange.message.body.text(), 'approved 50');

    const failed = await caller.runner.dispatch(caller.runner.newExchange({ headers: { amount: 500 } }));
    assert.ok(failed.error instanceof CausewayError);
    assert.equal(failed.error.code, 'CW_ERR_ROUTER_NO_ROUTE');
    await consumer.endpoint!.stop();

    const byCorrelation = (id: string) =>
      entries
        .filter((e) => e.correlationId === id)
        .map((e) => e.flowId)
        .sort();
    assert.deepEqual(byCorrelation(ok.exchange.correlationId), ['caller', 'consumer']);
    assert.deepEqual(byCorrelation(failed.exchange.correlationId), ['caller', 'consumer']);
  });
});

describe('ProcessDirect: bad definitions and messages', () => {
  const errors = (yaml: string) =>
    compileFlow(yaml, { file: '/flows/pd.yaml', services: testServices() }).diagnostics.map(
      (d) => `${d.line}:${d.col} ${d.message} (hint: ${d.hint})`,
    );

  it('reports bad sender and receiver options with line, column and hint', () => {
    assert.deepEqual(
      errors('id: a\nsender: { adapter: processDirect, address: /orders enrich }\nsteps: []\n'),
      [
        "2:44 sender.address: 'address': expected string to match '^\\S+$', got \"/orders enrich\" (hint: The address other flows call, e.g. /orders/enrich. One flow consumes an address; many may call it.)",
      ],
    );
    assert.deepEqual(errors('id: a\nsender: { adapter: processDirect, adress: /x }\nsteps: []\n'), [
      "2:9 sender: missing required option 'address' (hint: The address other flows call, e.g. /orders/enrich. One flow consumes an address; many may call it.)",
      "2:35 sender.adress: unknown option 'adress' (hint: Did you mean 'address'? Valid options: address)",
    ]);
    assert.deepEqual(
      errors(
        'id: a\nreceivers:\n  enrich: { adapter: processDirect }\nsteps:\n  - requestReply: { receiver: enrich }\n',
      ),
      [
        "3:11 receivers.enrich: missing required option 'address' (hint: The address of the flow to call, e.g. /orders/enrich; may hold `${header.x}` (dynamic).)",
      ],
    );
    assert.match(
      errors(
        "id: a\nreceivers:\n  enrich: { adapter: processDirect, address: '/p/${header.x' }\nsteps:\n  - send: { receiver: enrich }\n",
      )[0],
      /^3:50 receivers\.enrich\.address: Invalid Simple expression '\/p\/\$\{header\.x': '\$\{' is not closed \(at offset 3\) \(hint: /,
    );
  });

  it('logs the calling message FAILED at its step when no flow consumes the address', async () => {
    const entries: MplEntry[] = [];
    const services = testServices({ messageLogs: { write: (e) => void entries.push(e) } });
    const { flow, diagnostics } = compileFlow(
      'id: caller\nreceivers:\n  check: { adapter: processDirect, address: /nobody }\nsteps:\n  - requestReply: { name: Check, receiver: check }\n',
      { file: '/flows/caller.yaml', services },
    );
    assert.deepEqual(diagnostics, []);
    const { error } = await flow!.runner.dispatch(flow!.runner.newExchange({ body: 'x' }));
    assert.ok(error instanceof OperationalError);
    assert.equal(error.code, 'CW_ERR_PROCESS_DIRECT_NO_CONSUMER');
    assert.match(error.message, /'\/nobody'/);
    assert.ok(error.hint);
    assert.equal(entries[0].status, 'FAILED');
    assert.equal(entries[0].error, error.message);
    assert.deepEqual(
      entries[0].steps.map((s) => [s.step, s.error]),
      [['Check', error.message]],
    );
    assert.deepEqual(
      entries[0].receivers.map((r) => [r.receiver, r.url, r.error]),
      [['check', '/nobody', error.message]],
    );
  });
});
