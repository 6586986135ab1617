import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { Exchange } from '../../engine/exchange.ts';
import type { Receiver } from '../adapter.spec.ts';
import { createReceiver, testServices } from './context.fixture.ts';
import { httpReceiver } from './http.spec.ts';
import { TestServer } from './test-server.fixture.ts';

/**
 * The set-up every HTTP receiver test file shares: one real backend server for the file, reset
 * before each test, and receivers that are closed when the file ends.
 */
export function receiverTestBench() {
  const server = new TestServer();
  const open: Receiver[] = [];
  before(() => server.start());
  after(async () => {
    await Promise.all(open.map((r) => r.close?.()));
    await server.stop();
  });
  beforeEach(() => server.reset());
  return {
    server,
    receiver(options: Record<string, unknown>, services = testServices()): Receiver {
      const { receiver, problems } = createReceiver(httpReceiver, options, services);
      assert.deepEqual(problems, []);
      open.push(receiver);
      return receiver;
    },
    exchange(init: ConstructorParameters<typeof Exchange>[0] = {}): Exchange {
      return new Exchange(init);
    },
  };
}
