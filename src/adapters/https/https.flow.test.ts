import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { compileFlow } from '../../flow/compiler.ts';
import type { MplEntry } from '../../observability/mpl.types.ts';
import { detachedServices } from '../../runtime/detached-services.ts';
import { HttpServer } from '../../runtime/http-server.ts';
import { ProcessDirectRegistry } from '../../runtime/process-direct.registry.ts';
import type { RuntimeServices } from '../../runtime/services.ts';
import { MemorySecureStore } from '../../security/memory-secure-store.ts';

/** The HTTPS sender as a flow file declares it: loaded by the compiler, served, logged. */

const flowWith = (sender: string, steps: string) => `id: orders\nsender:\n${sender}\nsteps:\n${steps}\n`;

const errors = (sender: string) =>
  compileFlow(flowWith(sender, '  - end: {}'), {
    file: '/flows/orders.yaml',
    services: detachedServices(),
  }).diagnostics.map((d) => `${d.line}:${d.col} ${d.message} (hint: ${d.hint})`);

/** Serves a flow on a free port; returns a POST helper and the log entries written. */
async function serve(t: TestContext, sender: string, steps: string) {
  const server = new HttpServer();
  await server.listen(0);
  const entries: MplEntry[] = [];
  const services: RuntimeServices = {
    http: server,
    processDirect: new ProcessDirectRegistry(),
    secureStore: new MemorySecureStore(),
    messageLogs: { write: (entry) => void entries.push(entry) },
  };
  const { flow, diagnostics } = compileFlow(flowWith(sender, steps), {
    file: '/flows/orders.yaml',
    services,
  });
  assert.deepEqual(diagnostics, []);
  await flow!.endpoint!.start();
  t.after(async () => {
    await flow!.endpoint!.stop();
    await server.close();
  });
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl()}/http/orders`, { method: 'POST', body, headers });
  return { post, entries };
}

describe('HTTPS sender in a flow', () => {
  it('reports bad options with line, column and hint', () => {
    assert.deepEqual(errors('  adapter: https\n  address: orders?x=1'), [
      "4:12 sender.address: invalid address: 'orders?x=1' contains a character not allowed in an address (?, #, %, \\ or space) (hint: Use a relative path such as '/orders' or '/orders/*'.)",
    ]);
    assert.deepEqual(errors('  adapter: https\n  address: /orders\n  methods: [POST, FETCH]'), [
      "5:19 sender.methods[1]: 'FETCH' is not one of 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS' (hint: Did you mean 'PATCH'?)",
    ]);
    assert.match(
      errors('  adapter: https\n  address: /orders\n  authentication: oauth')[0],
      /^5:19 sender\.authentication: 'oauth' is not one of 'none', 'basic' \(hint: 'basic': callers send/,
    );
    assert.match(
      errors('  adapter: https\n  address: /orders\n  maxBodySize: 10MB')[0],
      /^5:16 sender\.maxBodySize: 'maxBodySize': expected integer, got "10MB" \(hint: Largest request body/,
    );
    assert.deepEqual(errors('  adapter: https\n  address: /orders\n  allowHeaders: [X-Id]'), [
      "5:3 sender.allowHeaders: unknown option 'allowHeaders' (hint: Did you mean 'allowedHeaders'? Valid options: address, methods, authentication, userRole, csrfProtection, allowedHeaders, maxBodySize, returnExceptionToSender)",
    ]);
  });

  it('answers a body the flow cannot read with 500 and logs the message FAILED at its step', async (t) => {
    const { post, entries } = await serve(
      t,
      '  adapter: https\n  address: /orders\n  returnExceptionToSender: true',
      '  - jsonToXml: { name: Order to XML }',
    );
    const res = await post('{"order": ', { 'content-type': 'application/json' });
    assert.equal(res.status, 500);
    const answer = await res.json();
    assert.equal(answer.code, 'CW_ERR_CONVERSION');
    assert.match(
      answer.error,
      /^Step 'Order to XML' \(steps\[0\]\.jsonToXml\): the message body is not valid JSON/,
    );
    assert.match(answer.hint, /convert it to JSON first/);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].status, 'FAILED');
    assert.equal(entries[0].messageGuid, answer.messageId);
    assert.equal(entries[0].error, answer.error);
    assert.deepEqual(
      entries[0].steps.map((s) => [s.step, s.error]),
      [['Order to XML', answer.error]],
    );
  });

  it('answers a message without the header it is routed by with 500, and logs it FAILED', async (t) => {
    const { post, entries } = await serve(
      t,
      '  adapter: https\n  address: /orders\n  allowedHeaders: [X-Order-Type]',
      '  - router: { name: By type, routes: [{ condition: "${header.X-Order-Type} = \'rush\'", steps: [] }] }',
    );
    const res = await post('<order/>');
    assert.equal(res.status, 500);
    const answer = await res.json();
    // Without returnExceptionToSender the caller learns only where to look.
    assert.equal(answer.code, 'CW_ERR_MESSAGE_FAILED');
    assert.equal(entries[0].status, 'FAILED');
    assert.equal(entries[0].messageGuid, answer.messageId);
    assert.match(entries[0].error ?? '', /^Router "By type": no condition matched the message/);
    const ok = await post('<order/>', { 'X-Order-Type': 'rush' });
    assert.equal(ok.status, 200);
    assert.equal(entries[1].status, 'COMPLETED');
  });
});
