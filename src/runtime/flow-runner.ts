import type { DispatchResult } from '../adapters/adapter.spec.ts';
import { Exchange, type ExchangeInit } from '../engine/exchange.ts';
import { type LogLevel, MessageLog } from '../engine/message-log.ts';
import type { Processor } from '../engine/processor.ts';
import { ErrorEndSignal, EscalationSignal } from '../engine/signals.ts';
import { asError, errorMessage } from '../errors.ts';
import { effectiveLevel } from '../observability/log-level.ts';
import { toMplEntry } from './mpl-entry.ts';
import type { RuntimeServices } from './services.ts';

export interface FlowRunnerOptions {
  flowId: string;
  logLevel: LogLevel;
  services: RuntimeServices;
}

/**
 * Runs one deployed flow's messages: the integration process, the exception subprocess when a step
 * fails, the final status, and the message processing log, handed to the batched writer.
 */
export class FlowRunner {
  readonly flowId: string;
  readonly logLevel: LogLevel;
  /** The sender adapter kind, recorded in every log entry. */
  sender = '';
  readonly #services: RuntimeServices;
  #main: Processor = () => {};
  #exceptionSubprocess?: Processor;
  #inFlight = 0;

  /** When the log level was set: TRACE falls back to INFO after a while, as in CPI. */
  readonly #levelSetAt = Date.now();

  constructor(options: FlowRunnerOptions) {
    this.flowId = options.flowId;
    this.logLevel = options.logLevel;
    this.#services = options.services;
  }

  setProcesses(main: Processor, exceptionSubprocess?: Processor): void {
    this.#main = main;
    this.#exceptionSubprocess = exceptionSubprocess;
  }

  newExchange(init: ExchangeInit = {}): Exchange {
    // Only TRACE depends on the time (it falls back after a while); the clock is read for it alone.
    const level =
      this.logLevel === 'TRACE' ? effectiveLevel(this.logLevel, this.#levelSetAt, Date.now()) : this.logLevel;
    // Spelled out rather than spread: this runs once per message.
    return new Exchange({
      body: init.body,
      headers: init.headers,
      properties: init.properties,
      correlationId: init.correlationId,
      flowId: this.flowId,
      log: init.log ?? new MessageLog(level),
      signal: init.signal,
    });
  }

  /** Messages being processed now; a replaced flow version is closed once this is zero. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves when no message is in flight (after a reload or at shutdown). */
  async drain(): Promise<void> {
    while (this.#inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /**
   * Runs one message. A flow whose steps all finish synchronously (no receiver call, no streamed body
   * to read) returns its result without a promise: the common case costs no microtask.
   */
  dispatch(exchange: Exchange): DispatchResult | Promise<DispatchResult> {
    this.#inFlight++;
    let pending: Promise<void> | void;
    try {
      pending = this.#main(exchange);
    } catch (thrown) {
      return this.#failed(exchange, asError(thrown));
    }
    if (pending === undefined) return this.#finish(exchange, undefined);
    return pending.then(
      () => this.#finish(exchange, undefined),
      (thrown: unknown) => this.#failed(exchange, asError(thrown)),
    );
  }

  /**
   * Ends a message that failed before its process could start (the sender could not make it): logged
   * FAILED with the error. The exception subprocess is not run, as it handles errors of the process.
   */
  fail(exchange: Exchange, error: Error): DispatchResult {
    this.#inFlight++;
    return this.#finish(exchange, error);
  }

  /**
   * A step failed: the exception subprocess handles it when there is one (an escalation ends the
   * message, and so does a cancellation: nothing of a cancelled message runs any more).
   */
  #failed(exchange: Exchange, error: Error): DispatchResult | Promise<DispatchResult> {
    if (!this.#exceptionSubprocess || error instanceof EscalationSignal || exchange.signal?.aborted) {
      return this.#finish(exchange, error);
    }
    return this.#handle(exchange, error).then((rest) => this.#finish(exchange, rest));
  }

  /**
   * Sets the final status and hands the log entry to the writer. A message cancelled on its way
   * fails with the reason it was cancelled for, whatever its steps ended with.
   */
  #finish(exchange: Exchange, ending: Error | undefined): DispatchResult {
    this.#inFlight--;
    let error = exchange.signal?.aborted ? asError(exchange.signal.reason) : ending;
    const log = exchange.log;
    if (error instanceof EscalationSignal) log.status = 'ESCALATED';
    else if (error) log.status = 'FAILED';
    else if (log.status === 'PROCESSING') log.status = 'COMPLETED';
    log.endedAt = Date.now();
    if (error instanceof ErrorEndSignal) error = error.original;
    if (error) log.error = errorMessage(error);
    if (log.level !== 'NONE') this.#services.messageLogs.write(toMplEntry(exchange, this.sender));
    return { exchange, error };
  }

  /** Runs the exception subprocess; returns the error that still ends the message, if any. */
  async #handle(exchange: Exchange, error: Error): Promise<Error | undefined> {
    exchange.exception = error;
    exchange.stopped = false;
    try {
      const pending = this.#exceptionSubprocess!(exchange);
      if (pending) await pending;
      return undefined;
    } catch (thrown) {
      return asError(thrown);
    }
  }
}
