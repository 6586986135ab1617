import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exchange } from '../engine/exchange.ts';
import { compileExpression, ExpressionSyntaxError } from './index.ts';

const order = () =>
  new Exchange({
    body: JSON.stringify({
      id: 'A-1',
      customer: { name: 'ACME', 'tax-id': 'DE1' },
      items: [
        { sku: 'x1', price: 10.5, tags: ['new'] },
        { sku: 'x2', price: 20, tags: [] },
      ],
      empty: null,
    }),
  });

describe('JSONPath', () => {
  const cases: Array<[source: string, expected: unknown]> = [
    ['$.id', 'A-1'],
    ['$.customer.name', 'ACME'],
    ["$.customer['tax-id']", 'DE1'],
    ['$.items[0].price', 10.5],
    ['$.items[-1:].sku', 'x2'],
    ['$.items[*].sku', ['x1', 'x2']],
    ['$..price', [10.5, 20]],
    ['$.items[?(@.price > 15)].sku', 'x2'],
    ['$.items[?(@.price > 5)].sku', ['x1', 'x2']],
    ["$.items[?(@.sku == 'x1')].tags", ['new']],
    ['$.items[?(@.price > 100)].sku', undefined],
    ['$.missing', undefined],
    ['$.empty', null],
    ['$.items.length', 2],
    ['$.customer', { name: 'ACME', 'tax-id': 'DE1' }],
  ];
  for (const [source, expected] of cases) {
    it(`${source} → ${JSON.stringify(expected)}`, () => {
      const expression = compileExpression(source, 'jsonpath');
      assert.equal(expression.language, 'jsonpath');
      assert.deepEqual(expression.evaluate(order()), expected);
    });
  }

  it('reads a body set from data without serializing it', () => {
    const ex = new Exchange({ body: { total: 99 } });
    assert.equal(compileExpression('$.total', 'jsonpath').evaluate(ex), 99);
  });

  const bad: Array<[source: string, offset: number, message: RegExp]> = [
    ['', 0, /empty/],
    ['$.items[0', 7, /'\[' is not closed/],
    ['$.items]', 7, /'\]' has no matching/],
    ["$['id]", 2, /text starting with ' is not closed/],
    ['$.items[?(@.price >)].sku', 19, /bad filter/],
    ['$.items[?(@.price = = 1)]', 20, /bad filter: Expected expression after =/],
    ['$.items[(1]', 10, /'\]' has no matching opening bracket/],
  ];
  for (const [source, offset, message] of bad) {
    it(`rejects ${source || '(empty)'} at ${offset}`, () => {
      assert.throws(
        () => compileExpression(source, 'jsonpath'),
        (error: unknown) =>
          error instanceof ExpressionSyntaxError &&
          error.offset === offset &&
          message.test(error.message) &&
          (error.hint?.length ?? 0) > 10,
      );
    });
  }

  it('fails at run time on a body that is not JSON, naming the expression', () => {
    assert.throws(() => compileExpression('$.id', 'jsonpath').evaluate(new Exchange({ body: '<a/>' })), {
      code: 'CW_ERR_EXPRESSION_EVAL',
      message: /JSONPath expression '\$\.id' failed: The message body is not valid JSON/,
    });
  });
});
