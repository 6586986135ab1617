import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MplEntry } from '../../observability/mpl.types.ts';
import { ORDERS_FLOW, writeFiles } from './flow-test.fixture.ts';
import { type FileReport, runTestFile, type TestResult } from './run-test-file.ts';

/** Runs `tests` (the YAML under `tests:`) against the orders flow, or the files given. */
async function run(tests: string, files: Record<string, string> = {}, header = ''): Promise<FileReport> {
  const dir = writeFiles({
    'orders.yaml': ORDERS_FLOW,
    ...files,
    'orders.test.yaml': `${header}tests:\n${tests}`,
  });
  const report = await runTestFile(join(dir, 'orders.test.yaml'));
  assert.deepEqual(report.diagnostics, [], 'the test file loads');
  return report;
}

async function one(tests: string, files?: Record<string, string>, header?: string): Promise<TestResult> {
  const report = await run(tests, files, header);
  assert.equal(report.tests.length, 1);
  return report.tests[0];
}

/** A failed test's reasons as text, one string per failure: `check: line / line`. */
const reasons = (result: TestResult) => result.failures.map((f) => `${f.check}: ${f.lines.join(' / ')}`);

const BIG = '    input: { body: { id: 1, total: 500 } }\n';
const SMALL = '    input: { body: { id: 2, total: 5 } }\n';
const BACKEND_OK = "    receivers: { backend: { reply: { body: '<ok><id>1</id></ok>' } } }\n";
const AUDIT_OK = '    receivers: { audit: {} }\n';

describe('flow tests: passing', () => {
  it('passes when every expectation holds, with mocks, headers and receiver checks', async () => {
    const result = await one(`  - name: big order
${BIG}    receivers:
      backend:
        reply: { body: '<ok><id>1</id></ok>', headers: { Content-Type: application/xml } }
    expect:
      status: COMPLETED
      bodyXml: |
        <ok>
          <id>1</id>
        </ok>
      xpath: { /ok/id: 1 }
      headers: { x-processed: 'true', Content-Type: application/xml, CamelHttpResponseCode: 200, x-none: null }
      properties: { total: 500 }
      receivers:
        backend: { calls: 1, bodyJson: { total: 500 }, headers: { X-Processed: 'true' } }
        audit: { calls: 0 }
`);
    assert.deepEqual(reasons(result), []);
    assert.equal(result.passed, true);
    assert.equal(result.name, 'big order');
    assert.equal(result.line, 2);
  });

  it('leaves the message unchanged after a mocked Send and records what was sent', async () => {
    const result = await one(`  - name: small order
${SMALL}${AUDIT_OK}    expect:
      body: '{"status":"small","items":[{"sku":"a","qty":2}]}'
      jsonpath: { '$.items[0].sku': a, '$.items': [ { qty: 2 } ] }
      receivers:
        audit: { calls: 1, body: '{"id":2,"total":5}', requests: [ { bodyJson: { id: 2 } } ] }
`);
    assert.deepEqual(reasons(result), []);
  });

  it('reads the input and expected body from files', async () => {
    const result = await one(
      `  - name: from files
    input: { bodyFile: fixtures/in.json }
    receivers: { backend: { reply: { bodyFile: fixtures/reply.xml } } }
    expect: { bodyFile: fixtures/reply.xml }
`,
      { 'fixtures/in.json': '{"total": 200}', 'fixtures/reply.xml': '<ok/>\r\n' },
    );
    assert.deepEqual(reasons(result), []);
  });
});

