import type { Exchange } from './exchange.ts';

/**
 * A compiled step: what runs per message. Built once at deploy time from the flow model; a processor
 * that needs no I/O returns nothing and costs no promise.
 */
export type Processor = (exchange: Exchange) => void | Promise<void>;

/** Runs processors in order, stopping when one marks the exchange stopped (End, Terminate). */
export function sequence(processors: Processor[]): Processor {
  if (processors.length === 0) return () => {};
  if (processors.length === 1) return processors[0];
  return async (exchange) => {
    for (const processor of processors) {
      if (exchange.stopped) return;
      const pending = processor(exchange);
      if (pending) await pending;
    }
  };
}
