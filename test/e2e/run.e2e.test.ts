import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { causeway, eventually, ROOT, type Server, startServer } from './cli.fixture.ts';

// The README's promise, end to end: `causeway run` on the examples serves them offline, each call
// leaves a message processing log, and editing a flow file reloads that flow without dropping requests.
describe('causeway run (end to end)', () => {
  let dir: string;
  let data: string;
  let server: Server;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-e2e-'));
    data = join(dir, 'data');
    cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
    server = await startServer(['examples', '--data', data], dir);
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints every endpoint', () => {
    for (const endpoint of [
      'POST /http/orders',
      'POST /http/shipments',
      'ANY /http/availability',
      'timer every 1m',
    ]) {
      assert.ok(server.output().includes(endpoint), `missing ${endpoint} in:\n${server.output()}`);
    }
  });

  it('routes a shipment and logs the message', async () => {
    const res = await fetch(`${server.baseUrl}/http/shipments`, {
      method: 'POST',
      body: JSON.stringify({ destination: { country: 'IT' }, weightKg: 4 }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { carrier: 'EU-PARCEL', country: 'IT' });
    const guid = res.headers.get('sap_messageprocessinglogid');
    assert.ok(guid);
    const entry = await eventually(async () => {
      const { stdout } = await causeway(['logs', '--data', data, '--id', guid, '--json']);
      return stdout.trim() ? JSON.parse(stdout) : undefined;
    });
    assert.equal(entry.status, 'COMPLETED');
    assert.equal(entry.flowId, 'route-shipments');
    assert.ok(entry.steps.some((s: { kind: string }) => s.kind === 'router'));
  });

  it('answers 404 for an address no flow serves', async () => {
    const res = await fetch(`${server.baseUrl}/http/nowhere`, { method: 'POST' });
    assert.equal(res.status, 404);
  });

  it('reloads only the edited flow, drops no request, and keeps the old version when the edit is broken', async () => {
    const file = join(dir, 'examples/routing/route-shipments.yaml');
    const original = readFileSync(file, 'utf8');
    let stop = false;
    let failures = 0;
    let calls = 0;
    // Requests keep coming while the file changes under the runtime.
    const load = (async () => {
      while (!stop) {
        const res = await fetch(`${server.baseUrl}/http/shipments`, {
          method: 'POST',
          body: JSON.stringify({ destination: { country: 'JP' }, weightKg: 1 }),
        });
        calls++;
        if (res.status !== 200) failures++;
        await res.arrayBuffer();
      }
    })();
    writeFileSync(file, original.replace('WORLD-EXPRESS', 'WORLD-ECONOMY'));
    await eventually(async () => {
      const res = await fetch(`${server.baseUrl}/http/shipments`, {
        method: 'POST',
        body: JSON.stringify({ destination: { country: 'JP' }, weightKg: 1 }),
      });
      return (await res.json()).carrier === 'WORLD-ECONOMY' ? true : undefined;
    });
    assert.ok(server.output().includes('reloaded'), server.output());

    writeFileSync(file, original.replace('router:', 'routr:'));
    await eventually(async () => (server.output().includes('not reloaded') ? true : undefined));
    assert.match(server.output(), /route-shipments\.yaml:\d+:\d+: steps\[1\]\.routr: unknown step 'routr'/);
    const res = await fetch(`${server.baseUrl}/http/shipments`, {
      method: 'POST',
      body: JSON.stringify({ destination: { country: 'JP' }, weightKg: 1 }),
    });
    assert.equal(
      (await res.json()).carrier,
      'WORLD-ECONOMY',
      'the running version stays after a broken edit',
    );
    stop = true;
    await load;
    assert.ok(calls > 10, `only ${calls} calls during the reload`);
    assert.equal(failures, 0, `${failures} of ${calls} requests failed during the reload`);
  });
});

