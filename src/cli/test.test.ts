import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ORDERS_FLOW, writeFiles } from '../testing/flow-test/flow-test.fixture.ts';
import { UsageError } from './args.ts';
import { testCommand } from './test.ts';

const MAIN = join(import.meta.dirname, 'main.ts');

/** Runs `causeway test ...args` in `cwd` as a user would, in a new process. */
function spawnTest(cwd: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [MAIN, 'test', ...args], { cwd, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same in this process (a new process costs a second of module loading). */
async function causewayTest(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await testCommand(
    args,
    {
      write: (text: string) => {
        stdout += text;
      },
    },
    {
      write: (text: string) => {
        stderr += text;
      },
    },
  );
  return { code, stdout, stderr };
}

const PASSING = `tests:
  - name: big order
    input: { body: { total: 500 } }
    receivers: { backend: { reply: { body: '<ok/>' } } }
    expect: { bodyXml: '<ok/>', receivers: { backend: { calls: 1 } } }
  - name: small order
    input: { body: { total: 5 } }
    receivers: { audit: {} }
    expect: { bodyJson: { status: small } }
`;
const FAILING = `tests:
  - name: wrong status
    input: { body: { total: 5 } }
    receivers: { audit: {} }
    expect: { bodyJson: { status: big } }
`;

describe('causeway test', () => {
  it('exits 0 when every test passes, one line per test and the summary last', () => {
    const dir = writeFiles({ 'orders.yaml': ORDERS_FLOW, 'orders.test.yaml': PASSING });
    const { code, stdout } = spawnTest(dir);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'orders.test.yaml');
    assert.match(lines[1], /^ {2}✔ big order \(\d+ ms\)$/);
    assert.match(lines[2], /^ {2}✔ small order \(\d+ ms\)$/);
    assert.equal(lines.at(-1), '2 passed, 0 failed');
  });

  it('exits 2 on bad usage', async () => {
    const dir = writeFiles({ 'orders.yaml': ORDERS_FLOW, 'orders.test.yaml': PASSING });
    const unknown = spawnTest(dir, '--fliter', 'x');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--fliter'[\s\S]*Usage: causeway test/);
    await assert.rejects(causewayTest(join(dir, 'nope')), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /^No such file or folder: .*nope\n/);
      return true;
    });
    await assert.rejects(causewayTest(dir, '--filter', ''), UsageError);
  });

  it('exits 1 when a test fails, showing why under it', async () => {
    const dir = writeFiles({
      'a/orders.yaml': ORDERS_FLOW,
      'a/orders.test.yaml': PASSING,
      'b/orders.yaml': ORDERS_FLOW,
      'b/orders.test.yaml': FAILING,
    });
    const { code, stdout } = await causewayTest(join(dir, 'a'), join(dir, 'b/orders.test.yaml'));
    assert.equal(code, 1);
    const file = join(dir, 'b/orders.test.yaml');
    const failure =
      /\n {2}✖ wrong status \(\d+ ms\)\n {6}at (.*)\n {6}bodyJson: \$\.status: expected "big", got "small"\n/;
    assert.equal(failure.exec(stdout)?.[1], `${file}:2`, stdout);
    assert.ok(stdout.endsWith('\n2 passed, 1 failed\n'), stdout);
  });

  it('reports a broken test file with file:line:col and counts it as failed', async () => {
    const dir = writeFiles({
      'orders.yaml': ORDERS_FLOW,
      'orders.test.yaml': 'tests:\n  - name: a\n    inptu: {}\n',
    });
    const { code, stdout } = await causewayTest(dir);
    const file = join(dir, 'orders.test.yaml');
    assert.equal(code, 1);
    assert.equal(
      stdout,
      [
        file,
        '  ✖ could not run this file',
        `      ${file}:3:5: tests[0].inptu: unknown key 'inptu'`,
        "          hint: Did you mean 'input'? Valid keys: name, input, receivers, expect",
        '',
        '0 passed, 1 failed',
        '',
      ].join('\n'),
    );
  });

  it('--filter runs the tests whose name contains the text; --json prints the report', async () => {
    const dir = writeFiles({ 'orders.yaml': ORDERS_FLOW, 'orders.test.yaml': PASSING });
    const filtered = await causewayTest(dir, '--filter', 'SMALL');
    assert.equal(filtered.code, 0);
    assert.doesNotMatch(filtered.stdout, /big order/);
    assert.ok(filtered.stdout.endsWith('1 passed, 0 failed\n'));
    const json = await causewayTest(dir, '--json');
    assert.equal(json.code, 0);
    const report = JSON.parse(json.stdout);
    assert.equal(report.passed, 2);
    assert.equal(report.failed, 0);
    assert.deepEqual(
      report.files[0].tests.map((t: { name: string; passed: boolean }) => [t.name, t.passed]),
      [
        ['big order', true],
        ['small order', true],
      ],
    );
  });

  it('exits 1 when no test was found or matched', async () => {
    const empty = writeFiles({ 'orders.yaml': ORDERS_FLOW });
    const none = await causewayTest(empty);
    assert.equal(none.code, 1);
    assert.equal(none.stdout, '0 passed, 0 failed\n');
    assert.equal(none.stderr, `Found no flow tests in ${empty} (flow tests are *.test.yaml files).\n`);
    const dir = writeFiles({ 'orders.yaml': ORDERS_FLOW, 'orders.test.yaml': PASSING });
    const unmatched = await causewayTest(dir, '--filter', 'zzz');
    assert.equal(unmatched.code, 1);
    assert.match(unmatched.stderr, /Found no flow test named like 'zzz'/);
  });
});
