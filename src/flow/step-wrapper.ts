import type { Exchange } from '../engine/exchange.ts';
import type { Processor } from '../engine/processor.ts';
import { errorMessage } from '../errors.ts';

export interface StepInfo {
  label: string;
  kind: string;
  /** The step reads a streamed body itself. */
  streaming: boolean;
}

const TRACE_PAYLOAD_LIMIT = 64 * 1024;

/**
 * What the runtime does around every step: read a streamed body first unless the step streams,
 * and record the step in the message processing log (with the payload at TRACE). A step that does
 * no I/O stays synchronous: no promise is made for it.
 */
export function wrapStep(processor: Processor, info: StepInfo): Processor {
  const run: Processor = (exchange) => {
    if (!exchange.log.keepsSteps) return processor(exchange);
    const startedAt = Date.now();
    const t0 = performance.now();
    let pending: void | Promise<void>;
    try {
      pending = processor(exchange);
    } catch (error) {
      record(exchange, info, startedAt, t0, error);
      throw error;
    }
    if (!pending) {
      record(exchange, info, startedAt, t0);
      return;
    }
    return pending.then(
      () => record(exchange, info, startedAt, t0),
      (error) => {
        record(exchange, info, startedAt, t0, error);
        throw error;
      },
    );
  };
  if (info.streaming) return run;
  return (exchange) => {
    if (exchange.message.body.isStream) return exchange.message.body.materialize().then(() => run(exchange));
    return run(exchange);
  };
}

function record(exchange: Exchange, info: StepInfo, startedAt: number, t0: number, error?: unknown): void {
  const log = exchange.log;
  const body = exchange.message.body;
  log.steps.push({
    step: info.label,
    kind: info.kind,
    startedAt,
    durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
    payload: log.level === 'TRACE' && !body.isStream ? body.text().slice(0, TRACE_PAYLOAD_LIMIT) : undefined,
    error: error === undefined ? undefined : errorMessage(error),
  });
}
