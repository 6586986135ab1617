import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../../errors.ts';
import {
  assertClearFailure,
  describeErrors,
  failSteps,
  runSteps,
  stepErrors,
} from '../../testing/run-steps.ts';

const conversionFailure = (pattern: RegExp) => (error: unknown) =>
  error instanceof UserError &&
  error.code === 'CW_ERR_CONVERSION' &&
  pattern.test(error.message) &&
  !!error.hint;

describe('csvToXml', () => {
  it('names fields from the header, keeps quoted separators and quotes, escapes XML', async () => {
    const ex = await runSteps('- csvToXml: { rootElement: Orders, recordElement: Order }', {
      body: 'id,name\n1,"Ann, ""A"""\n2,Bob & co\n',
    });
    assert.equal(
      ex.message.body.text(),
      '<?xml version="1.0" encoding="UTF-8"?><Orders><Order><id>1</id><name>Ann, &quot;A&quot;</name></Order>' +
        '<Order><id>2</id><name>Bob &amp; co</name></Order></Orders>',
    );
  });

  it('names fields field1… without a header and honours the delimiter', async () => {
    const ex = await runSteps("- csvToXml: { delimiter: ';', header: false, xmlDeclaration: false }", {
      body: '1;"a;b"\n3;4\n',
    });
    assert.equal(
      ex.message.body.text(),
      '<root><record><field1>1</field1><field2>a;b</field2></record><record><field1>3</field1><field2>4</field2></record></root>',
    );
  });

  it('reports an unclosed quote and a ragged line with the line number', async () => {
    await assert.rejects(
      runSteps('- csvToXml: {}', { body: 'id,name\n1,"x\n2,y\n' }),
      conversionFailure(/not valid CSV \(line 2\): a field opened with a quote in line 2 is never closed/),
    );
    await assert.rejects(
      runSteps('- csvToXml: {}', { body: 'a,b\n1,2\n1,2,3\n' }),
      conversionFailure(/line 3/),
    );
  });

  it('rejects a header that is no XML name, and a bad rootElement at load time', async () => {
    await assert.rejects(
      runSteps('- csvToXml: {}', { body: 'a b,c\n1,2\n' }),
      conversionFailure(/'a b' is not a valid XML element name/),
    );
    const errors = stepErrors('- csvToXml:\n    rootElement: "1 root"');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /'1 root' is not a valid XML element name/);
    assert.equal(errors[0].line, 2);
  });

  it('reports unknown options and dialects it cannot use with line, column and hint', () => {
    assert.deepEqual(describeErrors('- csvToXml: { separator: ";" }'), [
      "1:15 steps[0].csvToXml.separator: unknown option 'separator' (hint: Valid options: name, delimiter, quote, header, rootElement, recordElement, xmlDeclaration)",
    ]);
    assert.deepEqual(describeErrors('- csvToXml: { quote: "\'\'" }'), [
      "1:22 steps[0].csvToXml.quote: 'quote': expected string length less or equal to 1, got \"''\" (hint: Character around fields that hold the separator, quotes or line breaks.)",
    ]);
    assert.match(
      describeErrors('- csvToXml: { recordElement: Order Line }')[0],
      /^1:30 .*recordElement: 'Order Line' is not a valid XML element name\. \(hint: Use letters/,
    );
  });
});

describe('csvToJson', () => {
  it('gives objects with a header and arrays without', async () => {
    const withHeader = await runSteps('- csvToJson: {}', { body: 'id,name\n1,"Ann, ""A"""\n' });
    assert.deepEqual(withHeader.message.body.json(), [{ id: '1', name: 'Ann, "A"' }]);
    const without = await runSteps('- csvToJson: { header: false, quote: "\'" }', { body: "1,'x,y'\n3,4\n" });
    assert.deepEqual(without.message.body.json(), [
      ['1', 'x,y'],
      ['3', '4'],
    ]);
  });

  it('fails a message that is not valid CSV with a FAILED log entry naming the step and the line', async () => {
    assertClearFailure(
      await failSteps('- csvToJson: { name: Read CSV }', { body: 'id,name\n1,"Ann\n2,Bob\n' }),
      {
        code: 'CW_ERR_CONVERSION',
        step: 'Read CSV',
        message: /^Step 'Read CSV' \(steps\[0\]\.csvToJson\): the message body is not valid CSV \(line 2\)/,
      },
    );
    const quoted = await failSteps('- csvToJson: {}', { body: 'id,note\n1,"say ""hi"""\n2,"x\n3,y\n' });
    assert.match(quoted.error.message, /\(line 3\): a field opened with a quote in line 3 is never closed$/);
    const ragged = await failSteps("- csvToJson: { delimiter: ';' }", { body: 'a;b\n1;2;3\n' });
    assert.match(ragged.error.message, /not valid CSV \(line 2\)/);
    assert.match(ragged.error.hint ?? '', /delimiter and quote options/);
  });

  it('reports an empty delimiter and a header that is not a boolean with line, column and hint', () => {
    assert.deepEqual(describeErrors("- csvToJson: { delimiter: '' }"), [
      '1:27 steps[0].csvToJson.delimiter: \'delimiter\': expected string length greater or equal to 1, got "" (hint: Field separator, e.g. `,` `;` or a tab.)',
    ]);
    assert.deepEqual(describeErrors('- csvToJson:\n    header: "no"'), [
      '2:13 steps[0].csvToJson.header: \'header\': expected boolean, got "no" (hint: The first line holds the field names.)',
    ]);
  });
});

