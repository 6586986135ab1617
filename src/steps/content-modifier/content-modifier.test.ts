// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests hold Simple sources
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exchange } from '../../engine/exchange.ts';
import { compileExpression, compileTemplate, type ExpressionLanguage } from '../../expression/index.ts';
import type { Path } from '../../flow/path.ts';
import {
  assertClearFailure,
  describeErrors,
  failSteps,
  runSteps,
  stepErrors,
} from '../../testing/run-steps.ts';
import type { CompileContext } from '../step.spec.ts';
import { contentModifierSpec } from './content-modifier.spec.ts';
import { compileContentModifier } from './content-modifier.ts';

const where = (yaml: string) => stepErrors(yaml).map((d) => `${d.line}:${d.col} ${d.message}`);

describe('contentModifier', () => {
  it('creates headers from every source, then properties, then the body', async () => {
    const ex = await runSteps(
      `
- contentModifier:
    headers:
      - { name: fixed, value: 'a b' }
      - { name: copied, source: header, value: In }
      - { name: fromProp, source: property, value: p }
      - { name: id, source: jsonpath, value: '$.order.id', type: java.lang.Integer }
      - { name: sku, source: jsonata, value: 'order.items[0].sku' }
      - { name: both, source: expression, value: '\${header.fixed}/\${header.id}' }
      - { name: param, source: parameter, value: 'from-loader' }
    properties:
      - { name: seen, source: expression, value: '\${header.both}' }
      - { name: total, source: jsonpath, value: '$.order.total', type: java.lang.Double }
    body:
      value: 'order \${header.id} for \${property.seen}'
      contentType: text/plain
`,
      {
        body: '{"order":{"id":"42","total":"9.5","items":[{"sku":"X1"}]}}',
        headers: { in: 'from-sender' },
        properties: { p: 'prop' },
      },
    );
    const h = ex.message.headers;
    assert.equal(h.get('fixed'), 'a b');
    assert.equal(h.get('copied'), 'from-sender');
    assert.equal(h.get('fromProp'), 'prop');
    assert.equal(h.get('id'), 42);
    assert.equal(h.get('sku'), 'X1');
    assert.equal(h.get('both'), 'a b/42');
    assert.equal(h.get('param'), 'from-loader');
    assert.equal(ex.properties.get('seen'), 'a b/42');
    assert.equal(ex.properties.get('total'), 9.5);
    assert.equal(ex.message.body.text(), 'order 42 for a b/42');
    assert.equal(h.get('content-type'), 'text/plain');
  });

  it('reads XPath with the flow namespaces, as the type asked, with a default when nothing is found', async () => {
    const ex = await runSteps(
      `
- contentModifier:
    headers:
      - { name: customer, source: xpath, value: '/o:Order/o:Customer', type: java.lang.String }
      - { name: count, source: xpath, value: 'count(//o:Item)', type: java.lang.Integer }
      - { name: big, source: xpath, value: '/o:Order/@total > 100', type: java.lang.Boolean }
      - { name: first, source: xpath, value: '//o:Item', type: org.w3c.dom.Node }
      - { name: missing, source: xpath, value: '/o:Order/o:Nope', default: none }
      - { name: absent, source: header, value: nothere, default: 7, type: java.lang.Integer }
`,
      {
        body: '<o:Order xmlns:o="urn:o" total="150"><o:Customer>ACME</o:Customer><o:Item>1</o:Item><o:Item>2</o:Item></o:Order>',
      },
      { flow: "namespaces: { o: 'urn:o' }" },
    );
    const h = ex.message.headers;
    assert.equal(h.get('customer'), 'ACME');
    assert.equal(h.get('count'), 2);
    assert.equal(h.get('big'), true);
    assert.equal(h.get('first'), '<o:Item xmlns:o="urn:o">1</o:Item>');
    assert.equal(h.get('missing'), 'none');
    assert.equal(h.get('absent'), 7);
  });

  it('leaves an entry absent when its source finds nothing and there is no default', async () => {
    const ex = await runSteps(
      `
- contentModifier:
    headers:
      - { name: id, source: jsonpath, value: '$.missing' }
      - { name: copy, source: header, value: nothere }
    properties:
      - { name: p, source: jsonpath, value: '$.missing' }
`,
      { body: '{"a":1}', headers: { id: 'stale' }, properties: { p: 'stale' } },
    );
    assert.equal(ex.message.headers.has('id'), false);
    assert.equal(ex.message.headers.has('copy'), false);
    assert.equal(ex.properties.has('p'), false);
  });

  it('sets the body from a header, a property, XPath and JSONata', async () => {
    const fromHeader = await runSteps(`- contentModifier: { body: { source: header, value: payload } }`, {
      headers: { payload: '<a/>' },
    });
    assert.equal(fromHeader.message.body.text(), '<a/>');
    const fromXpath = await runSteps(
      `- contentModifier: { body: { source: xpath, value: '/a/b', type: node } }`,
      {
        body: '<a><b x="1">t</b></a>',
      },
    );
    assert.equal(fromXpath.message.body.text(), '<b x="1">t</b>');
    const fromJsonata = await runSteps(
      `- contentModifier: { body: { source: jsonata, value: '{"n": $count(items)}' } }`,
      { body: '{"items":[1,2,3]}' },
    );
    assert.equal(fromJsonata.message.body.text(), '{"n":3}');
    const constant = await runSteps(
      `- contentModifier: { body: { source: constant, value: 'no \${x} here' } }`,
    );
    assert.equal(constant.message.body.text(), 'no ${x} here');
  });

  it('deletes by name and by wildcard: headers ignoring case, properties exactly', async () => {
    const ex = await runSteps(
      `
- contentModifier:
    headers:
      - { action: delete, name: authorization }
      - { action: delete, name: 'sap_*' }
    properties:
      - { action: delete, name: 'tmp*' }
`,
      {
        headers: { Authorization: 'Basic x', SAP_Sender: 'a', sap_receiver: 'b', SAPKeep: 'c', keep: 'd' },
        properties: { tmpA: 1, tmpB: 2, TmpC: 3, other: 4 },
      },
    );
    assert.deepEqual(ex.message.headers.names().sort(), ['SAPKeep', 'keep']);
    assert.deepEqual([...ex.properties.keys()].sort(), ['TmpC', 'other']);
  });

  it('deletes every header with *', async () => {
    const ex = await runSteps(`- contentModifier: { headers: [{ action: delete, name: '*' }] }`, {
      headers: { a: 1, b: 2 },
    });
    assert.equal(ex.message.headers.size, 0);
  });

  it('fails a message whose value cannot take the type, naming the header', async () => {
    await assert.rejects(
      runSteps(
        `- contentModifier: { headers: [{ name: n, source: header, value: raw, type: java.lang.Integer }] }`,
        {
          headers: { raw: 'twelve' },
        },
      ),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CW_ERR_STEP');
        assert.match(error.message, /header "n": "twelve" is not a java\.lang\.Integer/);
        return true;
      },
    );
  });

  it('shows a number that is not one as NaN, not as null', async () => {
    const { error } = await failSteps(
      "- contentModifier: { headers: [{ name: qty, source: xpath, value: '/o/qty', type: java.lang.Integer }] }",
      { body: '<o><qty>two</qty></o>' },
    );
    assert.equal(error.message, 'header "qty": NaN is not a java.lang.Integer.');
  });

  it('fails a message that is not the format a source reads, naming the expression', async () => {
    assertClearFailure(
      await failSteps(
        "- contentModifier: { name: Ids, headers: [{ name: id, source: jsonpath, value: '$.order.id' }] }",
        { body: '<order id="1"/>' },
      ),
      {
        code: 'CW_ERR_EXPRESSION_EVAL',
        step: 'Ids',
        message: /^JSONPath expression '\$\.order\.id' failed: The message body is not valid JSON/,
      },
    );
    assertClearFailure(
      await failSteps(
        "- contentModifier: { properties: [{ name: id, source: xpath, value: '/order/@id' }] }",
        {
          body: '{"order":{"id":1}}',
        },
      ),
      {
        code: 'CW_ERR_EXPRESSION_EVAL',
        step: 'steps[0].contentModifier',
        message: /^XPath expression '\/order\/@id' failed: The message body is not well-formed XML/,
      },
    );
    assertClearFailure(
      await failSteps("- contentModifier: { body: { source: jsonata, value: 'order.id' } }", {
        body: 'id=1',
      }),
      {
        code: 'CW_ERR_EXPRESSION_EVAL',
        step: 'steps[0].contentModifier',
        message: /^JSONata expression 'order\.id' failed: The message body is not valid JSON/,
      },
    );
  });

  it('reports bad options with line and column', () => {
    assert.deepEqual(
      where(`
- contentModifier:
    headers:
      - { name: a, valeu: x }
`),
      ["3:20 steps[0].contentModifier.headers[0].valeu: unknown option 'valeu'"],
    );
    assert.deepEqual(where(`- contentModifier: { headers: [{ name: a, source: file, value: x }] }`), [
      "1:51 steps[0].contentModifier.headers[0].source: 'file' is not one of 'constant', 'header', 'property', 'xpath', 'jsonpath', 'jsonata', 'expression', 'parameter'",
    ]);
    assert.match(
      where(`- contentModifier: { headers: [{ name: a, value: [1] }] }`)[0],
      /^1:50 .*headers\[0\]\.value/,
    );
    assert.match(where(`- contentModifier: { body: 'text' }`)[0], /^1:28 .*body/);
  });

  it('reports wrong values, types and expressions at their place', () => {
    const errors = where(`
- contentModifier:
    headers:
      - { name: a, type: java.lang.Strin, value: x }
      - { name: b, value: abc, type: java.lang.Integer }
      - { name: c, value: x, default: y }
      - { action: delete, name: d, value: x }
      - { name: e, source: xpath, value: '/a[' }
      - { name: f, source: header }
      - { name: g, source: header, value: 5 }
    body: { source: expression, value: 'a \${header.x' }
`);
    assert.equal(errors.length, 8, errors.join('\n'));
    assert.match(errors[0], /^3:26 .*headers\[0\]\.type: unknown type "java\.lang\.Strin"/);
    assert.match(errors[1], /^4:27 .*headers\[1\]\.value: header "b": "abc" is not a java\.lang\.Integer/);
    assert.match(errors[2], /^5:39 .*headers\[2\]\.default: `default` has no effect with source constant/);
    assert.match(errors[3], /^6:43 .*headers\[3\]\.value: deleting header "d" takes no `value`/);
    assert.match(errors[4], /^7:4[0-9] .*headers\[4\]\.value: Invalid XPath/);
    assert.match(errors[5], /^8:9 .*headers\[5\]: header "f" has no `value`/);
    assert.match(
      errors[6],
      /^9:43 .*headers\[6\]\.value: header "g": the value of source header must be a string/,
    );
    assert.match(errors[7], /^10:.*body\.value: Invalid Simple/);
  });

  it('says how to fix every bad option', () => {
    assert.deepEqual(describeErrors('- contentModifier: { header: [{ name: a, value: x }] }'), [
      "1:22 steps[0].contentModifier.header: unknown option 'header' (hint: Did you mean 'headers'? Valid options: name, headers, properties, body)",
    ]);
    const [type] = describeErrors('- contentModifier: { headers: [{ name: a, value: x, type: int }] }');
    assert.match(
      type,
      /^1:59 .*headers\[0\]\.type: unknown type "int" \(hint: Use one of: java\.lang\.String, /,
    );
    const [source] = describeErrors(
      "- contentModifier: { headers: [{ name: a, source: jsonPath, value: '$.a' }] }",
    );
    assert.match(source, /^1:51 .*source: 'jsonPath' is not one of .* \(hint: Did you mean 'jsonpath'\?/);
    const [action] = describeErrors('- contentModifier: { properties: [{ action: remove, name: a }] }');
    assert.match(
      action,
      /^1:45 .*properties\[0\]\.action: 'remove' is not one of 'create', 'delete' \(hint: /,
    );
  });

  it('stays synchronous unless a JSONata value is read', () => {
    const sync = compileContentModifier(
      {
        headers: [{ name: 'a', source: 'jsonpath', value: '$.a' }],
        body: { source: 'expression', value: 'x' },
      },
      fakeContext(),
      [],
    );
    const ex = new Exchange({ body: '{"a":1}' });
    assert.equal(sync(ex), undefined);
    assert.equal(ex.message.headers.get('a'), 1);
    const async = compileContentModifier(
      { headers: [{ name: 'a', source: 'jsonata', value: 'a' }] },
      fakeContext(),
      [],
    );
    assert.ok(async(new Exchange({ body: '{"a":1}' })) instanceof Promise);
  });

  it('compiles every example of its spec', () => {
    for (const example of contentModifierSpec.examples ?? []) {
      assert.deepEqual(stepErrors(example.yaml), [], example.title);
    }
  });
});

/** Just enough of a compile context to build the processor directly and look at what it returns. */
function fakeContext(): CompileContext {
  return {
    namespaces: {},
    error: (path: Path, message: string) => assert.fail(`${path.join('.')}: ${message}`),
    expression: (source: string, _path: Path, language: ExpressionLanguage = 'simple', options = {}) =>
      compileExpression(source, language, options),
    template: (source: string) => compileTemplate(source),
  } as unknown as CompileContext;
}
