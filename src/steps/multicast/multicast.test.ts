import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Receiver } from '../../adapters/adapter.spec.ts';
import type { Exchange } from '../../engine/exchange.ts';
import { OperationalError } from '../../errors.ts';
import { assertClearFailure, failSteps, runSteps, stepErrors } from '../../testing/run-steps.ts';
import { multicastSpec } from './multicast.spec.ts';

const where = (yaml: string) => stepErrors(yaml).map((d) => `${d.line}:${d.col} ${d.message}`);

/** Receivers named after branches; each logs start and end, waits `delay` ms, and replies `reply`. */
function branches(spec: Record<string, { delay: number; reply: string; fail?: boolean }>) {
  const events: string[] = [];
  const receivers: Record<string, Receiver> = {};
  for (const [name, { delay, reply, fail }] of Object.entries(spec)) {
    receivers[name] = {
      name,
      adapter: 'test',
      async call(exchange: Exchange) {
        events.push(`start ${name}`);
        await sleep(delay);
        events.push(`end ${name}`);
        if (fail) throw new OperationalError('CW_ERR_RECEIVER', `${name} is down`, { hint: 'try later' });
        exchange.message.setBody(reply);
        exchange.message.headers.set('branch', name);
      },
    };
  }
  return { events, receivers };
}

const MULTICAST = (mode: string, join = '') => `
- multicast:
    name: Fan out
    mode: ${mode}
    branches:
      - { name: first, steps: [{ requestReply: { receiver: slow } }] }
      - { name: second, steps: [{ requestReply: { receiver: fast } }] }
${join}`;

