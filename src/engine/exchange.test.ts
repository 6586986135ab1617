import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { uuidv7Time } from '../observability/mpl.block.ts';
import { Exchange } from './exchange.ts';

describe('Exchange', () => {
  test("its id is a UUIDv7 of the log's start: the message log finds plain entries by that time", () => {
    for (let i = 0; i < 100; i++) {
      const exchange = new Exchange();
      assert.equal(uuidv7Time(exchange.id), exchange.log.startedAt);
      assert.equal(exchange.correlationId, exchange.id);
    }
  });

  test('ids of exchanges made in the same millisecond differ and keep their order', () => {
    const ids = Array.from({ length: 1000 }, () => new Exchange().id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
  });

  test('hands the signal to forks, or the one given', () => {
    const message = new AbortController();
    const own = new AbortController();
    const exchange = new Exchange({ signal: message.signal });
    assert.equal(exchange.fork().signal, message.signal);
    assert.equal(exchange.fork('part', own.signal).signal, own.signal);
    assert.equal(new Exchange().fork().signal, undefined);
  });
});
