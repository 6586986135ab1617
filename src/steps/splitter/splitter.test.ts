import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Receiver } from '../../adapters/adapter.spec.ts';
import { CancelledError, CancelScope, delay } from '../../engine/cancel.ts';
import type { Exchange } from '../../engine/exchange.ts';
import { OperationalError, UserError } from '../../errors.ts';
import { runSteps, stepErrors } from '../../testing/run-steps.ts';
import { splitJson } from './split-json.ts';
import { splitterSpec } from './splitter.spec.ts';

interface Seen {
  body: string;
  index: unknown;
  size: unknown;
  complete: unknown;
}

/** A receiver that records each part it is called with, optionally slowly, counting concurrency. */
function recorder(options: { delay?: (index: number) => number; fail?: (index: number) => boolean } = {}) {
  const seen: Seen[] = [];
  const state = { active: 0, max: 0 };
  const receiver: Receiver = {
    name: 'rec',
    adapter: 'test',
    async call(exchange: Exchange) {
      const index = exchange.properties.get('CamelSplitIndex') as number;
      state.active++;
      state.max = Math.max(state.max, state.active);
      seen.push({
        body: exchange.message.body.text(),
        index,
        size: exchange.properties.get('CamelSplitSize'),
        complete: exchange.properties.get('CamelSplitComplete'),
      });
      await sleep(options.delay?.(index) ?? 0);
      state.active--;
      if (options.fail?.(index)) {
        throw new UserError('CW_ERR_RECEIVER', `part ${index} refused`, { hint: 'fix the part' });
      }
      exchange.message.setBody(`done ${index}`);
    },
  };
  return { seen, state, receivers: { rec: receiver } };
}

const ORDERS = `<ns:Orders xmlns:ns="urn:o" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <ns:Header><ns:Sender>ACME</ns:Sender></ns:Header>
  <ns:Order id="1"><ns:Total>10</ns:Total></ns:Order>
  <ns:Order id="2" xsi:type="ns:Rush"><ns:Total>20</ns:Total></ns:Order>
  <ns:Order id="3"><ns:Total>30</ns:Total></ns:Order>
  <ns:Trailer count="3"/>
</ns:Orders>`;
const flow = "namespaces: { o: 'urn:o' }";