describe('flow tests: failing expectations say what differs', () => {
  it('body: a line diff of expected and actual with the first differing character', async () => {
    const result = await one(`  - name: t
${SMALL}${AUDIT_OK}    expect: { body: '{"status":"big"}' }
`);
    assert.equal(result.passed, false);
    assert.deepEqual(result.failures, [
      {
        check: 'body',
        lines: [
          '- expected',
          '+ actual',
          '- {"status":"big"}',
          '+ {"status":"small","items":[{"sku":"a","qty":2}]}',
          '  (first difference at character 12)',
        ],
      },
    ]);
  });

  it('bodyJson: one line per mismatch with its JSON path', async () => {
    const result = await one(`  - name: t
${SMALL}${AUDIT_OK}    expect:
      bodyJson: { status: big, missing: 1, items: [ { sku: a, qty: 3 } ] }
`);
    assert.deepEqual(reasons(result), [
      'bodyJson: $.status: expected "big", got "small" / $.missing: expected 1, got nothing (no such key) / $.items[0].qty: expected 3, got 2',
    ]);
  });

  it('bodyJson: a body that is not JSON', async () => {
    const result = await one(`  - name: t
${BIG}${BACKEND_OK}    expect: { bodyJson: { id: 1 } }
`);
    assert.match(reasons(result)[0], /^bodyJson: the body is not JSON \(.+\): "<ok><id>1<\/id><\/ok>"$/);
  });

  it('bodyXml: a diff of the normalized documents', async () => {
    const result = await one(`  - name: t
${BIG}${BACKEND_OK}    expect: { bodyXml: '<ok><id>2</id></ok>' }
`);
    assert.deepEqual(result.failures, [
      {
        check: 'bodyXml',
        lines: ['- expected', '+ actual', '  <ok>', '-   <id>2</id>', '+   <id>1</id>', '  </ok>'],
      },
    ]);
  });

  it('xpath, jsonpath, headers and properties: expected and actual values', async () => {
    const result = await one(`  - name: t
${BIG}${BACKEND_OK}    expect:
      xpath: { /ok/id: 2 }
      headers: { x-processed: 'false', x-missing: 'yes', CamelHttpResponseCode: null }
      properties: { total: 501 }
`);
    assert.deepEqual(reasons(result), [
      'xpath: /ok/id: expected "2", got "1"',
      'header x-processed: expected "false", got "true"',
      'header x-missing: expected "yes", but it is not set',
      'header CamelHttpResponseCode: expected no header, got "200"',
      'property total: expected "501", got "500"',
    ]);
    const json = await one(`  - name: t
${SMALL}${AUDIT_OK}    expect: { jsonpath: { '$.items[0].qty': '2' } }
`);
    assert.deepEqual(reasons(json), ['jsonpath: $.items[0].qty: expected "2", got 2']);
    const notXml = await one(`  - name: t
${SMALL}${AUDIT_OK}    expect: { xpath: { /a: 1 } }
`);
    assert.equal(notXml.failures.length, 1);
    assert.match(reasons(notXml)[0], /^xpath: \/a: .*not well-formed XML/);
  });

  it('status and error: the error that ended the message is shown', async () => {
    const failed = await one(`  - name: t
${BIG}    receivers: { backend: { reply: { status: 500, body: boom } } }
    expect: { bodyJson: {} }
`);
    assert.equal(failed.failures[0].check, 'status');
    assert.equal(failed.failures[0].lines[0], 'expected COMPLETED, got FAILED');
    assert.match(
      failed.failures[0].lines[1],
      /^the message ended with: Receiver 'backend': PUT .* answered 500/,
    );

    const noError = await one(`  - name: t
${SMALL}${AUDIT_OK}    expect: { error: timeout }
`);
    assert.deepEqual(reasons(noError), [
      'status: expected FAILED, got COMPLETED',
      "error: expected an error containing 'timeout', but none was thrown",
    ]);
    const otherError = await one(`  - name: t
${BIG}    receivers: { backend: { reply: { failure: connection refused } } }
    expect: { error: timeout }
`);
    assert.deepEqual(reasons(otherError), [
      "error: expected an error containing 'timeout' / got: Receiver 'backend': PUT http://127.0.0.1:1/orders failed: connection refused",
    ]);
  });

  it('receivers: calls, the last call and each request', async () => {
    const result = await one(`  - name: t
${SMALL}${AUDIT_OK}    expect:
      receivers:
        audit: { calls: 2, bodyJson: { id: 3 }, headers: { x-processed: null }, requests: [ {}, { body: x } ] }
        backend: { body: y }
`);
    assert.deepEqual(reasons(result), [
      'receivers.audit.calls: expected 2 call(s), got 1',
      'receivers.audit (last call) bodyJson: $.id: expected 3, got 2',
      'receivers.audit (last call) header x-processed: expected no header, got "true"',
      'receivers.audit.requests[1]: expected call 2, but it was called 1 time(s)',
      'receivers.backend: expected a call to check, but it was never called',
    ]);
  });
});

