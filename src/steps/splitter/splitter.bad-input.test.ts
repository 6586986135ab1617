import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Receiver } from '../../adapters/adapter.spec.ts';
import { delay } from '../../engine/cancel.ts';
import { UserError } from '../../errors.ts';
import {
  assertClearFailure,
  describeErrors,
  failSteps,
  type StepFailure,
  stepErrors,
} from '../../testing/run-steps.ts';

// What a user sees for a splitter they wrote wrong or a message it cannot split: the place and a hint
// for a bad definition, a FAILED log entry naming the step for a bad message.

/** A definition with one problem: where it is reported, and what its hint must say. */
const BAD_DEFINITIONS: Array<[yaml: string, reported: string, hint: RegExp]> = [
  [
    '- splitter: { expression: {} }',
    '1:27 steps[0].splitter.expression: the splitter expression is empty',
    /^Give exactly one of `xpath`, `jsonpath`, `lineBreak: true`, `token`\.$/,
  ],
  [
    "- splitter: { expression: { xpath: /a, token: ',' } }",
    '1:27 steps[0].splitter.expression: the splitter expression has xpath and token; it takes one',
    /^Give exactly one of `xpath`, `jsonpath`, `lineBreak: true`, `token`\.$/,
  ],
  [
    '- splitter: { steps: [] }',
    "1:13 steps[0].splitter: missing required option 'expression'",
    /^Where to split: exactly one of xpath, jsonpath, lineBreak, token\.$/,
  ],
  [
    '- splitter: { expression: /a }',
    '1:27 steps[0].splitter.expression: \'expression\': expected object, got "/a"',
    /^Where to split: exactly one of/,
  ],
  [
    '- splitter: { expression: { xpth: /a } }',
    "1:29 steps[0].splitter.expression.xpth: unknown option 'xpth'",
    /^Did you mean 'xpath'\? Valid options: xpath, jsonpath, lineBreak, token$/,
  ],
  [
    '- splitter: { expression: { lineBreak: false } }',
    "1:40 steps[0].splitter.expression.lineBreak: 'lineBreak': expected true, got false",
    /^One part per line/,
  ],
  [
    "- splitter: { expression: { token: '' } }",
    '1:36 steps[0].splitter.expression.token: \'token\': expected string length greater or equal to 1, got ""',
    /^Split at each occurrence of this text\.$/,
  ],
  [
    '- splitter: { expression: { xpath: /x:a } }',
    "1:37 steps[0].splitter.expression.xpath: Invalid XPath expression '/x:a': namespace prefix 'x' is not mapped (at offset 1)",
    /^Map it in the flow's namespaces/,
  ],
  [
    "- splitter: { expression: { jsonpath: '$[?(@.a ==)]' } }",
    "1:50 steps[0].splitter.expression.jsonpath: Invalid JSONPath expression '$[?(@.a ==)]': bad filter: Expected expression after == (at offset 10)",
    /^Write a JSONPath such as/,
  ],
  [
    '- splitter: { expression: { xpath: /a }, type: nested }',
    "1:48 steps[0].splitter.type: 'nested' is not one of 'general', 'iterating'",
    /^general: each XML part keeps its envelope/,
  ],
  [
    '- splitter: { expression: { xpath: /a }, stopOnError: true }',
    "1:42 steps[0].splitter.stopOnError: unknown option 'stopOnError'",
    /^Valid options: name, type, expression, grouping, parallel, streaming, stopOnException, steps, gather$/,
  ],
  [
    '- splitter: { expression: { lineBreak: true }, grouping: 0 }',
    "1:58 steps[0].splitter.grouping: 'grouping': expected integer to be greater or equal to 1, got 0",
    /^Items per part \(CPI’s Grouping\)\.$/,
  ],
  [
    '- splitter: { expression: { lineBreak: true }, parallel: true }',
    "1:58 steps[0].splitter.parallel: 'parallel': expected object, got true",
    /^Parallel processing of the parts\.$/,
  ],
  [
    '- splitter: { expression: { lineBreak: true }, parallel: { enabled: true, limit: 60 } }',
    "1:82 steps[0].splitter.parallel.limit: 'limit': expected integer to be less or equal to 50, got 60",
    /at most 50/,
  ],
  [
    '- splitter: { expression: { lineBreak: true }, parallel: { timeoutMs: 5m } }',
    '1:71 steps[0].splitter.parallel.timeoutMs: \'timeoutMs\': expected integer, got "5m"',
    /in ms \(CPI’s Timeout, 300 s by default\)/,
  ],
  [
    '- splitter: { expression: { lineBreak: true }, parallel: { enabled: true, timeoutMs: 0 } }',
    "1:86 steps[0].splitter.parallel.timeoutMs: 'timeoutMs': expected integer to be greater or equal to 1, got 0",
    /in ms \(CPI’s Timeout, 300 s by default\)/,
  ],
  [
    '- splitter: { expression: { lineBreak: true }, steps: { end: {} } }',
    '1:55 steps[0].splitter.steps: \'steps\': expected array, got {"end":{}}',
    /^Steps run on each part\.$/,
  ],
  [
    '- splitter: { expression: { lineBreak: true }, gather: { strategy: merge } }',
    "1:68 steps[0].splitter.gather.strategy: 'merge' is not one of 'combine', 'combineAtXpath', 'concatenate', 'jsonArray'",
    /^combine: XML in CPI’s multi-mapping format/,
  ],
  [
    '- splitter: { expression: { lineBreak: true }, gather: { strategy: combineAtXpath } }',
    '1:56 steps[0].splitter.gather: strategy combineAtXpath needs an `xpath`',
    /^Add `xpath:` naming the nodes to combine\.$/,
  ],
];

