import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../../errors.ts';
import { assertClearFailure, describeErrors, failSteps, runSteps } from '../../testing/run-steps.ts';

const conversionFailure = (pattern: RegExp) => (error: unknown) =>
  error instanceof UserError &&
  error.code === 'CW_ERR_CONVERSION' &&
  pattern.test(error.message) &&
  !!error.hint;

describe('jsonToXml', () => {
  it('makes a single member the root, arrays repeated elements, @ attributes and $ text', async () => {
    const body = {
      Order: {
        '@id': '7',
        customer: 'Ann & Bob',
        item: [
          { '@sku': 'A', $: 2 },
          { '@sku': 'B', $: 1 },
        ],
        note: null,
      },
    };
    const ex = await runSteps('- jsonToXml: {}', { body: JSON.stringify(body) });
    assert.equal(
      ex.message.body.text(),
      '<?xml version="1.0" encoding="UTF-8"?><Order id="7"><customer>Ann &amp; Bob</customer>' +
        '<item sku="A">2</item><item sku="B">1</item><note/></Order>',
    );
    assert.equal(ex.message.headers.get('content-type'), 'application/xml');
  });

  it('wraps several members in rootElement', async () => {
    const ex = await runSteps('- jsonToXml: { rootElement: Orders, xmlDeclaration: false }', {
      body: '{"a":1,"b":[true,false]}',
    });
    assert.equal(ex.message.body.text(), '<Orders><a>1</a><b>true</b><b>false</b></Orders>');
  });

  it('wraps a single array member too (it would make several roots)', async () => {
    const ex = await runSteps('- jsonToXml: { xmlDeclaration: false }', { body: '{"item":[1,2]}' });
    assert.equal(ex.message.body.text(), '<root><item>1</item><item>2</item></root>');
  });

  it('maps prefixes to namespaces and declares them on the root', async () => {
    const ex = await runSteps(
      "- jsonToXml: { useNamespaces: true, xmlDeclaration: false, namespaces: { ns0: 'urn:o' } }",
      { body: '{"ns0:Order":{"ns0:id":"1"}}' },
    );
    assert.equal(ex.message.body.text(), '<ns0:Order xmlns:ns0="urn:o"><ns0:id>1</ns0:id></ns0:Order>');
  });

  it('rejects an undeclared prefix, a bad name, nested arrays and a top-level array', async () => {
    const yaml = "- jsonToXml: { useNamespaces: true, namespaces: { a: 'urn:a' } }";
    await assert.rejects(runSteps(yaml, { body: '{"x:y":1}' }), conversionFailure(/prefix 'x'/));
    await assert.rejects(
      runSteps(yaml, { body: '{"r":{"1st":1}}' }),
      conversionFailure(/'\$\.r\.1st' is not a valid XML name/),
    );
    await assert.rejects(
      runSteps(yaml, { body: '{"r":{"m":[[1]]}}' }),
      conversionFailure(/array inside an array/),
    );
    await assert.rejects(
      runSteps(yaml, { body: '[1,2]' }),
      conversionFailure(/JSON object at the top level/),
    );
  });

  it('reports invalid JSON with its position', async () => {
    await assert.rejects(
      runSteps('- jsonToXml: {}', { body: '{"a": 1\n "b": 2}' }),
      conversionFailure(/not valid JSON.*line 2 column 2/),
    );
  });

  it('fails a message that is not JSON with a FAILED log entry naming the step', async () => {
    assertClearFailure(await failSteps('- jsonToXml: { name: Order to XML }', { body: '<order/>' }), {
      code: 'CW_ERR_CONVERSION',
      step: 'Order to XML',
      message: /^Step 'Order to XML' \(steps\[0\]\.jsonToXml\): the message body is not valid JSON/,
    });
    assertClearFailure(await failSteps('- jsonToXml: {}', { body: '' }), {
      code: 'CW_ERR_CONVERSION',
      step: 'steps[0].jsonToXml',
      message: /needs a JSON object at the top level/,
    });
  });

  it('reports a root element that is no XML name at load time, not as broken XML later', () => {
    assert.deepEqual(describeErrors("- jsonToXml:\n    rootElement: '1 root'"), [
      "2:18 steps[0].jsonToXml.rootElement: '1 root' is not a valid XML element name. (hint: Use letters, digits, _ - and . and start with a letter; a prefix goes before a colon (ns0:Orders).)",
    ]);
  });

  it('reports unknown options and values of the wrong type with line, column and hint', () => {
    assert.deepEqual(describeErrors('- jsonToXml: { root: Orders }'), [
      "1:16 steps[0].jsonToXml.root: unknown option 'root' (hint: Valid options: name, rootElement, useNamespaces, namespaces, xmlDeclaration)",
    ]);
    const [useNamespaces] = describeErrors("- jsonToXml: { useNamespaces: 'yes' }");
    assert.match(
      useNamespaces,
      /^1:31 .*useNamespaces: 'useNamespaces': expected boolean, got "yes" \(hint: Turn/,
    );
    const [namespaces] = describeErrors("- jsonToXml: { namespaces: ['urn:a'] }");
    assert.match(
      namespaces,
      /^1:28 .*namespaces: 'namespaces': expected object, got \["urn:a"\] \(hint: Prefix/,
    );
  });
});

describe('xmlToJson', () => {
  it('writes repeated elements as arrays, attributes as @, text with attributes as $, strings', async () => {
    const xml =
      '<?xml version="1.0"?><Order id="7"><item sku="A">2</item><item sku="B">1</item><total>3.5</total><empty/></Order>';
    const ex = await runSteps('- xmlToJson: {}', { body: xml });
    assert.deepEqual(JSON.parse(ex.message.body.text()), {
      Order: {
        '@id': '7',
        item: [
          { '@sku': 'A', $: '2' },
          { '@sku': 'B', $: '1' },
        ],
        total: '3.5',
        empty: '',
      },
    });
    assert.equal(ex.message.headers.get('content-type'), 'application/json');
  });

  it('keeps arrayElements arrays even once, suppresses the root, converts types on request', async () => {
    const ex = await runSteps(
      '- xmlToJson: { arrayElements: [item], suppressRootElement: true, convertTypes: true }',
      {
        body: '<r><item>2</item><ok>true</ok></r>',
      },
    );
    assert.deepEqual(ex.message.body.json(), { item: [2], ok: true });
  });

  it('drops prefixes, or maps namespace URIs to the configured prefixes', async () => {
    const xml = '<a:Order xmlns:a="urn:o" xmlns:b="urn:other"><a:id>1</a:id><b:x>2</b:x></a:Order>';
    const plain = await runSteps('- xmlToJson: {}', { body: xml });
    assert.deepEqual(plain.message.body.json(), { Order: { id: '1', x: '2' } });
    const mapped = await runSteps("- xmlToJson: { useNamespaces: true, namespaces: { ns0: 'urn:o' } }", {
      body: xml,
    });
    assert.deepEqual(mapped.message.body.json(), { 'ns0:Order': { 'ns0:id': '1', x: '2' } });
  });

  it('reports malformed XML with line and column', async () => {
    await assert.rejects(
      runSteps('- xmlToJson: {}', { body: '<a>\n<b></a>' }),
      conversionFailure(/line 2, column 4/),
    );
    assertClearFailure(await failSteps('- xmlToJson: {}', { body: '{"order":1}' }), {
      code: 'CW_ERR_CONVERSION',
      step: 'steps[0].xmlToJson',
      message: /^Step steps\[0\]\.xmlToJson: the message body is not well-formed XML \(line 1, column 1\)/,
    });
  });

  it('reports unknown options and values of the wrong type with line, column and hint', () => {
    assert.deepEqual(describeErrors('- xmlToJson: { arrays: [item] }'), [
      "1:16 steps[0].xmlToJson.arrays: unknown option 'arrays' (hint: Valid options: name, arrayElements, suppressRootElement, convertTypes, useNamespaces, namespaces)",
    ]);
    const [arrayElements] = describeErrors('- xmlToJson: { arrayElements: item }');
    assert.match(
      arrayElements,
      /^1:31 .*arrayElements: 'arrayElements': expected array, got "item" \(hint: Local names/,
    );
    const [convertTypes] = describeErrors('- xmlToJson:\n    convertTypes: 1');
    assert.match(
      convertTypes,
      /^2:19 .*convertTypes: 'convertTypes': expected boolean, got 1 \(hint: Write numbers/,
    );
  });

  it('round-trips JSON → XML → JSON under the CPI conventions', async () => {
    const data = {
      Order: {
        '@id': '7',
        item: [
          { '@sku': 'A', $: '2' },
          { '@sku': 'B', $: '1' },
        ],
        customer: { name: 'Ann' },
      },
    };
    const ex = await runSteps('- jsonToXml: {}\n- xmlToJson: {}', { body: JSON.stringify(data) });
    assert.deepEqual(ex.message.body.json(), data);
  });
});