describe('xmlToCsv', () => {
  it('writes one line per record with the union of fields, quoting as needed', async () => {
    const xml =
      '<Orders><Order><id>1</id><name>Ann, "A"</name></Order><Order><id>2</id><extra>x</extra></Order></Orders>';
    const ex = await runSteps('- xmlToCsv: { recordElement: Order }', { body: xml });
    assert.equal(ex.message.body.text(), 'id,name,extra\n1,"Ann, ""A""",\n2,,x\n');
    assert.equal(ex.message.headers.get('content-type'), 'text/csv');
  });

  it('rejects repeated and nested fields', async () => {
    await assert.rejects(
      runSteps('- xmlToCsv: { recordElement: r }', { body: '<x><r><id>1</id><id>2</id></r></x>' }),
      conversionFailure(/'id' 2 times/),
    );
    await assert.rejects(
      runSteps('- xmlToCsv: { recordElement: r }', { body: '<x><r><a><b>1</b></a></r></x>' }),
      conversionFailure(/field 'a' holds nested data/),
    );
  });

  it('fails a message that is not well-formed XML with a FAILED log entry naming the step', async () => {
    assertClearFailure(await failSteps('- xmlToCsv: {}', { body: '<x><record><id>1</record></x>' }), {
      code: 'CW_ERR_CONVERSION',
      step: 'steps[0].xmlToCsv',
      message:
        /^Step steps\[0\]\.xmlToCsv: the message body is not well-formed XML \(line 1, column 17\): Expected closing tag 'id'/,
    });
    assertClearFailure(await failSteps('- xmlToCsv: {}', { body: 'id,name\n1,Ann' }), {
      code: 'CW_ERR_CONVERSION',
      step: 'steps[0].xmlToCsv',
      message: /not well-formed XML/,
    });
  });

  it('reports a record element it could never find, and unknown options, at load time', () => {
    assert.deepEqual(describeErrors('- xmlToCsv: { recordElement: ns0:Order }'), [
      "1:30 steps[0].xmlToCsv.recordElement: 'ns0:Order' is not a valid XML element name. (hint: Use letters, digits, _ - and . and start with a letter.)",
    ]);
    assert.deepEqual(describeErrors('- xmlToCsv: { records: Order }'), [
      "1:15 steps[0].xmlToCsv.records: unknown option 'records' (hint: Valid options: name, delimiter, quote, header, recordElement)",
    ]);
  });

  it('round-trips CSV → XML → CSV', async () => {
    const csv = 'id;name\n1;"a;b"\n2;"say ""hi"""\n';
    const ex = await runSteps("- csvToXml: { delimiter: ';' }\n- xmlToCsv: { delimiter: ';' }", {
      body: csv,
    });
    assert.equal(ex.message.body.text(), csv);
  });
});

describe('jsonToCsv', () => {
  it('writes objects with a header, arrays of arrays without, and unwraps a single array member', async () => {
    const objects = await runSteps('- jsonToCsv: {}', {
      body: '[{"id":1,"name":"Ann, A"},{"id":2,"ok":true}]',
    });
    assert.equal(objects.message.body.text(), 'id,name,ok\n1,"Ann, A",\n2,,true\n');
    const arrays = await runSteps("- jsonToCsv: { delimiter: ';', header: false }", {
      body: '{"rows":[[1,2],[3,null]]}',
    });
    assert.equal(arrays.message.body.text(), '1;2\n3;\n');
  });

  it('rejects nested values and non-arrays', async () => {
    await assert.rejects(
      runSteps('- jsonToCsv: {}', { body: '[{"a":{"b":1}}]' }),
      conversionFailure(/nested data/),
    );
    await assert.rejects(
      runSteps('- jsonToCsv: {}', { body: '{"a":1,"b":2}' }),
      conversionFailure(/array of objects/),
    );
    await assert.rejects(runSteps('- jsonToCsv: {}', { body: '[1,2' }), conversionFailure(/not valid JSON/));
  });

  it('fails a message that is not JSON with a FAILED log entry naming the step', async () => {
    assertClearFailure(await failSteps('- jsonToCsv: {}', { body: 'id,name\n1,Ann' }), {
      code: 'CW_ERR_CONVERSION',
      step: 'steps[0].jsonToCsv',
      message: /^Step steps\[0\]\.jsonToCsv: the message body is not valid JSON/,
    });
  });

  it('reports options of the wrong type with line, column and hint', () => {
    assert.deepEqual(describeErrors('- jsonToCsv: { header: [id, name] }'), [
      '1:24 steps[0].jsonToCsv.header: \'header\': expected boolean, got ["id","name"] (hint: Write a first line with the member names.)',
    ]);
    assert.match(
      describeErrors('- jsonToCsv: { columns: [id] }')[0],
      /unknown option 'columns' \(hint: Valid options/,
    );
  });
});
