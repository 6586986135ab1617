import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Pool } from 'undici';
import { type Answer, AnswerHandler, type BodyMode, SNIPPET_BYTES } from './http.answer.ts';
import { TestServer } from './test-server.fixture.ts';
import { newPool } from './undici.pool.ts';

const server = new TestServer();
let pool: Pool;

before(async () => {
  await server.start();
  pool = newPool(server.url, 2000);
});
after(async () => {
  await pool.close();
  await server.stop();
});
beforeEach(() => server.reset());

function get(mode: BodyMode, path = '/'): Promise<Answer> {
  const handler = new AnswerHandler({ bodyMode: () => mode });
  pool.dispatch({ path, method: 'GET', headers: [] }, handler);
  return handler.promise;
}

/** Writes `parts` as separate chunks, announcing the length unless `chunked`. */
function answerInParts(parts: string[], chunked = false): void {
  server.handle = (_req, res) => {
    if (!chunked) res.setHeader('content-length', Buffer.byteLength(parts.join('')));
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    let i = 0;
    const next = () => {
      if (i < parts.length) res.write(parts[i++], () => setTimeout(next, 2));
      else res.end();
    };
    next();
  };
}

describe('answer handler', () => {
  it('reads an answer sent in parts with Content-Length into one Buffer', async () => {
    answerInParts(['abc', 'def', 'ghi']);
    const answer = await get('buffer');
    assert.equal(answer.status, 200);
    assert.equal(String(answer.body), 'abcdefghi');
    assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(answer.headers['content-length'], '9');
  });

  it('reads a chunked answer of unknown length', async () => {
    answerInParts(['abc', 'def', 'ü'], true);
    const answer = await get('buffer');
    assert.equal(answer.body.toString(), 'abcdefü');
    assert.equal(answer.headers['transfer-encoding'], 'chunked');
  });

  it('keeps the start of a long failure and marks it cut', async () => {
    server.handle = (_req, res) => {
      res.statusCode = 500;
      res.end('e'.repeat(5 * SNIPPET_BYTES));
    };
    const answer = await get('snippet');
    assert.equal(answer.truncated, true);
    assert.ok((answer.body as Buffer).length > SNIPPET_BYTES);
    server.handle = (_req, res) => res.writeHead(503).end('short');
    const short = await get('snippet');
    assert.equal(short.truncated, false);
    assert.equal(String(short.body), 'short');
  });

  it('drops the body in discard mode and still completes', async () => {
    answerInParts(['x', 'y']);
    const answer = await get('discard');
    assert.equal((answer.body as Buffer).length, 0);
  });

  it('streams an answer as the reader reads it', async () => {
    answerInParts(['one ', 'two ', 'three']);
    const answer = await get('stream');
    assert.ok(answer.body instanceof Readable);
    let text = '';
    for await (const chunk of answer.body) text += String(chunk);
    assert.equal(text, 'one two three');
  });

  it('stops the request when the reader of a streamed answer gives up', async () => {
    let closed = false;
    server.handle = (req, res) => {
      res.write('first');
      req.socket.on('close', () => {
        closed = true;
      });
    };
    const answer = await get('stream');
    const stream = answer.body as Readable;
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    assert.equal(String(first), 'first');
    stream.destroy();
    for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(closed, true, 'the connection was closed');
  });

  it('rejects when no answer comes', async () => {
    server.handle = (req) => req.socket.destroy();
    await assert.rejects(get('buffer'), (e: unknown) =>
      /other side closed|socket/i.test((e as Error).message),
    );
  });
});
