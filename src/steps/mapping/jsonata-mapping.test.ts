import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertClearFailure,
  describeErrors,
  failSteps,
  runSteps,
  stepErrors,
} from '../../testing/run-steps.ts';

describe('jsonataMapping', () => {
  it('maps the body and writes JSON', async () => {
    const ex = await runSteps(
      `- jsonataMapping:\n    expression: '{ "id": order.id, "total": $sum(order.items.(price * qty)) }'`,
      { body: '{"order":{"id":"A1","items":[{"price":2,"qty":3},{"price":1.5,"qty":2}]}}' },
    );
    assert.deepEqual(JSON.parse(ex.message.body.text()), { id: 'A1', total: 9 });
    assert.equal(ex.message.headers.get('Content-Type'), 'application/json');
  });

  it('reads the expression from a file and writes a string result as JSON', async () => {
    const ex = await runSteps(
      '- jsonataMapping: { file: mappings/name.jsonata }',
      { body: '{"name":"ann"}' },
      { files: { 'mappings/name.jsonata': '$uppercase(name)' } },
    );
    assert.equal(ex.message.body.text(), '"ANN"');
  });

  it('reports a syntax error at load time and needs exactly one source', () => {
    assert.equal(stepErrors('- jsonataMapping: { expression: \'{ "a": \' }').length, 1);
    assert.match(
      stepErrors('- jsonataMapping: {}')[0]?.message ?? '',
      /exactly one of `expression` or `file`/,
    );
  });

  it('fails on a body that is not JSON', async () => {
    await assert.rejects(runSteps("- jsonataMapping: { expression: 'a' }", { body: '<xml/>' }), /JSON/);
  });

  it('ends a message it cannot map FAILED, naming the step and the expression', async () => {
    assertClearFailure(
      await failSteps("- jsonataMapping: { name: Order map, expression: 'order.id' }", { body: '<order/>' }),
      {
        code: 'CW_ERR_MAPPING',
        step: 'Order map',
        message:
          /^Step 'Order map' \(steps\[0\]\.jsonataMapping\): the JSONata mapping failed: JSONata expression 'order\.id' failed: The message body is not valid JSON/,
      },
    );
    assertClearFailure(
      await failSteps("- jsonataMapping: { expression: '$number(qty)' }", { body: '{"qty":"two"}' }),
      {
        code: 'CW_ERR_MAPPING',
        step: 'steps[0].jsonataMapping',
        message:
          /JSONata expression '\$number\(qty\)' failed: Unable to cast value to a number: "two" \(D3030\)$/,
      },
    );
  });

  it('reports bad definitions at the option, with line, column and hint', () => {
    assert.deepEqual(describeErrors(`- jsonataMapping:\n    expression: '{ "a": '`), [
      '2:25 steps[0].jsonataMapping.expression: Invalid JSONata expression \'{ "a": \': Expected "}" before end of expression (at offset 7) (hint: See https://docs.jsonata.org for the syntax; read headers with $header("name") and properties with $property("name").)',
    ]);
    assert.deepEqual(describeErrors('- jsonataMapping: { expression: a, file: m.jsonata }'), [
      '1:19 steps[0].jsonataMapping: A JSONata mapping needs exactly one of `expression` or `file`. (hint: Write the expression inline, or name a file.)',
    ]);
    assert.deepEqual(describeErrors('- jsonataMapping: { file: mappings/none.jsonata }'), [
      "1:27 steps[0].jsonataMapping.file: cannot read 'mappings/none.jsonata': ENOENT (hint: The path is relative to the flow file.)",
    ]);
    assert.deepEqual(describeErrors('- jsonataMapping: { expresion: a }'), [
      "1:21 steps[0].jsonataMapping.expresion: unknown option 'expresion' (hint: Did you mean 'expression'? Valid options: name, expression, file)",
    ]);
  });
});