describe('flow tests: mocked receivers', () => {
  it('a non-2xx status fails the call like the HTTP receiver, with the deployment parameters', async () => {
    const result = await one(
      `  - name: t
${BIG}    receivers: { backend: { reply: { status: 503, body: down } } }
    expect: { status: FAILED, error: "PUT http://mock/orders answered 503 Service Unavailable: down" }
`,
      {},
      'parameters: { backendUrl: http://mock/orders }\n',
    );
    assert.deepEqual(reasons(result), []);
  });

  it('a non-2xx status is the reply when the receiver does not throw on failure', async () => {
    const flow = ORDERS_FLOW.replace('method: PUT }', 'method: PUT, throwExceptionOnFailure: false }');
    const result = await one(
      `  - name: t
${BIG}    receivers: { backend: { reply: { status: 404, body: nope } } }
    expect: { body: nope, headers: { CamelHttpResponseCode: 404 } }
`,
      { 'orders.yaml': flow },
    );
    assert.deepEqual(reasons(result), []);
  });

  it('delay holds the reply back; timeoutMs fails a test that takes too long', async () => {
    const slow = await one(`  - name: t
${BIG}    receivers: { backend: { reply: { delay: 60 } } }
`);
    assert.equal(slow.passed, true);
    assert.ok(slow.durationMs >= 55, `took ${slow.durationMs} ms`);
    const timedOut = await one(
      `  - name: t
${BIG}    receivers: { backend: { reply: { delay: 500 } } }
`,
      {},
      'timeoutMs: 50\n',
    );
    assert.deepEqual(reasons(timedOut), [
      'timeout: the message did not finish within 50 ms and was cancelled',
    ]);
  });

  const TWICE = `id: twice
receivers:
  backend: { adapter: http, address: 'http://127.0.0.1:1/x' }
steps:
  - requestReply: { receiver: backend }
  - contentModifier: { properties: [ { name: first, source: expression, value: '\${body}' } ] }
  - requestReply: { receiver: backend }
`;

  it('replies: one per call, in order; a call beyond the list fails the test', async () => {
    const result = await one(
      `  - name: t
    input: { body: start }
    receivers: { backend: { replies: [ { body: one }, { body: two } ] } }
    expect:
      body: two
      properties: { first: one }
      receivers: { backend: { calls: 2, requests: [ { body: start }, { body: one } ] } }
`,
      { 'orders.yaml': TWICE },
    );
    assert.deepEqual(reasons(result), []);
    const short = await one(
      `  - name: t
    receivers: { backend: { replies: [ { body: one } ] } }
    expect: { status: FAILED }
`,
      { 'orders.yaml': TWICE },
    );
    assert.deepEqual(reasons(short), [
      "receivers: receiver 'backend' was called 2 times but replies: lists 1",
    ]);
  });

  it('an unmocked receiver fails the test, even when the exception subprocess handles the error', async () => {
    const result = await one(`  - name: t
${BIG}`);
    assert.deepEqual(reasons(result), [
      "receivers: receiver 'backend' is not mocked in this test; add it under receivers:",
      "status: expected COMPLETED, got FAILED / the message ended with: receiver 'backend' is not mocked in this test; add it under receivers:",
    ]);
    const handled = `${ORDERS_FLOW}exceptionSubprocess:\n  steps:\n    - contentModifier: { body: { value: handled } }\n`;
    const swallowed = await one(`  - name: t\n${BIG}    expect: { body: handled }\n`, {
      'orders.yaml': handled,
    });
    assert.deepEqual(reasons(swallowed), [
      "receivers: receiver 'backend' is not mocked in this test; add it under receivers:",
    ]);
  });

  it('a ProcessDirect receiver runs the consumer flow listed under flows:', async () => {
    const caller = `id: caller
receivers:
  enrich: { adapter: processDirect, address: /enrich }
  backend: { adapter: http, address: 'http://127.0.0.1:1/x' }
steps:
  - requestReply: { receiver: enrich }
`;
    const enrich = `id: enrich
sender: { adapter: processDirect, address: /enrich }
steps:
  - requestReply: { receiver: backend }
  - contentModifier: { headers: [ { name: enriched, value: 'yes' } ] }
receivers:
  backend: { adapter: http, address: 'http://127.0.0.1:1/y' }
`;
    const files = { 'orders.yaml': caller, 'enrich.yaml': enrich };
    const result = await one(
      `  - name: t
    input: { body: hello }
    receivers: { backend: { reply: { body: from-backend } } }
    expect:
      body: from-backend
      headers: { enriched: 'yes' }
      receivers: { enrich: { calls: 1, body: hello }, backend: { calls: 1, body: hello } }
`,
      files,
      'flows: [enrich.yaml]\n',
    );
    assert.deepEqual(reasons(result), []);
    const without = await one('  - name: t\n    expect: { status: FAILED }\n', files);
    assert.deepEqual(reasons(without), [
      "receivers: receiver 'enrich' is not mocked in this test; add it under receivers:",
    ]);
  });
});