describe('causeway validate and test (end to end)', () => {
  it('validates the examples', async () => {
    const { code, stdout } = await causeway(['validate', 'examples']);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /flow file\(s\) valid, 0 error\(s\)/);
  });

  it('reports every error of a broken flow with file:line:col and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-validate-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      [
        'id: broken',
        'sender: { adapter: https, address: /b }',
        'steps:',
        "  - router: { routes: [ { name: a, condition: '${header.x} =', steps: [] } ] }",
        '  - contentModifer: {}',
        '  - requestReply: { receiver: nowhere }',
      ].join('\n'),
    );
    const { code, stderr } = await causeway(['validate', file]);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 1);
    assert.match(stderr, /broken\.yaml:4:\d+: .*condition/);
    assert.match(stderr, /broken\.yaml:5:5: steps\[1\]\.contentModifer: unknown step 'contentModifer'/);
    assert.match(stderr, /hint: Did you mean 'contentModifier'\?/);
    assert.match(
      stderr,
      /broken\.yaml:6:\d+: steps\[2\]\.requestReply\.receiver: unknown receiver 'nowhere'/,
    );
  });

  it('runs the example flow tests', async () => {
    const { code, stdout } = await causeway(['test', 'examples']);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /\d+ passed, 0 failed/);
  });

  it('prints a JSON Schema that names every step', async () => {
    const { code, stdout } = await causeway(['schema']);
    assert.equal(code, 0);
    const schema = JSON.parse(stdout);
    const kinds = schema.$defs.step.oneOf.map((s: { required: string[] }) => s.required[0]);
    for (const kind of ['contentModifier', 'router', 'splitter', 'script', 'xsltMapping', 'requestReply']) {
      assert.ok(kinds.includes(kind), kind);
    }
  });
});

describe('causeway CLI bad input (end to end)', () => {
  it('names a missing path and exits 2', async () => {
    for (const command of ['run', 'validate']) {
      const { code, stderr } = await causeway([command, 'no/such/flows']);
      assert.equal(code, 2, command);
      assert.match(stderr, /No such file or folder: no\/such\/flows/);
    }
  });

  it('explains a port already in use and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'cw-port-'));
    const { code, stderr } = await causeway(['run', 'examples', '--port', String(port), '--data', dir]);
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 1);
    assert.match(stderr, /CW_ERR_LISTEN: Cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    assert.match(stderr, /hint: .*--port/);
  });

  it('rejects a malformed --param and an unknown command', async () => {
    assert.equal((await causeway(['run', 'examples', '--param', 'novalue'])).code, 2);
    const { code, stderr } = await causeway(['frobnicate']);
    assert.equal(code, 2);
    assert.match(stderr, /Unknown command 'frobnicate'/);
  });
});

describe('security material changed while causeway run runs (end to end)', () => {
  it('lets a user added with `causeway users add` in, without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-users-'));
    const data = join(dir, 'data');
    writeFileSync(
      join(dir, 'secured.yaml'),
      "id: secured\nsender: { adapter: https, address: /secured, authentication: basic }\nsteps:\n  - contentModifier: { body: { source: constant, value: 'welcome' } }\n",
    );
    const server = await startServer(['secured.yaml', '--data', data], dir);
    try {
      const auth = { Authorization: `Basic ${Buffer.from('shop:s3cret-pass').toString('base64')}` };
      const before = await fetch(`${server.baseUrl}/http/secured`, { method: 'POST', headers: auth });
      assert.equal(before.status, 401);
      const added = await causeway(
        ['users', 'add', 'shop', '--password', 's3cret-pass', '--data', data],
        dir,
      );
      assert.equal(added.code, 0, added.stderr);
      const status = await eventually(async () => {
        const res = await fetch(`${server.baseUrl}/http/secured`, { method: 'POST', headers: auth });
        const text = await res.text();
        return res.status === 200 ? text : undefined;
      });
      assert.equal(status, 'welcome');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('security commands run at the same time (end to end)', () => {
  it('keeps the change of every `causeway users add` and `credentials set`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-users-'));
    const data = join(dir, 'data');
    const names = ['n1', 'n2', 'n3'];
    try {
      const results = await Promise.all(
        names.flatMap((name) => [
          causeway(['users', 'add', name, '--password', `pw-${name}`, '--data', data], dir),
          causeway(
            [
              'credentials',
              'set',
              name,
              '--type',
              'secure-parameter',
              '--value',
              `v-${name}`,
              '--data',
              data,
            ],
            dir,
          ),
        ]),
      );
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const listed = async (kind: string) =>
        JSON.parse((await causeway([kind, 'list', '--json', '--data', data], dir)).stdout).map(
          (entry: { name: string }) => entry.name,
        );
      assert.deepEqual(await listed('users'), names);
      assert.deepEqual(await listed('credentials'), names);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