describe('splitter', () => {
  it('iterating: each XML part is the node alone, with the namespaces in scope, and split properties', async () => {
    const rec = recorder();
    const ex = await runSteps(
      `
- splitter:
    expression: { xpath: /o:Orders/o:Order }
    steps: [{ requestReply: { receiver: rec } }]
`,
      { body: ORDERS, headers: { keep: 'me' } },
      { flow, receivers: rec.receivers },
    );
    const ns = 'xmlns:ns="urn:o" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
    assert.deepEqual(rec.seen, [
      {
        body: `<ns:Order id="1" ${ns}><ns:Total>10</ns:Total></ns:Order>`,
        index: 0,
        size: 3,
        complete: false,
      },
      {
        body: `<ns:Order id="2" xsi:type="ns:Rush" ${ns}><ns:Total>20</ns:Total></ns:Order>`,
        index: 1,
        size: 3,
        complete: false,
      },
      {
        body: `<ns:Order id="3" ${ns}><ns:Total>30</ns:Total></ns:Order>`,
        index: 2,
        size: 3,
        complete: true,
      },
    ]);
    // Without a gather the original message goes on as it was.
    assert.equal(ex.message.body.text(), ORDERS);
    assert.equal(ex.message.headers.get('keep'), 'me');
    assert.equal(ex.properties.has('CamelSplitIndex'), false);
  });

  it('iterating with grouping wraps each group in a copy of the parent', async () => {
    const rec = recorder();
    await runSteps(
      `- splitter: { expression: { xpath: //o:Order }, grouping: 2, steps: [{ requestReply: { receiver: rec } }] }`,
      { body: ORDERS },
      { flow, receivers: rec.receivers },
    );
    assert.deepEqual(
      rec.seen.map((s) => s.body.replace(/ xmlns:\w+="[^"]+"/g, '')),
      [
        '<ns:Orders><ns:Order id="1"><ns:Total>10</ns:Total></ns:Order><ns:Order id="2" xsi:type="ns:Rush"><ns:Total>20</ns:Total></ns:Order></ns:Orders>',
        '<ns:Orders><ns:Order id="3"><ns:Total>30</ns:Total></ns:Order></ns:Orders>',
      ],
    );
  });

  it('general: each part keeps the envelope and the header, not the other orders nor the trailer', async () => {
    const rec = recorder();
    await runSteps(
      `- splitter: { type: general, expression: { xpath: /o:Orders/o:Order }, grouping: 2, steps: [{ requestReply: { receiver: rec } }] }`,
      { body: ORDERS },
      { flow, receivers: rec.receivers },
    );
    const envelope = '<ns:Orders xmlns:ns="urn:o" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">';
    const header = '<ns:Header><ns:Sender>ACME</ns:Sender></ns:Header>';
    assert.deepEqual(
      rec.seen.map((s) => s.body),
      [
        `${envelope}${header}<ns:Order id="1"><ns:Total>10</ns:Total></ns:Order><ns:Order id="2" xsi:type="ns:Rush"><ns:Total>20</ns:Total></ns:Order></ns:Orders>`,
        `${envelope}${header}<ns:Order id="3"><ns:Total>30</ns:Total></ns:Order></ns:Orders>`,
      ],
    );
  });

  it('general with nested split points keeps every ancestor level', async () => {
    const rec = recorder();
    await runSteps(
      `- splitter: { type: general, expression: { xpath: //item }, steps: [{ requestReply: { receiver: rec } }] }`,
      { body: '<a v="1"><h>x</h><b><item>1</item><item>2</item></b></a>' },
      { receivers: rec.receivers },
    );
    assert.deepEqual(
      rec.seen.map((s) => s.body),
      ['<a v="1"><h>x</h><b><item>1</item></b></a>', '<a v="1"><h>x</h><b><item>2</item></b></a>'],
    );
  });

  it('splits JSON arrays: iterating, grouped, and general with the envelope', async () => {
    const body = JSON.stringify({ order: { id: 7, items: [{ sku: 'A' }, { sku: 'B' }, { sku: 'C' }] } });
    const run = async (options: string) => {
      const rec = recorder();
      const ex = await runSteps(
        `- splitter: { ${options}, steps: [{ requestReply: { receiver: rec } }] }`,
        { body },
        {
          receivers: rec.receivers,
        },
      );
      assert.equal(ex.message.body.text(), body);
      return rec.seen.map((s) => s.body);
    };
    assert.deepEqual(await run("expression: { jsonpath: '$.order.items' }"), [
      '{"sku":"A"}',
      '{"sku":"B"}',
      '{"sku":"C"}',
    ]);
    assert.deepEqual(await run("expression: { jsonpath: '$.order.items[*]' }"), [
      '{"sku":"A"}',
      '{"sku":"B"}',
      '{"sku":"C"}',
    ]);
    assert.deepEqual(await run("expression: { jsonpath: '$..sku' }"), ['A', 'B', 'C']);
    assert.deepEqual(await run("expression: { jsonpath: '$.order.items' }, grouping: 2"), [
      '[{"sku":"A"},{"sku":"B"}]',
      '[{"sku":"C"}]',
    ]);
    assert.deepEqual(await run("type: general, expression: { jsonpath: '$.order.items' }, grouping: 2"), [
      '{"order":{"id":7,"items":[{"sku":"A"},{"sku":"B"}]}}',
      '{"order":{"id":7,"items":[{"sku":"C"}]}}',
    ]);
    assert.deepEqual(await run("expression: { jsonpath: '$.nothing' }"), []);
  });

  it('a part changing its JSON does not change the original or the other parts', () => {
    const body = JSON.stringify({ h: { n: 1 }, items: [{ v: 1 }, { v: 2 }] });
    const root = JSON.parse(body);
    const parts = splitJson(root, '$.items', 'general', 1) as Array<{
      h: { n: number };
      items: Array<{ v: number }>;
    }>;
    parts[0].h.n = 99;
    parts[0].items[0].v = 0;
    assert.deepEqual(root, JSON.parse(body));
    assert.deepEqual(parts[1], { h: { n: 1 }, items: [{ v: 2 }] });
  });

  it('splits lines from a stream as they arrive, learning the size at the last part', async () => {
    const rec = recorder();
    const chunks = ['id;name\r\n1;a', 'bc\n2;dé', 'f\n\n3;x', 'y\n'];
    const ex = await runSteps(
      `- splitter: { expression: { lineBreak: true }, streaming: true, grouping: 2, steps: [{ requestReply: { receiver: rec } }] }`,
      { body: Readable.from(chunks.map((c) => Buffer.from(c))) },
      { receivers: rec.receivers },
    );
    assert.deepEqual(rec.seen, [
      { body: 'id;name\n1;abc', index: 0, size: undefined, complete: false },
      { body: '2;déf\n3;xy', index: 1, size: 2, complete: true },
    ]);
    assert.equal(ex.message.body.text(), '');
  });

  it('does not read the whole stream before the first part runs', async () => {
    let pulled = 0;
    async function* lines() {
      for (let i = 0; i < 200; i++) {
        pulled++;
        yield Buffer.from(`line ${i}\n`);
      }
    }
    const pulledAtPart: number[] = [];
    const receivers: Record<string, Receiver> = {
      rec: { name: 'rec', adapter: 'test', call: async () => void pulledAtPart.push(pulled) },
    };
    await runSteps(
      `- splitter: { expression: { lineBreak: true }, streaming: true, steps: [{ requestReply: { receiver: rec } }] }`,
      { body: Readable.from(lines()) },
      { receivers },
    );
    assert.equal(pulledAtPart.length, 200);
    assert.ok(pulledAtPart[0] < 50, `${pulledAtPart[0]} of 200 chunks read before the first part`);
  });

  it('reads a streamed body first when streaming is off, so the original goes on', async () => {
    const rec = recorder();
    const ex = await runSteps(
      `- splitter: { expression: { token: '|' }, steps: [{ requestReply: { receiver: rec } }] }`,
      { body: Readable.from([Buffer.from('a|b'), Buffer.from('|c')]) },
      { receivers: rec.receivers },
    );
    assert.deepEqual(
      rec.seen.map((s) => [s.body, s.size]),
      [
        ['a', 3],
        ['b', 3],
        ['c', 3],
      ],
    );
    assert.equal(ex.message.body.text(), 'a|b|c');
  });

  it('runs parts in parallel up to the limit and gathers them in split order', async () => {
    const rec = recorder({ delay: (i) => (i * 7) % 5 });
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const ex = await runSteps(
      `
- splitter:
    expression: { lineBreak: true }
    parallel: { enabled: true, limit: 6 }
    steps: [{ requestReply: { receiver: rec } }]
    gather: { strategy: concatenate }
`,
      { body: lines },
      { receivers: rec.receivers },
    );
    assert.equal(rec.state.max, 6);
    assert.equal(ex.message.body.text(), Array.from({ length: 40 }, (_, i) => `done ${i}`).join(''));
  });

  it('gathers parts whose receiver replied with a stream', async () => {
    const receivers: Record<string, Receiver> = {
      rec: {
        name: 'rec',
        adapter: 'test',
        call: async (exchange) =>
          exchange.message.setBody(Readable.from([Buffer.from(`<r>${exchange.message.body.text()}</r>`)])),
      },
    };
    const ex = await runSteps(
      `- splitter: { expression: { token: ',' }, steps: [{ requestReply: { receiver: rec } }], gather: { strategy: concatenate } }`,
      { body: 'a,b' },
      { receivers },
    );
    assert.equal(ex.message.body.text(), '<r>a</r><r>b</r>');
  });

  it('runs parts one at a time without parallel', async () => {
    const rec = recorder({ delay: () => 1 });
    await runSteps(
      `- splitter: { expression: { token: ',' }, steps: [{ requestReply: { receiver: rec } }] }`,
      { body: 'a,b,c,d' },
      { receivers: rec.receivers },
    );
    assert.equal(rec.state.max, 1);
    assert.deepEqual(
      rec.seen.map((s) => s.index),
      [0, 1, 2, 3],
    );
  });

  it('stops at a failing part, naming it, with the error kind kept', async () => {
    const rec = recorder({ fail: (i) => i === 1 });
    await assert.rejects(
      runSteps(
        `- splitter: { name: Lines, expression: { lineBreak: true }, steps: [{ requestReply: { receiver: rec } }] }`,
        { body: 'a\nb\nc\nd' },
        { receivers: rec.receivers },
      ),
      (error: UserError) => {
        assert.ok(error instanceof UserError);
        assert.equal(error.code, 'CW_ERR_RECEIVER');
        assert.equal(error.message, 'Splitter "Lines", part 2 of 4: part 1 refused');
        assert.equal(error.hint, 'fix the part');
        return true;
      },
    );
    assert.deepEqual(
      rec.seen.map((s) => s.body),
      ['a', 'b'],
    );
  });

  it('with stopOnException off runs every part, then fails with the first error', async () => {
    const rec = recorder({ fail: (i) => i === 1 || i === 2 });
    await assert.rejects(
      runSteps(
        `- splitter: { stopOnException: false, expression: { lineBreak: true }, steps: [{ requestReply: { receiver: rec } }] }`,
        { body: 'a\nb\nc\nd' },
        { receivers: rec.receivers },
      ),
      /part 2 of 4: part 1 refused/,
    );
    assert.equal(rec.seen.length, 4);
  });

  /**
   * Receivers for timeout tests: `wait` takes long for a part whose body is `slow` (ending early when
   * the part is cancelled, as real receivers do), at once for the others; `after` records the parts
   * that reached the step after it.
   */
  function slowParts() {
    const started: string[] = [];
    const after: string[] = [];
    const receivers: Record<string, Receiver> = {
      wait: {
        name: 'wait',
        adapter: 'test',
        async call(exchange: Exchange) {
          const body = exchange.message.body.text();
          started.push(body);
          if (body === 'slow') await delay(5_000, exchange.signal);
        },
      },
      after: {
        name: 'after',
        adapter: 'test',
        async call(exchange: Exchange) {
          after.push(exchange.message.body.text());
        },
      },
    };
    return { started, after, receivers };
  }
  const TIMED = (parallel: string, extra = '') =>
    `- splitter: { name: Lines, expression: { lineBreak: true }, parallel: ${parallel}${extra}, steps: [{ requestReply: { receiver: wait } }, { requestReply: { receiver: after } }] }`;

  it('parallel: at its timeout stops the running parts, and fails naming the step and the timeout', async () => {
    const parts = slowParts();
    const begun = performance.now();
    await assert.rejects(
      runSteps(TIMED('{ enabled: true, limit: 2, timeoutMs: 100 }'), { body: 'a\nslow\nb\nc' }, parts),
      (error: OperationalError) => {
        assert.ok(error instanceof OperationalError);
        assert.equal(error.code, 'CW_ERR_SPLITTER_TIMEOUT');
        assert.equal(
          error.message,
          'Splitter "Lines": the parts did not finish within the parallel processing timeout of 100 ms; 3 of 4 finished, the others were stopped.',
        );
        assert.match(error.hint ?? '', /parallel\.timeoutMs/);
        return true;
      },
    );
    assert.ok(performance.now() - begun < 3_000, 'failed at the timeout, not when the slow part ended');
    // Long enough for a part left running to reach the next step.
    await sleep(150);
    assert.deepEqual(parts.after.sort(), ['a', 'b', 'c']);
  });

  it('parallel: starts no further part after the timeout', async () => {
    const parts = slowParts();
    await assert.rejects(
      runSteps(TIMED('{ enabled: true, limit: 1, timeoutMs: 50 }'), { body: 'slow\na\nb' }, parts),
      /0 of 3 finished, the others were stopped/,
    );
    await sleep(100);
    assert.deepEqual(parts.started, ['slow']);
    assert.deepEqual(parts.after, []);
  });

  it('the timeout goes to the exception subprocess like any failure; the stopped step is logged', async () => {
    const parts = slowParts();
    const ex = await runSteps(
      TIMED('{ enabled: true, timeoutMs: 50 }'),
      { body: 'slow' },
      {
        ...parts,
        flow: "exceptionSubprocess:\n  steps: [ { contentModifier: { body: { value: 'handled: ${exception.message}' } } } ]",
      },
    );
    assert.match(ex.message.body.text(), /^handled: Splitter "Lines": the parts did not finish/);
    const stopped = ex.log.steps.find((step) => step.kind === 'requestReply');
    assert.match(stopped?.error ?? '', /timeout of 50 ms/);
  });

  it('a part that failed before the timeout is the error, not the timeout', async () => {
    const parts = slowParts();
    parts.receivers.after = {
      name: 'after',
      adapter: 'test',
      async call(exchange: Exchange) {
        throw new UserError('CW_ERR_RECEIVER', `refused ${exchange.message.body.text()}`);
      },
    };
    await assert.rejects(
      runSteps(TIMED('{ enabled: true, limit: 2, timeoutMs: 50 }'), { body: 'a\nslow' }, parts),
      /^UserError: Splitter "Lines", part 1 of 2: refused a$/,
    );
  });

  it('stops its parts when the message is cancelled, sequential or parallel, with the message’s reason', async () => {
    for (const parallel of ['{ enabled: false }', '{ enabled: true, limit: 1, timeoutMs: 60000 }']) {
      const parts = slowParts();
      const why = new CancelledError('stopped from outside');
      const scope = new CancelScope().abortAfter(50, () => why);
      await assert.rejects(
        runSteps(TIMED(parallel), { body: 'a\nslow\nb', signal: scope.signal }, parts),
        (error) => error === why,
      );
      await sleep(100);
      assert.deepEqual(parts.started, ['a', 'slow'], parallel);
      assert.deepEqual(parts.after, ['a'], parallel);
    }
  });

  it('compiles every example of its spec', () => {
    for (const example of splitterSpec.examples ?? []) {
      assert.deepEqual(stepErrors(example.yaml), [], example.title);
    }
  });
});