describe('splitter: bad definitions', () => {
  it('reports each at its line and column, with a hint', () => {
    for (const [yaml, reported, hint] of BAD_DEFINITIONS) {
      const found = stepErrors(yaml);
      assert.deepEqual(
        found.map((d) => `${d.line}:${d.col} ${d.message}`),
        [reported],
        yaml,
      );
      assert.match(found[0].hint ?? '(no hint)', hint, yaml);
    }
  });

  it('reports a bad expression and a bad step inside it together', () => {
    assert.deepEqual(
      describeErrors("- splitter: { expression: { xpath: '/a[1' }, steps: [{ filter: {} }] }"),
      [
        "1:41 steps[0].splitter.expression.xpath: Invalid XPath expression '/a[1': the expression ends too early (at offset 4) (hint: Write an XPath 1.0 expression, for example /ns0:Order/Total or count(//Item) > 2 (string literals in '…').)",
        '1:64 steps[0].splitter.steps[0].filter: the filter needs an `xpath` (or a `jsonpath`) (hint: Give exactly one of `xpath` and `jsonpath`.)',
      ],
    );
  });
});

/** A receiver that fails the parts whose body is listed, with what `fail` throws. */
function failing(bodies: string[], fail: (body: string) => unknown): Record<string, Receiver> {
  return {
    rec: {
      name: 'rec',
      adapter: 'test',
      async call(exchange) {
        const body = exchange.message.body.text();
        if (bodies.includes(body)) throw fail(body);
      },
    },
  };
}

const LINES = (extra = '') =>
  `- splitter: { name: Lines, expression: { lineBreak: true }${extra}, steps: [{ requestReply: { name: Post, receiver: rec } }] }`;

/**
 * A message failed by its parts: logged FAILED with the error, each failed step in a part with that
 * part's own error, then the splitter with the error that names the part.
 */
function assertPartFailure(
  failure: StepFailure,
  expected: { code: string; message: string; hint: RegExp; inParts: string[] },
): void {
  const { error, entry } = failure;
  assert.equal(entry.status, 'FAILED');
  assert.equal(entry.error, error.message);
  assert.equal(error.code, expected.code);
  assert.equal(error.message, expected.message);
  assert.match(error.hint ?? '(no hint)', expected.hint);
  assert.deepEqual(
    entry.steps.filter((s) => s.error !== undefined).map((s) => [s.step, s.error]),
    [...expected.inParts.map((e) => ['Post', e]), ['Lines', error.message]],
  );
}

