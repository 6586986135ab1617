import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exchange } from './exchange.ts';
import { type Processor, sequence } from './processor.ts';

const mark =
  (name: string, async = false): Processor =>
  (exchange) => {
    const seen = (exchange.properties.get('seen') as string[] | undefined) ?? [];
    exchange.properties.set('seen', [...seen, name]);
    return async ? Promise.resolve() : undefined;
  };
const seen = (exchange: Exchange) => exchange.properties.get('seen');

describe('sequence', () => {
  it('runs synchronous steps in order without a promise', () => {
    const exchange = new Exchange();
    assert.equal(sequence([mark('a'), mark('b'), mark('c')])(exchange), undefined);
    assert.deepEqual(seen(exchange), ['a', 'b', 'c']);
  });

  it('runs the steps after an asynchronous one once it has finished', async () => {
    const exchange = new Exchange();
    const pending = sequence([mark('a'), mark('b', true), mark('c')])(exchange);
    assert.ok(pending instanceof Promise);
    assert.deepEqual(seen(exchange), ['a', 'b']);
    await pending;
    assert.deepEqual(seen(exchange), ['a', 'b', 'c']);
  });

  it('stops when a step marks the exchange stopped, before or after an asynchronous step', async () => {
    const stop: Processor = (exchange) => {
      exchange.stopped = true;
    };
    const before = new Exchange();
    sequence([mark('a'), stop, mark('b')])(before);
    assert.deepEqual(seen(before), ['a']);
    const after = new Exchange();
    await sequence([mark('a', true), stop, mark('b')])(after);
    assert.deepEqual(seen(after), ['a']);
  });

  it('passes on a failure, thrown or rejected, and runs no step after it', async () => {
    const fail: Processor = () => {
      throw new Error('boom');
    };
    const thrown = new Exchange();
    assert.throws(() => sequence([mark('a'), fail, mark('b')])(thrown), /boom/);
    assert.deepEqual(seen(thrown), ['a']);
    const rejected = new Exchange();
    await assert.rejects(async () => sequence([mark('a', true), fail, mark('b')])(rejected), /boom/);
    assert.deepEqual(seen(rejected), ['a']);
  });

  it('runs no step once the exchange is cancelled, and fails with the reason', async () => {
    const controller = new AbortController();
    const why = new Error('cancelled');
    const cancelling: Processor = () => {
      controller.abort(why);
      return Promise.resolve();
    };
    const exchange = new Exchange({ signal: controller.signal });
    await assert.rejects(
      async () => sequence([mark('a'), cancelling, mark('b'), mark('c')])(exchange),
      (error) => error === why,
    );
    assert.deepEqual(seen(exchange), ['a']);
    const late = new Exchange({ signal: controller.signal });
    assert.throws(
      () => sequence([mark('a'), mark('b')])(late),
      (error) => error === why,
    );
    assert.equal(seen(late), undefined);
  });
});
