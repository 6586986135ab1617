import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { startEndpoint } from './https.fixture.ts';

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Bytes of the reply, counted without keeping them (unless `keep`). */
  received: number;
  text: string;
}

/**
 * Sends `chunkCount` chunks of `chunk` with node:http (chunked unless `contentLength` is given) and
 * reads the reply at the same time, so that an echo streams both ways without either side buffering.
 */
function send(
  url: string,
  chunk: Buffer,
  chunkCount: number,
  options: { contentLength?: number; keep?: boolean } = {},
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
    if (options.contentLength !== undefined) headers['content-length'] = options.contentLength;
    const req = request(url, { method: 'POST', headers }, (res) => {
      let received = 0;
      const kept: Buffer[] = [];
      res.on('data', (data: Buffer) => {
        received += data.length;
        if (options.keep) kept.push(data);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          received,
          text: Buffer.concat(kept).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    let sent = 0;
    const write = () => {
      while (sent < chunkCount) {
        sent++;
        if (!req.write(chunk)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

test('Content-Length over maxBodySize: 413 before the flow runs', async (t) => {
  const ep = await startEndpoint({ address: '/limit', maxBodySize: 1000 });
  t.after(() => ep.close());
  const res = await fetch(ep.url(), { method: 'POST', body: 'x'.repeat(1001) });
  assert.equal(res.status, 413);
  assert.equal((await res.json()).code, 'CW_ERR_BODY_TOO_LARGE');
  assert.equal(ep.exchanges.length, 0);
  const exact = await fetch(ep.url(), { method: 'POST', body: 'x'.repeat(1000) });
  assert.equal(exact.status, 200);
  assert.equal((await exact.text()).length, 1000);
});

test('a large body over the limit is refused without reading it all', async (t) => {
  const ep = await startEndpoint({ address: '/limit', maxBodySize: 1024 * 1024 });
  t.after(() => ep.close());
  const chunk = Buffer.alloc(64 * 1024, 1);
  // The server answers at once and closes instead of reading 10 MB; Node's client still gets the reply.
  const result = await send(ep.url(), chunk, 160, { contentLength: chunk.length * 160, keep: true });
  assert.equal(result.status, 413);
  assert.equal(result.headers.connection, 'close');
  assert.equal(ep.exchanges.length, 0);
});

test('a chunked body over the limit gives 413 when the flow reads it', async (t) => {
  let failure: unknown;
  const ep = await startEndpoint({ address: '/chunked', maxBodySize: 100_000 }, async (ex) => {
    try {
      await ex.message.body.materialize();
    } catch (error) {
      failure = error;
      throw error;
    }
  });
  t.after(() => ep.close());
  const small = await send(ep.url(), Buffer.alloc(10_000, 97), 5, { keep: true });
  assert.equal(small.status, 200);
  assert.equal(small.text.length, 50_000);
  const big = await send(ep.url(), Buffer.alloc(10_000, 97), 50, { keep: true });
  assert.equal(big.status, 413);
  assert.equal(JSON.parse(big.text).code, 'CW_ERR_BODY_TOO_LARGE');
  assert.equal(big.headers.sap_messageprocessinglogid, ep.exchanges[1].id);
  assert.equal((failure as { code?: string }).code, 'CW_ERR_BODY_TOO_LARGE');
});

test('a chunked body over the limit is cut off even when the flow only streams it back', async (t) => {
  const ep = await startEndpoint({ address: '/chunked', maxBodySize: 100_000 });
  t.after(() => ep.close());
  const outcome = await send(ep.url(), Buffer.alloc(10_000, 97), 50).catch((error: Error) => error);
  if (outcome instanceof Error) assert.ok(outcome);
  else assert.ok(outcome.received <= 100_000, `received ${outcome.received} bytes`);
});

test('a 50 MB echo streams through without holding the body in memory', async (t) => {
  const streamed: boolean[] = [];
  const ep = await startEndpoint({ address: '/echo', maxBodySize: 100 * 1024 * 1024 }, (ex) => {
    streamed.push(ex.message.body.isStream);
  });
  t.after(() => ep.close());
  const chunk = Buffer.alloc(64 * 1024, 7);
  const count = 800; // 50 MiB
  // The first large transfer grows the socket and allocator pools; that is a one-time cost, not buffering.
  await send(ep.url(), chunk, count, { contentLength: chunk.length * count });
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await send(ep.url(), chunk, count, { contentLength: chunk.length * count });
    assert.equal(result.status, 200);
    assert.equal(result.received, chunk.length * count);
  } finally {
    clearInterval(sampler);
  }
  const growth = (peak - before) / (1024 * 1024);
  assert.ok(growth < 30, `RSS grew by ${growth.toFixed(1)} MB while echoing 50 MB`);
  assert.deepEqual(streamed, [true, true], 'the flow got the request stream, not a copy');
});

test('a small body of known length is read before the flow runs; a larger one stays a stream', async (t) => {
  const streamed: boolean[] = [];
  const ep = await startEndpoint({ address: '/echo' }, (ex) => {
    streamed.push(ex.message.body.isStream);
  });
  t.after(() => ep.close());
  const small = await send(ep.url(), Buffer.alloc(1000, 97), 64, { contentLength: 64_000, keep: true });
  assert.equal(small.status, 200);
  assert.equal(small.text, 'a'.repeat(64_000));
  assert.equal(small.headers['content-length'], '64000');
  const large = await send(ep.url(), Buffer.alloc(1000, 98), 70, { contentLength: 70_000, keep: true });
  assert.equal(large.status, 200);
  assert.equal(large.text, 'b'.repeat(70_000));
  assert.equal(large.headers['content-length'], '70000');
  assert.deepEqual(streamed, [false, true]);
});

test('a client that breaks off while sending a small body does not run the flow', async (t) => {
  const ep = await startEndpoint({ address: '/echo' }, () => {});
  t.after(() => ep.close());
  await new Promise<void>((resolve) => {
    const req = request(ep.url(), { method: 'POST', headers: { 'content-length': 1000 } });
    req.on('error', () => resolve());
    req.write('only a part', () => setTimeout(() => req.destroy(), 50));
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(ep.exchanges.length, 0);
  const after = await fetch(ep.url(), { method: 'POST', body: 'next' });
  assert.equal(await after.text(), 'next');
  assert.equal(ep.exchanges.length, 1);
});

test('a reply that cannot be written gives 500 and the server goes on', async (t) => {
  const ep = await startEndpoint({ address: '/echo' }, (ex) => {
    if (ex.message.body.text() === 'bad') ex.message.setBody({ count: 1n }); // JSON cannot hold a BigInt
  });
  t.after(() => ep.close());
  const bad = await fetch(ep.url(), { method: 'POST', body: 'bad' });
  assert.equal(bad.status, 500);
  assert.equal((await bad.json()).code, 'CW_ERR_UNEXPECTED');
  const good = await fetch(ep.url(), { method: 'POST', body: 'good' });
  assert.equal(await good.text(), 'good');
});
