import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sampleEntry } from '../observability/mpl.fixtures.ts';
import { MplStore } from '../observability/mpl.store.ts';
import { type LogsIo, logsCommand } from './logs.ts';

describe('causeway logs', () => {
  let dir: string;
  const now = sampleEntry(200).logStart;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-logs-'));
    const store = new MplStore(dir);
    const entries = [];
    for (let n = 0; n < 20; n++) {
      entries.push(
        sampleEntry(n, {
          flowId: n % 2 === 0 ? 'billing' : 'order-intake',
          status: n % 4 === 0 ? 'FAILED' : 'COMPLETED',
          error: n % 4 === 0 ? `backend: HTTP 500 ${'x'.repeat(100)}\nat line 2` : undefined,
          applicationMessageId: n === 9 ? 'APP-9' : undefined,
        }),
      );
    }
    entries.push(
      sampleEntry(50, {
        logLevel: 'TRACE',
        steps: [
          {
            step: 'Set order id',
            kind: 'contentModifier',
            startedAt: sampleEntry(50).logStart + 1,
            durationMs: 3,
            payload: '{"id":50}',
          },
        ],
        customHeaderProperties: [
          ['orderId', 'O-50'],
          ['customer', 'ACME'],
        ],
        attachments: [{ name: 'request', contentType: 'application/json', content: '{"id":50}' }],
      }),
    );
    store.insertBatch(entries);
    store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[], env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const io: LogsIo = {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env,
      now: () => now,
    };
    const code = await logsCommand(args, io);
    return { code, stdout, stderr };
  }

  test('lists a filtered query as a table, newest first', async () => {
    const since = new Date(sampleEntry(5).logStart).toISOString();
    const r = await run(['--data', dir, '--flow', 'billing', '--status', 'failed', '--since', since]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^TIME \(UTC\)\s+STATUS\s+FLOW\s+MS\s+MESSAGE\s+ERROR$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s{2,}/).slice(1, 5)),
      [16, 12, 8].map((n) => ['FAILED', 'billing', '12', sampleEntry(n).messageGuid]),
    );
    assert.match(lines[1], /backend: HTTP 500 x+…$/);
    assert.ok(!r.stdout.includes('at line 2'), 'only the first line of an error');
    assert.equal((await run(['--data', dir, '--since', '30s'])).stdout, 'No message logs match.\n');
  });

  test('--json prints one summary per line; --limit and --header filter', async () => {
    const r = await run(['--data', dir, '--json', '--limit', '3']);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.map((e) => e.messageGuid),
      [50, 19, 18].map((n) => sampleEntry(n).messageGuid),
    );
    const h = await run(['--data', dir, '--json', '--header', 'orderId=O-7']);
    assert.deepEqual(JSON.parse(h.stdout).messageGuid, sampleEntry(7).messageGuid);
    const app = await run(['--data', dir, '--json', '--app-id', 'APP-9', '--status', 'completed']);
    assert.deepEqual(JSON.parse(app.stdout).messageGuid, sampleEntry(9).messageGuid);
    assert.equal(
      (await run(['--data', dir, '--app-id', 'APP-9', '--flow', 'billing'])).stdout,
      'No message logs match.\n',
    );
    const byCorrelation = await run(['--data', dir, '--json', '--correlation', 'corr-4']);
    assert.deepEqual(JSON.parse(byCorrelation.stdout).messageGuid, sampleEntry(4).messageGuid);
  });

  test('--id shows one entry in detail, payloads included at TRACE', async () => {
    const r = await run(['--id', sampleEntry(50).messageGuid], { CAUSEWAY_DATA: dir });
    assert.equal(r.code, 0, r.stderr);
    for (const expected of [
      new RegExp(`^Message\\s+${sampleEntry(50).messageGuid}$`, 'm'),
      /^Status\s+COMPLETED \(log level TRACE\)$/m,
      /^End\s+.* \(12 ms\)$/m,
      /^Steps:\n {2}\+1 ms {2}3 ms {2}contentModifier {2}Set order id\n {4}payload:\n {6}\{"id":50\}$/m,
      /^Receivers:\n {2}backend {2}http {2}http:\/\/127\.0\.0\.1:8080\/orders {2}HTTP 200 {2}7 ms$/m,
      /^Custom headers:\n {2}orderId = O-50\n {2}customer = ACME$/m,
      /^Attachments:\n {2}request \(application\/json, 9 chars\)\n {4}\{"id":50\}$/m,
    ]) {
      assert.match(r.stdout, expected);
    }
    const json = await run(['--data', dir, '--id', sampleEntry(50).messageGuid, '--json']);
    assert.equal(JSON.parse(json.stdout).steps[0].payload, '{"id":50}');
  });

  test('bad arguments: a clear message on stderr and exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--nope'], /Unknown option '--nope'/],
      [['extra'], /Unexpected argument 'extra'/],
      [['--status', 'DONE'], /--status DONE is not a message status\.\nUse one of PROCESSING, COMPLETED/],
      [['--since', 'yesterday'], /--since yesterday is neither a duration nor an ISO time/],
      [['--until', '2024-13-45'], /--until 2024-13-45 is neither/],
      [['--limit', '0'], /--limit 0 is not a number from 1 to 10000/],
      [['--limit', '5x'], /--limit 5x is not a number/],
      [['--header', 'orderId'], /--header orderId has no name=value/],
      [['--flow'], /Option '--flow <value>' argument missing/],
      [['--app-id'], /Option '--app-id <value>' argument missing/],
    ];
    for (const [args, message] of cases) {
      const r = await run(['--data', dir, ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Run 'causeway logs --help' for usage\.\n$/);
    }
  });

  test('a missing store or message says where it looked, exit 1', async () => {
    const missing = await run(['--data', join(dir, 'nowhere')]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /no message log at .*nowhere\/mpl\.sqlite\.\nPass the runtime's data directory/,
    );
    const unknown = await run(['--data', dir, '--id', 'msg-x']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no message msg-x in /);
  });

  test('--help prints usage', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: causeway logs/);
  });
});
