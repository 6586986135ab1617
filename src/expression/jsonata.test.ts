import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exchange } from '../engine/exchange.ts';
import { compileExpression, ExpressionSyntaxError } from './index.ts';

const order = () =>
  new Exchange({
    body: {
      id: 'A-1',
      items: [
        { sku: 'x1', qty: 2, price: 10 },
        { sku: 'x2', qty: 1, price: 5 },
      ],
    },
    headers: { 'X-Tenant': 'eu', Count: 3 },
    properties: { region: 'north', rate: 2 },
    flowId: 'orders',
  });

/** JSONata builds its objects without a prototype; compare plain data. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('JSONata', () => {
  const cases: Array<[source: string, expected: unknown]> = [
    ['id', 'A-1'],
    ['$sum(items.(qty * price))', 25],
    ['items[qty > 1].sku', 'x1'],
    ['items.sku', ['x1', 'x2']],
    ['{"order": id, "lines": $count(items)}', { order: 'A-1', lines: 2 }],
    ['$header("x-tenant")', 'eu'],
    ['$header("X-TENANT") & "-" & $property("region")', 'eu-north'],
    ['$property("rate") * $header("Count")', 6],
    ['$headers.Count', 3],
    ['$properties.region', 'north'],
    ['$flowId', 'orders'],
    ['missing', undefined],
    ['$header("none")', undefined],
  ];
  for (const [source, expected] of cases) {
    it(`${source} → ${JSON.stringify(expected)}`, async () => {
      const expression = compileExpression(source, 'jsonata');
      const result = expression.evaluate(order());
      assert.ok(result instanceof Promise, 'JSONata evaluates asynchronously');
      const value = await result;
      assert.deepEqual(value === undefined ? value : plain(value), expected);
    });
  }

  it('binds $exchangeId to the exchange', async () => {
    const ex = order();
    assert.equal(await compileExpression('$exchangeId', 'jsonata').evaluate(ex), ex.id);
  });

  const bad: Array<[source: string, offset: number, message: RegExp]> = [
    ['$sum(items.qty', 14, /Expected "\)"/],
    ['items[qty > 1', 13, /Expected "\]"/],
    ['id id', 3, /Syntax error/],
    ['"open', 5, /matching quote/],
    ['{"a": }', 6, /./],
  ];
  for (const [source, offset, message] of bad) {
    it(`rejects ${source} at ${offset}`, () => {
      assert.throws(
        () => compileExpression(source, 'jsonata'),
        (error: unknown) =>
          error instanceof ExpressionSyntaxError &&
          error.code === 'CW_ERR_EXPRESSION' &&
          error.offset === offset &&
          message.test(error.message),
      );
    });
  }

  it('rejects evaluation errors with the expression named', async () => {
    const run = (source: string, ex: Exchange) =>
      compileExpression(source, 'jsonata').evaluate(ex) as Promise<unknown>;
    await assert.rejects(run('$number("abc")', order()), {
      code: 'CW_ERR_EXPRESSION_EVAL',
      message: /JSONata expression '\$number\("abc"\)' failed: .*D3030/,
    });
    await assert.rejects(run('id', new Exchange({ body: 'not json' })), {
      code: 'CW_ERR_EXPRESSION_EVAL',
      message: /not valid JSON/,
    });
  });
});