describe('flow tests: a message that passes the timeout is cancelled', () => {
  const CANCELLED = "The message was cancelled: the flow test's timeout of 50 ms passed";

  /** Runs the test file's one test and keeps the message logs of the messages it ran. */
  async function runLogged(files: Record<string, string>) {
    const dir = writeFiles(files);
    const entries: MplEntry[] = [];
    const report = await runTestFile(join(dir, 'main.test.yaml'), {
      messageLogs: { write: (entry) => void entries.push(entry) },
    });
    assert.deepEqual(report.diagnostics, []);
    return { result: report.tests[0], entries };
  }

  it('runs no step after the slow call, even once the slow reply would have come, and logs why', async () => {
    const { result, entries } = await runLogged({
      'main.yaml': `id: main
receivers:
  slow: { adapter: http, address: 'http://127.0.0.1:1/slow' }
  second: { adapter: http, address: 'http://127.0.0.1:1/second' }
steps:
  - requestReply: { receiver: slow }
  - contentModifier: { name: after, properties: [ { name: after, value: 'yes' } ] }
  - send: { receiver: second }
exceptionSubprocess:
  steps:
    - send: { receiver: second }
`,
      'main.test.yaml': `timeoutMs: 50
tests:
  - name: t
    receivers: { slow: { reply: { delay: 300 } }, second: {} }
`,
    });
    assert.deepEqual(reasons(result), ['timeout: the message did not finish within 50 ms and was cancelled']);
    assert.ok(result.durationMs < 300, `reported after ${result.durationMs} ms`);
    // Past the slow reply's time: had the message gone on, it would have called `second` by now.
    await sleep(400);
    assert.equal(entries.length, 1, 'the message ended and wrote its log');
    const [entry] = entries;
    assert.equal(entry.status, 'FAILED');
    assert.equal(entry.error, CANCELLED);
    assert.deepEqual(
      entry.steps.map((s) => [s.kind, s.error]),
      [['requestReply', CANCELLED]],
    );
    assert.deepEqual(
      entry.receivers.map((r) => [r.receiver, r.error]),
      [['slow', CANCELLED]],
    );
  });

  it('cancels the flow called over ProcessDirect too', async () => {
    const { result, entries } = await runLogged({
      'main.yaml': `id: main
receivers:
  enrich: { adapter: processDirect, address: /enrich }
  second: { adapter: http, address: 'http://127.0.0.1:1/second' }
steps:
  - requestReply: { receiver: enrich }
  - send: { receiver: second }
`,
      'enrich.yaml': `id: enrich
sender: { adapter: processDirect, address: /enrich }
receivers:
  slow: { adapter: http, address: 'http://127.0.0.1:1/slow' }
  audit: { adapter: http, address: 'http://127.0.0.1:1/audit' }
steps:
  - requestReply: { receiver: slow }
  - send: { receiver: audit }
`,
      'main.test.yaml': `timeoutMs: 50
flows: [enrich.yaml]
tests:
  - name: t
    receivers: { slow: { reply: { delay: 300 } }, second: {}, audit: {} }
`,
    });
    assert.deepEqual(reasons(result), ['timeout: the message did not finish within 50 ms and was cancelled']);
    await sleep(400);
    assert.deepEqual(
      entries.map((e) => [e.flowId, e.status, e.error, e.receivers.map((r) => r.receiver).join()]),
      [
        ['enrich', 'FAILED', CANCELLED, 'slow'],
        ['main', 'FAILED', CANCELLED, 'enrich'],
      ],
    );
  });
});

describe('flow tests: running a file', () => {
  it('reports compile errors of the flow under test with their position', async () => {
    const dir = writeFiles({
      'orders.yaml': ORDERS_FLOW.replace(
        'requestReply: { receiver: backend }',
        'requestReply: { receiver: backnd }',
      ),
      'orders.test.yaml': 'tests:\n  - name: t\n',
    });
    const report = await runTestFile(join(dir, 'orders.test.yaml'));
    assert.equal(report.tests.length, 0);
    assert.equal(report.diagnostics.length, 1);
    const [d] = report.diagnostics;
    assert.equal(d.file, join(dir, 'orders.yaml'));
    assert.deepEqual([d.line, d.col], [18, 41]);
    assert.match(d.message, /unknown receiver 'backnd'/);
  });

  it('reports a flow that is not valid YAML as such, not as unknown receivers', async () => {
    const dir = writeFiles({
      'orders.yaml': 'id: orders\nsteps: [\n',
      'orders.test.yaml': 'tests:\n  - name: t\n    receivers: { backend: {} }\n',
    });
    const report = await runTestFile(join(dir, 'orders.test.yaml'));
    assert.equal(report.diagnostics.length, 1);
    assert.equal(report.diagnostics[0].file, join(dir, 'orders.yaml'));
    assert.match(report.diagnostics[0].message, /^YAML syntax error/);
  });

  it('runs only the tests whose name contains the filter, ignoring case', async () => {
    const dir = writeFiles({
      'orders.yaml': ORDERS_FLOW,
      'orders.test.yaml': `tests:\n  - name: Big order\n${BIG}${BACKEND_OK}  - name: small order\n${SMALL}${AUDIT_OK}`,
    });
    const report = await runTestFile(join(dir, 'orders.test.yaml'), { filter: 'BIG' });
    assert.deepEqual(
      report.tests.map((t) => [t.name, t.passed]),
      [['Big order', true]],
    );
  });
});
