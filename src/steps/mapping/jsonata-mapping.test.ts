import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSteps, stepErrors } from '../../testing/run-steps.ts';

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
});
