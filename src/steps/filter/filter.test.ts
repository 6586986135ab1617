import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertClearFailure,
  describeErrors,
  failSteps,
  runSteps,
  stepErrors,
} from '../../testing/run-steps.ts';
import { filterSpec } from './filter.spec.ts';

const where = (yaml: string) => stepErrors(yaml).map((d) => `${d.line}:${d.col} ${d.message}`);

const ORDER =
  '<o:Order xmlns:o="urn:o"><o:Id>7</o:Id><o:Items><o:Item sku="A">2</o:Item><o:Item sku="B">3</o:Item></o:Items></o:Order>';
const flow = "namespaces: { o: 'urn:o' }";

async function filter(options: string, body: string): Promise<string> {
  const ex = await runSteps(`- filter: ${options}`, { body }, { flow });
  return ex.message.body.text();
}

describe('filter', () => {
  it('keeps what the XPath finds, in the value type asked for', async () => {
    assert.equal(
      await filter('{ xpath: //o:Item }', ORDER),
      '<o:Item sku="A" xmlns:o="urn:o">2</o:Item><o:Item sku="B" xmlns:o="urn:o">3</o:Item>',
    );
    assert.equal(
      await filter('{ xpath: //o:Item, valueType: node }', ORDER),
      '<o:Item sku="A" xmlns:o="urn:o">2</o:Item>',
    );
    assert.equal(await filter('{ xpath: //o:Item/@sku, valueType: nodelist }', ORDER), 'AB');
    assert.equal(await filter('{ xpath: /o:Order/o:Id, valueType: string }', ORDER), '7');
    assert.equal(await filter("{ xpath: 'sum(//o:Item)', valueType: integer }", ORDER), '5');
    assert.equal(await filter("{ xpath: 'count(//o:Item) > 1', valueType: boolean }", ORDER), 'true');
    assert.equal(await filter('{ xpath: //o:Missing, valueType: node }', ORDER), '');
    assert.equal(await filter('{ xpath: //o:Missing }', ORDER), '');
  });

  it('keeps what a JSONPath finds', async () => {
    const order = JSON.stringify({ id: 7, items: [{ sku: 'A' }, { sku: 'B' }] });
    assert.equal(await filter("{ jsonpath: '$.items[*].sku' }", order), '["A","B"]');
    assert.equal(await filter("{ jsonpath: '$.items[0]', valueType: nodelist }", order), '[{"sku":"A"}]');
    assert.equal(await filter("{ jsonpath: '$.items[*]', valueType: node }", order), '{"sku":"A"}');
    assert.equal(await filter("{ jsonpath: '$.items.length', valueType: integer }", order), '2');
    assert.equal(await filter("{ jsonpath: '$.id', valueType: string }", order), '7');
  });

  it('fails a message whose result is not the value type, naming the filter', async () => {
    await assert.rejects(
      runSteps(
        '- filter: { name: Total, xpath: //o:Item/@sku, valueType: integer }',
        { body: ORDER },
        { flow },
      ),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CW_ERR_STEP');
        assert.equal(
          error.message,
          'Filter "Total": "//o:Item/@sku" gave NaN, which is not of value type integer.',
        );
        return true;
      },
    );
    await assert.rejects(
      runSteps('- filter: { xpath: /a }', { body: '{"not":"xml"}' }),
      (error: Error & { code?: string }) =>
        error.code === 'CW_ERR_EXPRESSION_EVAL' || error.code === 'CW_ERR_CONVERSION',
    );
  });

  it('fails a message that is not the format its expression reads, naming the expression', async () => {
    assertClearFailure(
      await failSteps("- filter: { name: Ids, jsonpath: '$.items[*].id' }", { body: ORDER }),
      {
        code: 'CW_ERR_EXPRESSION_EVAL',
        step: 'Ids',
        message: /^JSONPath expression '\$\.items\[\*\]\.id' failed: The message body is not valid JSON/,
      },
    );
    assertClearFailure(await failSteps('- filter: { xpath: //Item }', { body: '{"items":[]}' }), {
      code: 'CW_ERR_EXPRESSION_EVAL',
      step: 'steps[0].filter',
      message: /^XPath expression '\/\/Item' failed: The message body is not well-formed XML/,
    });
  });

  it('needs exactly one of xpath and jsonpath', () => {
    assert.deepEqual(where('- filter: { valueType: node }'), [
      '1:11 steps[0].filter: the filter needs an `xpath` (or a `jsonpath`)',
    ]);
    assert.deepEqual(where("- filter: { xpath: /a, jsonpath: '$.a' }"), [
      '1:11 steps[0].filter: the filter takes `xpath` or `jsonpath`, not both',
    ]);
  });

  it('reports bad options and expressions with line and column', () => {
    assert.deepEqual(where('- filter: { xpath: /a, valueType: list }'), [
      "1:35 steps[0].filter.valueType: 'list' is not one of 'string', 'integer', 'boolean', 'node', 'nodelist'",
    ]);
    assert.deepEqual(where('- filter: { xpath: /a, type: node }'), [
      "1:24 steps[0].filter.type: unknown option 'type'",
    ]);
    assert.deepEqual(where('- filter: { xpath: /x:a }'), [
      "1:21 steps[0].filter.xpath: Invalid XPath expression '/x:a': namespace prefix 'x' is not mapped (at offset 1)",
    ]);
    assert.deepEqual(where("- filter: { jsonpath: '$.a[' }"), [
      "1:27 steps[0].filter.jsonpath: Invalid JSONPath expression '$.a[': '[' is not closed (at offset 3)",
    ]);
  });

  it('gives a hint for every bad option', () => {
    assert.deepEqual(describeErrors('- filter: { xpath: /a, valueType: nodeList }'), [
      "1:35 steps[0].filter.valueType: 'nodeList' is not one of 'string', 'integer', 'boolean', 'node', 'nodelist' (hint: Did you mean 'nodelist'? Value type of the result: string, integer, boolean, node (the first match) or nodelist (every match, one after another; for JSON an array).)",
    ]);
    assert.deepEqual(describeErrors("- filter: { xpath: '' }"), [
      '1:20 steps[0].filter.xpath: \'xpath\': expected string length greater or equal to 1, got "" (hint: XPath selecting what to keep.)',
    ]);
    assert.deepEqual(describeErrors('- filter: { valueType: node }'), [
      '1:11 steps[0].filter: the filter needs an `xpath` (or a `jsonpath`) (hint: Give exactly one of `xpath` and `jsonpath`.)',
    ]);
  });

  it('compiles every example of its spec', () => {
    for (const example of filterSpec.examples ?? []) {
      assert.deepEqual(stepErrors(example.yaml), [], example.title);
    }
  });
});
