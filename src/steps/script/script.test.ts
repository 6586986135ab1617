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

const indent = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
const inline = (source: string, extra = '') => `- script:${extra}\n    source: |\n${indent(source)}`;

describe('script', () => {
  it('reads and sets body, headers and properties, and writes the message log', async () => {
    const source = `
function processData(message) {
  const order = message.getBody('json');
  message.setHeader('orderId', order.id);
  message.setProperty('count', order.items.length + message.getProperty('base'));
  const log = messageLogFactory.getMessageLog(message);
  log.addCustomHeaderProperty('orderId', order.id);
  log.setStringProperty('source', message.getHeader('sender'));
  log.addAttachmentAsString('input', message.getBody(), 'application/json');
  message.addAttachmentObject('copy', 'raw', 'text/plain');
  message.setBody({ id: order.id, headers: Object.keys(message.getHeaders()).length });
  return message;
}`;
    const ex = await runSteps(inline(source), {
      body: '{"id":"A1","items":[1,2]}',
      headers: { sender: 'shop' },
      properties: { base: 10 },
    });
    assert.deepEqual(ex.message.body.json(), { id: 'A1', headers: 2 });
    assert.equal(ex.message.headers.get('orderId'), 'A1');
    assert.equal(ex.properties.get('count'), 12);
    assert.deepEqual(ex.log.customHeaders, [['orderId', 'A1']]);
    assert.equal(ex.log.properties.get('source'), 'shop');
    assert.deepEqual(ex.log.attachments, [
      { name: 'input', contentType: 'application/json', content: '{"id":"A1","items":[1,2]}' },
    ]);
    assert.equal(ex.message.attachments.get('copy')?.content.toString(), 'raw');
  });

  it('runs TypeScript from a file, with a custom function name', async () => {
    const ts = `
interface Order { id: string; total: number }
function enrich(message: any): any {
  const order = message.getBodyAsJson() as Order;
  const doubled: number = order.total * 2;
  message.setBody(\`\${order.id}:\${doubled}\`);
  return message;
}`;
    const ex = await runSteps(
      '- script: { file: scripts/enrich.ts, function: enrich }',
      { body: '{"id":"A1","total":21}' },
      { files: { 'scripts/enrich.ts': ts } },
    );
    assert.equal(ex.message.body.text(), 'A1:42');
  });

  it('awaits an async script', async () => {
    const source = `
async function processData(message) {
  const value = await Promise.resolve(message.getBody().length);
  message.setHeader('length', value);
  return message;
}`;
    const ex = await runSteps(inline(source), { body: 'hello' });
    assert.equal(ex.message.headers.get('length'), 5);
  });

  it('has no require, process or file system', async () => {
    const source = `
function processData(message) {
  message.setBody([typeof require, typeof process, typeof fetch === 'undefined' ? 'undefined' : 'fetch'].join(','));
  return message;
}`;
    const ex = await runSteps(inline(source));
    assert.equal(ex.message.body.text(), 'undefined,undefined,undefined');
  });

  it("gives the body's JSON the script's own Array and Object, whatever the script does to JSON", async () => {
    const source = `
JSON.parse = () => 'replaced';
function processData(message) {
  const order = message.getBody('json');
  const same = order === message.getBodyAsJson();
  message.setBody([order.items instanceof Array, order instanceof Object, same, [...order.items].length].join(','));
  return message;
}`;
    const ex = await runSteps(inline(source), { body: '{"items":[1,2,3]}' });
    assert.equal(ex.message.body.text(), 'true,true,true,3');
  });

  it('keeps changes a script makes to the parsed body in place for the steps after it', async () => {
    const source = `function processData(message) { message.getBody('json').id = 2; return message; }`;
    const readId = "- contentModifier: { headers: [{ name: id, source: jsonpath, value: '$.id' }] }";
    const ex = await runSteps(`${inline(source)}\n${readId}`, { body: '{"id":1}' });
    assert.equal(ex.message.headers.get('id'), 2);
  });

  it('stops an endless loop and a promise that never settles after timeoutMs', async () => {
    const loop = 'function processData(message) { while (true) {} }';
    const started = Date.now();
    await assert.rejects(
      runSteps(inline(loop, '\n    timeoutMs: 200')),
      (e) =>
        e instanceof UserError &&
        e.code === 'CW_ERR_SCRIPT_TIMEOUT' &&
        /within 200 ms/.test(e.message) &&
        !!e.hint,
    );
    const never = 'async function processData(message) { await new Promise(() => {}); }';
    await assert.rejects(
      runSteps(inline(never, '\n    timeoutMs: 200')),
      (e) => e instanceof UserError && e.code === 'CW_ERR_SCRIPT_TIMEOUT',
    );
    assert.ok(Date.now() - started < 3000);
  });

  it('reports a runtime error with the script line', async () => {
    const source = 'function processData(message) {\n  const x = null;\n  return x.missing;\n}';
    await assert.rejects(
      runSteps('- script: { file: scripts/bad.js }', {}, { files: { 'scripts/bad.js': source } }),
      (e) =>
        e instanceof UserError &&
        e.code === 'CW_ERR_SCRIPT' &&
        /TypeError: Cannot read properties of null \(reading 'missing'\) at scripts\/bad\.js:3:12/.test(
          e.message,
        ),
    );
    const rejects = 'async function processData() { throw new RangeError("too big"); }';
    await assert.rejects(
      runSteps(inline(rejects)),
      (e) => e instanceof UserError && /RangeError: too big/.test(e.message),
    );
  });

  it('says which step and which script line asked for a body in a format it is not in', async () => {
    const source =
      'function processData(message) {\n  const order = message.getBody("json");\n  return message;\n}';
    assertClearFailure(
      await failSteps(
        '- script: { name: Enrich, file: scripts/enrich.js }',
        { body: '<order/>' },
        {
          files: { 'scripts/enrich.js': source },
        },
      ),
      {
        code: 'CW_ERR_CONVERSION',
        step: 'Enrich',
        message:
          /^Step 'Enrich' \(steps\[0\]\.script\): The message body is not valid JSON: .* \(at scripts\/enrich\.js:2:25\)$/,
      },
    );
  });

  it('ends a failing script FAILED, with the step in the log', async () => {
    assertClearFailure(await failSteps(inline('function processData(message) { throw "no stock"; }')), {
      code: 'CW_ERR_SCRIPT',
      step: 'steps[0].script',
      message: /^Step steps\[0\]\.script: the script failed: no stock$/,
    });
  });

  it('reports a syntax error with line and column, and a missing entry function', () => {
    const errors = stepErrors('- script: { file: scripts/syntax.js }', {
      files: { 'scripts/syntax.js': 'function processData(message) {\n  let x = ;\n}' },
    });
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /SyntaxError: Unexpected token ';' at scripts\/syntax\.js:2:11/);
    const missing = stepErrors(inline('function other(m) { return m }'));
    assert.match(missing[0]?.message ?? '', /defines no function 'processData'/);
    const ts = stepErrors(
      inline('enum E { A }\nfunction processData(m) { return m }', '\n    language: typescript'),
    );
    assert.match(ts[0]?.message ?? '', /TypeScript: .*enum/);
  });

  it('reports bad options with line, column and hint', () => {
    assert.deepEqual(describeErrors('- script: { file: a.js, source: x }'), [
      '1:11 steps[0].script: A script step needs exactly one of `file` or `source`. (hint: Name a script file, or write it inline.)',
    ]);
    assert.deepEqual(describeErrors('- script: { file: scripts/none.js }'), [
      "1:19 steps[0].script.file: cannot read 'scripts/none.js': ENOENT (hint: The path is relative to the flow file.)",
    ]);
    assert.deepEqual(
      describeErrors("- script: { file: a.js, function: 'process data' }", { files: { 'a.js': '' } }),
      [
        "1:35 steps[0].script.function: 'function': expected string to match '^[A-Za-z_$][A-Za-z0-9_$]*$', got \"process data\" (hint: Name of the function called with the message (CPI's default: processData).)",
      ],
    );
    const [timeout] = describeErrors('- script: { file: a.js, timeoutMs: -1 }', { files: { 'a.js': '' } });
    assert.match(
      timeout,
      /^1:36 .*timeoutMs: 'timeoutMs': expected integer to be greater or equal to 0, got -1 \(hint: Time limit/,
    );
    const [language] = describeErrors('- script: { file: a.js, language: groovy }', {
      files: { 'a.js': '' },
    });
    assert.match(
      language,
      /^1:35 .*language: 'groovy' is not one of 'javascript', 'typescript' \(hint: Script language/,
    );
  });
});
