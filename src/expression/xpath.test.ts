import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exchange } from '../engine/exchange.ts';
import { compileExpression, compilePredicate, ExpressionSyntaxError, type XPathResultType } from './index.ts';

const ORDER = `<?xml version="1.0"?>
<ns0:Order xmlns:ns0="urn:example:orders" xmlns:p="urn:example:parties" id="A-1">
  <ns0:Customer><p:Name>ACME</p:Name></ns0:Customer>
  <ns0:Item sku="x1"><ns0:Price>10.5</ns0:Price></ns0:Item>
  <ns0:Item sku="x2"><ns0:Price>20</ns0:Price></ns0:Item>
  <Note>plain</Note>
</ns0:Order>`;
const namespaces = { ns0: 'urn:example:orders', p: 'urn:example:parties' };
const order = () => new Exchange({ body: ORDER });

describe('XPath', () => {
  const cases: Array<[source: string, type: XPathResultType, expected: unknown]> = [
    ['/ns0:Order/ns0:Customer/p:Name', 'string', 'ACME'],
    ['/ns0:Order/@id', 'string', 'A-1'],
    ['//Note', 'string', 'plain'],
    ['//ns0:Item[2]/@sku', 'string', 'x2'],
    ['/ns0:Order/ns0:Missing', 'string', ''],
    ['sum(//ns0:Price)', 'number', 30.5],
    ['count(//ns0:Item)', 'number', 2],
    ['//ns0:Item[1]/ns0:Price', 'number', 10.5],
    ['count(//ns0:Item) > 1', 'boolean', true],
    ['//ns0:Missing', 'boolean', false],
    [
      '//ns0:Item[@sku="x2"]',
      'node',
      '<ns0:Item sku="x2" xmlns:ns0="urn:example:orders"><ns0:Price>20</ns0:Price></ns0:Item>',
    ],
    ['//ns0:Missing', 'node', undefined],
    ['//ns0:Item/@sku', 'node', 'x1'],
    [
      '//ns0:Price',
      'nodelist',
      [
        '<ns0:Price xmlns:ns0="urn:example:orders">10.5</ns0:Price>',
        '<ns0:Price xmlns:ns0="urn:example:orders">20</ns0:Price>',
      ],
    ],
    ['//ns0:Price/text()', 'nodelist', ['10.5', '20']],
    ['//ns0:Missing', 'nodelist', []],
  ];
  for (const [source, resultType, expected] of cases) {
    it(`${source} as ${resultType}`, () => {
      const expression = compileExpression(source, 'xpath', { namespaces, resultType });
      assert.equal(expression.language, 'xpath');
      assert.deepEqual(expression.evaluate(order()), expected);
    });
  }

  it('defaults to a string result', () => {
    assert.equal(compileExpression('count(//ns0:Item)', 'xpath', { namespaces }).evaluate(order()), '2');
  });

  it('uses the prefixes of the mapping, not those of the document', () => {
    const expression = compileExpression('/o:Order/@id', 'xpath', {
      namespaces: { o: 'urn:example:orders' },
    });
    assert.equal(expression.evaluate(order()), 'A-1');
  });

  it('tests conditions as predicates', () => {
    const cases: Array<[string, boolean]> = [
      ['sum(//ns0:Price) > 30', true],
      ["/ns0:Order/ns0:Customer/p:Name = 'ACME'", true],
      ["/ns0:Order/ns0:Customer/p:Name = 'Other'", false],
      ['//ns0:Item[ns0:Price > 15]', true],
      ['//ns0:Item[ns0:Price > 25]', false],
      ['not(//ns0:Missing) and count(//ns0:Item) = 2', true],
    ];
    for (const [source, expected] of cases) {
      assert.equal(compilePredicate(source, 'xpath', { namespaces }).test(order()), expected, source);
    }
  });

  const bad: Array<[source: string, offset: number, message: RegExp]> = [
    ['', 0, /empty/],
    ['/a/[b]', 3, /unexpected '\['/],
    ['/a/b[', 5, /ends too early/],
    ['/a/b]', 4, /unexpected '\]'/],
    ["/a[@x='1' and]", 13, /unexpected '\]'/],
    ['count(//a', 9, /ends too early/],
    ['/a#b', 2, /unexpected character '#'/],
    ['/ns0:Order/x:Item', 11, /prefix 'x' is not mapped/],
    ['//ns1:*', 2, /prefix 'ns1' is not mapped/],
    ['f:upper(//a)', 0, /prefix 'f' is not mapped/],
  ];
  for (const [source, offset, message] of bad) {
    it(`rejects ${source || '(empty)'} at ${offset}`, () => {
      assert.throws(
        () => compileExpression(source, 'xpath', { namespaces }),
        (error: unknown) =>
          error instanceof ExpressionSyntaxError &&
          error.code === 'CW_ERR_EXPRESSION' &&
          error.offset === offset &&
          message.test(error.message) &&
          (error.hint?.length ?? 0) > 10,
      );
    });
  }

  it('lists the mapped prefixes when one is missing', () => {
    assert.throws(() => compileExpression('//q:a', 'xpath', { namespaces }), { hint: /mapped now: ns0, p/ });
  });

  it('fails at run time on a body that is not XML, naming the expression', () => {
    const json = new Exchange({ body: '{"a":1}' });
    assert.throws(() => compileExpression('/a', 'xpath').evaluate(json), {
      code: 'CW_ERR_EXPRESSION_EVAL',
      message: /XPath expression '\/a' failed/,
    });
    assert.throws(() => compilePredicate('/a', 'xpath').test(json), { code: 'CW_ERR_EXPRESSION_EVAL' });
  });

  it('parses the body once and reuses it across expressions', () => {
    const ex = order();
    const first = compileExpression('//Note', 'xpath').evaluate(ex);
    assert.equal(ex.message.body.xml(), ex.message.body.xml());
    assert.equal(first, 'plain');
  });
});

describe('expression languages', () => {
  it('rejects an unknown language with the valid ones in the hint', () => {
    assert.throws(() => compileExpression('$.a', 'jsonpth' as never), {
      code: 'CW_ERR_EXPRESSION',
      hint: /simple, xpath, jsonpath, jsonata/,
    });
    assert.throws(() => compilePredicate('$.a', 'jsonpath' as never), {
      code: 'CW_ERR_EXPRESSION',
      hint: /xpath/,
    });
  });
});
