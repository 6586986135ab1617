import type { Exchange } from './exchange.ts';

/**
 * A compiled step: what runs per message. Built once at deploy time from the flow model; a processor
 * that needs no I/O returns nothing and costs no promise.
 */
export type Processor = (exchange: Exchange) => void | Promise<void>;

/**
 * Runs processors in order, stopping when one marks the exchange stopped (End, Terminate). Steps that
 * finish synchronously run without a promise, so a flow of such steps stays synchronous; from the first
 * step that returns a promise, the rest run after it. A cancelled exchange (its signal aborted) runs
 * no further step: the signal's reason is thrown before the next one.
 */
export function sequence(processors: Processor[]): Processor {
  if (processors.length === 0) return () => {};
  if (processors.length === 1) return processors[0];
  const rest = async (exchange: Exchange, pending: Promise<void>, next: number): Promise<void> => {
    await pending;
    for (let i = next; i < processors.length; i++) {
      if (exchange.stopped) return;
      exchange.signal?.throwIfAborted();
      const step = processors[i](exchange);
      if (step) await step;
    }
  };
  return (exchange) => {
    for (let i = 0; i < processors.length; i++) {
      if (exchange.stopped) return;
      exchange.signal?.throwIfAborted();
      const pending = processors[i](exchange);
      if (pending) return rest(exchange, pending, i + 1);
    }
  };
}
