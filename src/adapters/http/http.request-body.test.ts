import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Exchange, Message } from '../../engine/exchange.ts';
import { createReceiver } from './context.fixture.ts';
import { requestBody } from './http.request-body.ts';
import { httpReceiver } from './http.spec.ts';
import { TestServer } from './test-server.fixture.ts';

/**
 * A sender passes its HTTP request on as a stream (as the HTTPS sender does); these tests post to a
 * local server whose handler runs the code under test on that request.
 */
let onRequest: (req: IncomingMessage) => Promise<string> = async () => '';
const sender: Server = createServer((req, res) => {
  onRequest(req).then(
    (text) => res.end(text),
    (error: Error) => res.writeHead(500).end(error.message),
  );
});
const backend = new TestServer();

before(async () => {
  await new Promise<void>((resolve) => sender.listen(0, '127.0.0.1', resolve));
  await backend.start();
});
after(async () => {
  sender.closeAllConnections();
  await new Promise((resolve) => sender.close(resolve));
  await backend.stop();
});

function post(body: Buffer, chunked = false): Promise<string> {
  const { port } = sender.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString()));
    });
    req.on('error', reject);
    if (chunked) {
      req.write(body.subarray(0, 10));
      req.end(body.subarray(10));
    } else req.end(body);
  });
}

describe('request body', () => {
  it('reads a small request with Content-Length into one Buffer, and keeps it as the message body', async () => {
    const payload = Buffer.from(JSON.stringify({ order: 1, text: 'x'.repeat(3000) }));
    onRequest = async (req) => {
      const message = new Message(req);
      const body = await requestBody(message, false, false);
      assert.ok(Buffer.isBuffer(body));
      assert.equal(message.body.isStream, false);
      assert.equal(message.body.length, payload.length);
      return `${body.length} ${body.equals(payload)}`;
    };
    assert.equal(await post(payload), `${payload.length} true`);
  });

  it('streams a request without Content-Length or above 64 KiB', async () => {
    onRequest = async (req) => {
      const body = requestBody(new Message(req), false, false);
      assert.ok(body instanceof Readable, 'a stream');
      let size = 0;
      for await (const chunk of body) size += (chunk as Buffer).length;
      return String(size);
    };
    assert.equal(await post(Buffer.alloc(100, 97), true), '100');
    assert.equal(await post(Buffer.alloc(65 * 1024, 97)), String(65 * 1024));
  });

  it('reads any stream first when it may be sent twice or used after Send', async () => {
    const replayable = await requestBody(new Message(Readable.from(['a', 'b'])), true, false);
    const afterSend = await requestBody(new Message(Readable.from(['c'])), false, true);
    assert.equal(String(replayable), 'ab');
    assert.equal(String(afterSend), 'c');
  });

  it('returns bytes at hand without waiting', () => {
    assert.ok(Buffer.isBuffer(requestBody(new Message({ a: 1 }), false, false)));
  });

  it('passes a sender request on to the backend with its length, not chunked', async () => {
    const { receiver } = createReceiver(httpReceiver, { address: `${backend.url}/in` });
    onRequest = async (req) => {
      const exchange = new Exchange({ body: req });
      await receiver.call(exchange, 'request-reply');
      return exchange.message.body.text();
    };
    assert.equal(await post(Buffer.from('{"small":true}')), 'ok');
    assert.equal(backend.requests[0].headers['content-length'], '14');
    assert.equal(backend.requests[0].headers['transfer-encoding'], undefined);
    assert.equal(backend.requests[0].body.toString(), '{"small":true}');
    await receiver.close?.();
  });
});
