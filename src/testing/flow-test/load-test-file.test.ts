import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ORDERS_FLOW, writeFiles } from './flow-test.fixture.ts';
import { loadTestFile } from './load-test-file.ts';

/** Loads a test file written beside the orders flow; returns `line:col: message (hint)` per problem. */
function problems(text: string, files: Record<string, string> = {}): string[] {
  const dir = writeFiles({ 'orders.yaml': ORDERS_FLOW, ...files, 'orders.test.yaml': text });
  const { loaded, diagnostics } = loadTestFile(join(dir, 'orders.test.yaml'));
  assert.equal(loaded === undefined, diagnostics.length > 0);
  for (const d of diagnostics) assert.equal(d.file, join(dir, 'orders.test.yaml'));
  return diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
}

describe('loadTestFile: bad test files are reported with line:col and a hint', () => {
  it('YAML syntax errors', () => {
    const [first] = problems('tests:\n  - name: a\n    input: { body: [1, 2 }\n');
    assert.match(
      first,
      /^3:26: YAML syntax error: Flow sequence .* must be sufficiently indented and end with a \]/,
    );
  });

  it('a file that is not a map, or has no tests', () => {
    assert.deepEqual(problems('- a\n'), [
      '1:1: a flow test file must be a YAML map (Start with "tests:" followed by a list of tests.)',
    ]);
    assert.deepEqual(problems('flow: orders.yaml\n'), [
      "1:1: missing required key 'tests' (The tests: name, input, receivers, expect)",
    ]);
  });

  it('unknown keys, at the key, with the closest valid one', () => {
    assert.deepEqual(problems('tests:\n  - name: a\n    inptu: { body: x }\n'), [
      "3:5: tests[0].inptu: unknown key 'inptu' (Did you mean 'input'? Valid keys: name, input, receivers, expect)",
    ]);
    const [expect] = problems('tests:\n  - name: a\n    expect:\n      bodyjson: {}\n');
    assert.match(
      expect,
      /^4:7: tests\[0\]\.expect\.bodyjson: unknown key 'bodyjson' \(Did you mean 'bodyJson'\?/,
    );
  });

  it('values of the wrong kind', () => {
    assert.deepEqual(problems('tests:\n  - name: a\n    expect: { status: DONE }\n'), [
      "3:23: tests[0].expect.status: 'DONE' is not one of 'COMPLETED', 'FAILED', 'ESCALATED', 'RETRY', 'DISCARDED'",
    ]);
    assert.deepEqual(
      problems('tests:\n  - name: a\n    receivers: { backend: { reply: { status: 99 } } }\n'),
      [
        "3:46: tests[0].receivers.backend.reply.status: 'status': expected integer to be greater or equal to 100, got 99 (HTTP status (default 200))",
      ],
    );
  });

  it('a flow file that does not exist', () => {
    const [named] = problems('flow: nope.yaml\ntests: []\n');
    assert.match(
      named,
      /^1:7: flow: the flow file '.*nope\.yaml' does not exist \(The path is relative to the test file\.\)$/,
    );
    const dir = writeFiles({ 'lonely.test.yaml': 'tests: []\n' });
    const { diagnostics } = loadTestFile(join(dir, 'lonely.test.yaml'));
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].message, `the flow file '${join(dir, 'lonely.yaml')}' does not exist`);
    assert.equal(diagnostics[0].hint, 'Name the flow to test with "flow: my-flow.yaml".');
  });

  it('receivers the flow does not declare, in mocks and in expectations', () => {
    assert.deepEqual(
      problems(
        'tests:\n  - name: a\n    receivers:\n      backnd: { reply: { body: x } }\n    expect:\n      receivers: { nothere: { calls: 0 } }\n',
      ),
      [
        "4:7: tests[0].receivers.backnd: the flow has no receiver 'backnd' (Did you mean 'backend'?)",
        "6:20: tests[0].expect.receivers.nothere: the flow has no receiver 'nothere' (Its receivers: backend, audit)",
      ],
    );
  });

  it('body and bodyFile together, a missing body file, reply and replies together', () => {
    assert.deepEqual(
      problems('tests:\n  - name: a\n    input: { body: x, bodyFile: fixtures/none.json }\n'),
      [
        '3:12: tests[0].input: body and bodyFile both given (Keep one of them.)',
        "3:33: tests[0].input.bodyFile: cannot read 'fixtures/none.json': ENOENT (The path is relative to the test file.)",
      ],
    );
    assert.deepEqual(
      problems('tests:\n  - name: a\n    receivers: { backend: { reply: {}, replies: [] } }\n'),
      [
        '3:27: tests[0].receivers.backend: reply and replies both given (Use reply for every call, or replies for one per call.)',
      ],
    );
  });

  it('expected XML that is not well-formed and expressions that do not parse', () => {
    const found = problems(
      "tests:\n  - name: a\n    expect:\n      xpath: { '/a/ns9:b': 1 }\n      jsonpath: { '$.a[': 1 }\n      bodyXml: '<a><b></a>'\n",
    );
    assert.equal(found.length, 3);
    assert.match(
      found[0],
      /^4:16: tests\[0\]\.expect\.xpath\.\/a\/ns9:b: .*namespace prefix 'ns9' is not mapped.*\(Map it in the flow's namespaces/,
    );
    assert.match(found[1], /^5:19: tests\[0\]\.expect\.jsonpath\.\$\.a\[: .*'\[' is not closed/);
    assert.match(
      found[2],
      /^6:16: tests\[0\]\.expect\.bodyXml: the expected XML is not well-formed XML: .*"b" != "a"/,
    );
  });

  it('two tests with the same name', () => {
    assert.deepEqual(problems('tests:\n  - name: a\n  - name: a\n'), [
      "3:11: tests[1].name: two tests are named 'a' (Give each test its own name.)",
    ]);
  });

  it('loads a good file: parameters, files, the flow outline', () => {
    const dir = writeFiles({
      'flows/orders.yaml': ORDERS_FLOW,
      'fixtures/in.json': '{"total":1}',
      'orders.test.yaml':
        'flow: flows/orders.yaml\nparameters: { backendUrl: http://mock/o }\ntests:\n  - name: a\n    input: { bodyFile: fixtures/in.json }\n',
    });
    const { loaded, diagnostics } = loadTestFile(join(dir, 'orders.test.yaml'));
    assert.deepEqual(diagnostics, []);
    assert.equal(loaded!.flow.file, join(dir, 'flows/orders.yaml'));
    assert.equal(loaded!.timeoutMs, 10_000);
    assert.deepEqual(loaded!.parameters, { backendUrl: 'http://mock/o' });
    assert.deepEqual(loaded!.flow.outline.receivers.get('backend'), {
      adapter: 'http',
      method: 'PUT',
      address: 'http://mock/o',
      throwExceptionOnFailure: true,
    });
    assert.equal(loaded!.tests[0].files.get('fixtures/in.json'), '{"total":1}');
  });
});