describe('splitter: bad messages', () => {
  it('fails a message that is not the format its expression reads, naming the expression', async () => {
    // Body.xml() and Body.json() fail with CW_ERR_CONVERSION; read inside the expression's evaluation,
    // the error also names the expression (as the filter's does) and keeps the body's hint.
    const xml = await failSteps('- splitter: { name: Orders, expression: { xpath: /a } }', {
      body: '{"a":1}',
    });
    assertClearFailure(xml, {
      code: 'CW_ERR_EXPRESSION_EVAL',
      step: 'Orders',
      message: /^XPath expression '\/a' failed: The message body is not well-formed XML: /,
    });
    assert.match(xml.error.hint ?? '', /convert it first \(for example JSON to XML\)/);
    const json = await failSteps("- splitter: { expression: { jsonpath: '$.a' } }", { body: '<a/>' });
    assertClearFailure(json, {
      code: 'CW_ERR_EXPRESSION_EVAL',
      step: 'steps[0].splitter',
      message: /^JSONPath expression '\$\.a' failed: The message body is not valid JSON: /,
    });
    assert.match(json.error.hint ?? '', /convert it first \(for example XML to JSON\)/);
    assertClearFailure(
      await failSteps("- splitter: { expression: { xpath: 'count(/a)' } }", { body: '<a/>' }),
      {
        code: 'CW_ERR_EXPRESSION_EVAL',
        step: 'steps[0].splitter',
        message: /^XPath expression 'count\(\/a\)' failed: Cannot convert number to nodeset/,
      },
    );
  });

  it('logs a failing part at its step and at the splitter, keeping the code and hint', async () => {
    const receivers = failing(
      ['b'],
      (body) =>
        new UserError('CW_ERR_RECEIVER', `order ${body} refused`, {
          hint: 'Fix the order.',
        }),
    );
    assertPartFailure(await failSteps(LINES(), { body: 'a\nb\nc' }, { receivers }), {
      code: 'CW_ERR_RECEIVER',
      message: 'Splitter "Lines", part 2 of 3: order b refused',
      hint: /^Fix the order\.$/,
      inParts: ['order b refused'],
    });
  });

  it('with stopOnException off, logs every failed part and fails with the first', async () => {
    const receivers = failing(
      ['b', 'c'],
      (body) =>
        new UserError('CW_ERR_RECEIVER', `order ${body} refused`, {
          hint: 'Fix the order.',
        }),
    );
    assertPartFailure(
      await failSteps(LINES(', stopOnException: false'), { body: 'a\nb\nc\nd' }, { receivers }),
      {
        code: 'CW_ERR_RECEIVER',
        message: 'Splitter "Lines", part 2 of 4: order b refused',
        hint: /^Fix the order\.$/,
        inParts: ['order b refused', 'order c refused'],
      },
    );
  });

  it('gives a part error without a Causeway code one, and a hint, naming the part', async () => {
    const receivers = failing(
      ['b'],
      () => new TypeError("Cannot read properties of undefined (reading 'id')"),
    );
    assertPartFailure(await failSteps(LINES(), { body: 'a\nb\nc' }, { receivers }), {
      code: 'CW_ERR_UNEXPECTED',
      message: `Splitter "Lines", part 2 of 3: Cannot read properties of undefined (reading 'id')`,
      hint: /bug in Causeway or in an adapter/,
      inParts: ["Cannot read properties of undefined (reading 'id')"],
    });
  });

  it('logs a parallel split that passed its timeout at the stopped step and the splitter', async () => {
    const receivers: Record<string, Receiver> = {
      rec: {
        name: 'rec',
        adapter: 'test',
        async call(exchange) {
          if (exchange.message.body.text() === 'slow') await delay(5_000, exchange.signal);
        },
      },
    };
    const failure = await failSteps(
      LINES(', parallel: { enabled: true, timeoutMs: 50 }'),
      { body: 'a\nslow' },
      { receivers },
    );
    const message =
      'Splitter "Lines": the parts did not finish within the parallel processing timeout of 50 ms; 1 of 2 finished, the others were stopped.';
    assertPartFailure(failure, {
      code: 'CW_ERR_SPLITTER_TIMEOUT',
      message,
      hint: /parallel\.timeoutMs/,
      inParts: [message],
    });
  });
});
