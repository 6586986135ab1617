import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DispatchResult } from '../adapters/adapter.spec.ts';
import { Exchange } from '../engine/exchange.ts';
import { OperationalError, UserError } from '../errors.ts';
import { ProcessDirectRegistry } from './process-direct.registry.ts';

/** A consumer that answers with `reply` and remembers what it was given. */
function consumer(reply: string, seen: Exchange[] = []) {
  return async (exchange: Exchange): Promise<DispatchResult> => {
    seen.push(exchange);
    return { exchange: new Exchange({ body: reply }) };
  };
}

describe('ProcessDirect registry', () => {
  it('hands the caller exchange to the consumer of the address and returns its result', async () => {
    const registry = new ProcessDirectRegistry();
    const seen: Exchange[] = [];
    registry.register('/enrich', 'enricher', consumer('enriched', seen));
    const caller = new Exchange({ body: 'in' });
    const result = await registry.call('/enrich', caller);
    assert.equal(seen[0], caller);
    assert.equal(result.exchange.message.body.text(), 'enriched');
    assert.equal(registry.consumerOf('/enrich'), 'enricher');
  });

  it('fails a call to an address nobody consumes, with a hint', async () => {
    const registry = new ProcessDirectRegistry();
    registry.register('/other', 'f', consumer('x'));
    await assert.rejects(registry.call('/missing', new Exchange()), (e: unknown) => {
      assert.ok(e instanceof OperationalError);
      assert.equal(e.code, 'CW_ERR_PROCESS_DIRECT_NO_CONSUMER');
      assert.match(e.message, /'\/missing'/);
      assert.match(e.hint ?? '', /adapter: processDirect/);
      return true;
    });
  });

  it('refuses a second consumer from another flow, naming both flows', () => {
    const registry = new ProcessDirectRegistry();
    registry.register('/orders', 'flow-a', consumer('a'));
    assert.throws(
      () => registry.register('/orders', 'flow-b', consumer('b')),
      (e: unknown) =>
        e instanceof UserError &&
        e.code === 'CW_ERR_PROCESS_DIRECT_ADDRESS_IN_USE' &&
        /flow-a/.test(e.message) &&
        /flow-b/.test(e.message) &&
        /another address/.test(e.hint ?? ''),
    );
    assert.equal(registry.consumerOf('/orders'), 'flow-a');
  });

  it('lets the same flow replace its consumer (hot reload); the old unregister then does nothing', async () => {
    const registry = new ProcessDirectRegistry();
    const unregisterOld = registry.register('/orders', 'flow-a', consumer('v1'));
    const unregisterNew = registry.register('/orders', 'flow-a', consumer('v2'));
    assert.equal((await registry.call('/orders', new Exchange())).exchange.message.body.text(), 'v2');
    unregisterOld();
    assert.equal((await registry.call('/orders', new Exchange())).exchange.message.body.text(), 'v2');
    unregisterNew();
    await assert.rejects(registry.call('/orders', new Exchange()), OperationalError);
    // Once free, another flow may take the address.
    registry.register('/orders', 'flow-b', consumer('b'));
    assert.equal(registry.consumerOf('/orders'), 'flow-b');
  });

  it('matches addresses exactly, ignoring surrounding blanks', async () => {
    const registry = new ProcessDirectRegistry();
    registry.register(' /a ', 'f', consumer('ok'));
    assert.equal((await registry.call('/a', new Exchange())).exchange.message.body.text(), 'ok');
    await assert.rejects(registry.call('/A', new Exchange()), OperationalError);
  });

  it('passes a consumer failure back as the result error', async () => {
    const registry = new ProcessDirectRegistry();
    const failure = new UserError('CW_ERR_STEP', 'bad order');
    registry.register('/fail', 'f', async (exchange) => ({ exchange, error: failure }));
    const result = await registry.call('/fail', new Exchange());
    assert.equal(result.error, failure);
  });
});
