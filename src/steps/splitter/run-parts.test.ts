import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runParts } from './run-parts.ts';

describe('runParts', () => {
  it('never runs more than the limit at once, and uses all of it', async () => {
    let active = 0;
    let max = 0;
    const { count, failures } = await runParts(range(30), { limit: 7, stopOnError: true }, async (i) => {
      active++;
      max = Math.max(max, active);
      await sleep(2 + (i % 3));
      active--;
    });
    assert.equal(count, 30);
    assert.deepEqual(failures, []);
    assert.equal(max, 7);
    assert.equal(active, 0);
  });

  it('runs one at a time, in order, with limit 1, and tells the worker which item is last', async () => {
    const seen: string[] = [];
    await runParts(['a', 'b', 'c'], { limit: 1, stopOnError: true }, async (item, index, last) => {
      seen.push(`${index}:${item}:${last}`);
      await sleep(1);
    });
    assert.deepEqual(seen, ['0:a:false', '1:b:false', '2:c:true']);
  });

  it('pulls an async source lazily: at most limit + 1 items ahead of the finished ones', async () => {
    let pulled = 0;
    let finished = 0;
    let maxAhead = 0;
    async function* source() {
      for (let i = 0; i < 20; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - finished);
        yield i;
      }
    }
    await runParts(source(), { limit: 3, stopOnError: true }, async () => {
      await sleep(1);
      finished++;
    });
    assert.equal(pulled, 20);
    assert.ok(maxAhead <= 4, `pulled ${maxAhead} ahead`);
  });

  it('stops starting parts after a failure and closes the source', async () => {
    const started: number[] = [];
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const { failures } = await runParts(source(), { limit: 1, stopOnError: true }, async (i) => {
      started.push(i);
      if (i === 2) throw new Error('boom');
    });
    assert.deepEqual(started, [0, 1, 2]);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].index, 2);
    assert.equal(closed, true);
  });

  it('runs every part when not stopping, returning the failures in index order', async () => {
    const { count, failures } = await runParts(range(10), { limit: 4, stopOnError: false }, async (i) => {
      await sleep(10 - i);
      if (i % 4 === 1) throw new Error(`bad ${i}`);
    });
    assert.equal(count, 10);
    assert.deepEqual(
      failures.map((f) => f.index),
      [1, 5, 9],
    );
  });

  it('at an abort starts no more parts and returns at once, without the failures it caused', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    setTimeout(() => controller.abort(new Error('timeout')), 30);
    const begun = performance.now();
    const result = await runParts(
      source(),
      { limit: 2, stopOnError: true, signal: controller.signal },
      async (i) => {
        started.push(i);
        // Ignores the signal: runParts must not wait for it.
        await sleep(i === 0 ? 0 : 1_000);
        if (controller.signal.aborted) throw new Error(`part ${i} stopped`);
      },
    );
    assert.ok(performance.now() - begun < 800, 'returned before the running parts ended');
    assert.equal(result.aborted, true);
    assert.deepEqual(started, [0, 1, 2]);
    assert.equal(result.count, 3);
    assert.deepEqual(result.failures, []);
    await sleep(1);
    assert.equal(closed, true);
  });

  it('handles an empty source and synchronous workers', async () => {
    assert.deepEqual(await runParts([], { limit: 5, stopOnError: true }, () => {}), {
      count: 0,
      failures: [],
      aborted: false,
    });
    const seen: number[] = [];
    await runParts(range(3), { limit: 2, stopOnError: true }, (i) => void seen.push(i));
    assert.deepEqual(seen, [0, 1, 2]);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