describe('multicast', () => {
  it('sequential runs the branches one after another, in order', async () => {
    const { events, receivers } = branches({
      slow: { delay: 15, reply: '<a/>' },
      fast: { delay: 1, reply: '<b/>' },
    });
    await runSteps(MULTICAST('sequential'), { body: 'in' }, { receivers });
    assert.deepEqual(events, ['start slow', 'end slow', 'start fast', 'end fast']);
  });

  it('parallel starts every branch at once', async () => {
    const { events, receivers } = branches({
      slow: { delay: 15, reply: '<a/>' },
      fast: { delay: 1, reply: '<b/>' },
    });
    await runSteps(MULTICAST('parallel'), { body: 'in' }, { receivers });
    assert.deepEqual(events, ['start slow', 'start fast', 'end fast', 'end slow']);
  });

  it('without join the original message goes on; branches do not see each other', async () => {
    const { receivers } = branches({ slow: { delay: 1, reply: '<a/>' }, fast: { delay: 1, reply: '<b/>' } });
    const ex = await runSteps(MULTICAST('parallel'), { body: 'in', headers: { h: 1 } }, { receivers });
    assert.equal(ex.message.body.text(), 'in');
    assert.equal(ex.message.headers.get('branch'), undefined);
    assert.equal(ex.message.headers.get('h'), 1);
  });

  it('a branch changing the parsed body in place changes neither the other branch nor the original', async () => {
    const ex = await runSteps(
      `
- contentModifier: { headers: [{ name: id, source: jsonpath, value: '$.id' }] }
- multicast:
    branches:
      - steps:
          - script: { source: "function processData(m) { m.getBody('json').id = 99; return m; }" }
          - contentModifier: { headers: [{ name: id, source: jsonpath, value: '$.id' }] }
      - steps:
          - contentModifier: { body: { source: jsonpath, value: '$' } }
    join: { strategy: jsonArray }
`,
      { body: '{"id":1}' },
    );
    assert.equal(ex.message.body.text(), '[{"id":99},{"id":1}]');
    assert.equal(ex.message.headers.get('id'), 1);
  });

  it('joins in branch order whatever order they finish in, CPI different-format combine by default', async () => {
    const { receivers } = branches({ slow: { delay: 10, reply: '<a/>' }, fast: { delay: 1, reply: '<b/>' } });
    const ex = await runSteps(
      MULTICAST('parallel', '    join: { strategy: combine }'),
      { body: 'in' },
      { receivers },
    );
    assert.equal(
      ex.message.body.text(),
      `<?xml version='1.0' encoding='UTF-8'?><multimap:Messages xmlns:multimap="http://sap.com/xi/XI/SplitAndMerge"><multimap:Message1><a/></multimap:Message1><multimap:Message2><b/></multimap:Message2></multimap:Messages>`,
    );
  });

  it('joins by concatenation and into a JSON array', async () => {
    const text = branches({ slow: { delay: 2, reply: 'one;' }, fast: { delay: 1, reply: 'two' } });
    const concatenated = await runSteps(
      MULTICAST('parallel', '    join: { strategy: concatenate }'),
      {},
      text,
    );
    assert.equal(concatenated.message.body.text(), 'one;two');
    const json = branches({ slow: { delay: 1, reply: '[1,2]' }, fast: { delay: 1, reply: '{"x":3}' } });
    const array = await runSteps(MULTICAST('sequential', '    join: { strategy: jsonArray }'), {}, json);
    assert.equal(array.message.body.text(), '[1,2,{"x":3}]');
  });

  it('joins branches whose receiver replied with a stream', async () => {
    const streamed: Receiver = {
      name: 'streamed',
      adapter: 'test',
      call: async (exchange) => exchange.message.setBody(Readable.from([Buffer.from('<s/>')])),
    };
    const ex = await runSteps(
      `
- multicast:
    mode: parallel
    branches: [{ steps: [{ requestReply: { receiver: streamed } }] }, { steps: [] }]
    join: { strategy: concatenate }
`,
      { body: '<in/>' },
      { receivers: { streamed } },
    );
    assert.equal(ex.message.body.text(), '<s/><in/>');
  });

  it('a failing branch fails the multicast, naming the branch and keeping the error kind', async () => {
    for (const mode of ['sequential', 'parallel']) {
      const { events, receivers } = branches({
        slow: { delay: 5, reply: 'a', fail: true },
        fast: { delay: 1, reply: 'b' },
      });
      await assert.rejects(runSteps(MULTICAST(mode), {}, { receivers }), (error: OperationalError) => {
        assert.ok(error instanceof OperationalError, mode);
        assert.equal(error.retryable, true);
        assert.equal(error.code, 'CW_ERR_RECEIVER');
        assert.equal(error.message, 'Multicast "Fan out", branch "first": slow is down');
        assert.equal(error.hint, 'try later');
        return true;
      });
      // Sequential stops at the failure; parallel lets the other branch finish first.
      assert.deepEqual(
        events,
        mode === 'sequential'
          ? ['start slow', 'end slow']
          : ['start slow', 'start fast', 'end fast', 'end slow'],
      );
    }
  });

  it('a join that cannot read a branch result ends the message FAILED, naming the multicast and the part', async () => {
    const joinAt = (branches: string) => `
- multicast:
    name: Collect
    branches:
${branches}
    join: { strategy: combineAtXpath, xpath: //Item }
`;
    assertClearFailure(
      await failSteps(
        joinAt(
          '      - { steps: [] }\n      - { steps: [{ contentModifier: { body: { value: \'{"Item": 1}\' } } }] }',
        ),
        { body: '<Items><Item>1</Item></Items>' },
      ),
      {
        code: 'CW_ERR_STEP',
        step: 'Collect',
        message: /^Multicast "Collect": part 2 is not well-formed XML \(.+\), which combineAtXpath needs\.$/,
      },
    );
    assertClearFailure(await failSteps(joinAt('      - { steps: [] }'), { body: 'plain text' }), {
      code: 'CW_ERR_STEP',
      step: 'Collect',
      message: /^Multicast "Collect": part 1 is not well-formed XML/,
    });
  });

  it('reports bad options with line and column', () => {
    assert.deepEqual(where('- multicast: { mode: random, branches: [{ steps: [] }] }'), [
      "1:22 steps[0].multicast.mode: 'random' is not one of 'sequential', 'parallel'",
    ]);
    assert.deepEqual(where('- multicast: { branches: [] }'), [
      "1:26 steps[0].multicast.branches: 'branches': expected array length to be greater or equal to 1, got []",
    ]);
    assert.deepEqual(where('- multicast: { branches: [{ name: a }] }'), [
      "1:27 steps[0].multicast.branches[0]: missing required option 'steps'",
    ]);
    assert.deepEqual(
      where(`
- multicast:
    branches:
      - { steps: [{ requestReply: { receiver: nowhere } }] }
    join: { strategy: combineAtXpath }
`),
      [
        "3:47 steps[0].multicast.branches[0].steps[0].requestReply.receiver: unknown receiver 'nowhere'",
        '4:11 steps[0].multicast.join: strategy combineAtXpath needs an `xpath`',
      ],
    );
    assert.deepEqual(where('- multicast: { branches: [{ steps: [] }], gather: {} }'), [
      "1:43 steps[0].multicast.gather: unknown option 'gather'",
    ]);
  });

  it('compiles every example of its spec', () => {
    for (const example of multicastSpec.examples ?? []) {
      assert.deepEqual(stepErrors(example.yaml), [], example.title);
    }
  });
});
