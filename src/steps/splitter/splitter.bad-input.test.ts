import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClearFailure, failSteps } from '../../testing/run-steps.ts';

// What a user sees for a splitter they wrote wrong or a message it cannot split: the place and a hint
// for a bad definition, a FAILED log entry naming the step for a bad message.

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
});
