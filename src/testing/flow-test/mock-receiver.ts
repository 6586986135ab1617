import type { CallPattern, Receiver } from '../../adapters/adapter.spec.ts';
import { statusError } from '../../adapters/http/http.failure.ts';
import { delay } from '../../engine/cancel.ts';
import type { Exchange } from '../../engine/exchange.ts';
import { OperationalError, UserError } from '../../errors.ts';
import type { ReceiverOutline } from './flow-outline.ts';
import type { MockModel, ReplyModel } from './flow-test.spec.ts';

/** What the flow sent to a receiver in one call. */
export interface RecordedCall {
  pattern: CallPattern;
  body: string;
  headers: Record<string, unknown>;
}

/**
 * Everything receivers saw during one test. `problems` are test failures found inside a call (an
 * unmocked receiver, a reply list run out): recorded here as well as thrown, because the flow's
 * exception subprocess may catch the error and complete the message anyway.
 */
export class CallLog {
  readonly calls = new Map<string, RecordedCall[]>();
  readonly problems: string[] = [];

  async record(name: string, exchange: Exchange, pattern: CallPattern): Promise<number> {
    const body = exchange.message.body;
    if (body.isStream) await body.materialize();
    const list = this.calls.get(name) ?? [];
    list.push({ pattern, body: body.text(), headers: exchange.message.headers.toObject() });
    this.calls.set(name, list);
    return list.length;
  }

  of(name: string): RecordedCall[] {
    return this.calls.get(name) ?? [];
  }
}

/** A receiver replaced by the test's `receivers:` entry: records each call and answers as told. */
export class MockReceiver implements Receiver {
  readonly name: string;
  readonly adapter: string;
  readonly #outline: ReceiverOutline;
  readonly #mock: MockModel;
  readonly #files: ReadonlyMap<string, string>;
  readonly #log: CallLog;

  constructor(
    name: string,
    outline: ReceiverOutline,
    mock: MockModel,
    files: ReadonlyMap<string, string>,
    log: CallLog,
  ) {
    this.name = name;
    this.adapter = outline.adapter;
    this.#outline = outline;
    this.#mock = mock;
    this.#files = files;
    this.#log = log;
  }

  async call(exchange: Exchange, pattern: CallPattern): Promise<void> {
    const started = performance.now();
    const count = await this.#log.record(this.name, exchange, pattern);
    let failure: Error | undefined;
    let status: number | undefined;
    try {
      const reply = this.#reply(count);
      status = reply.status ?? 200;
      await this.#answer(exchange, pattern, reply, status);
    } catch (error) {
      failure = error as Error;
    }
    exchange.log.receivers.push({
      receiver: this.name,
      adapter: this.adapter,
      url: this.#outline.address,
      status,
      durationMs: performance.now() - started,
      error: failure?.message,
    });
    if (failure) throw failure;
  }

  /** Applies one reply as the real receiver would: fail, drop it (Send), or take it (Request-Reply). */
  async #answer(exchange: Exchange, pattern: CallPattern, reply: ReplyModel, status: number): Promise<void> {
    const { method, address } = this.#outline;
    // Like a real receiver's call, the wait ends when the message is cancelled (the test's timeout).
    if (reply.delay) await delay(reply.delay, exchange.signal);
    if (reply.failure !== undefined) {
      const code = this.adapter === 'http' ? 'CW_ERR_RECEIVER_HTTP' : 'CW_ERR_RECEIVER';
      throw new OperationalError(
        code,
        `Receiver '${this.name}': ${method} ${address} failed: ${reply.failure}`,
        {
          hint: 'A failure mocked by the flow test (reply.failure).',
        },
      );
    }
    const body =
      reply.bodyFile !== undefined ? (this.#files.get(reply.bodyFile) ?? '') : bodyText(reply.body);
    const failed = status < 200 || status >= 300;
    if (failed && this.#outline.throwExceptionOnFailure)
      throw statusError(this.name, method, address, status, body);
    if (pattern === 'send') return;
    const message = exchange.message;
    message.setBody(body);
    for (const [name, value] of Object.entries(reply.headers ?? {})) message.headers.set(name, value);
    message.headers.set('CamelHttpResponseCode', status);
  }

  /** The reply for the n-th call (1-based). */
  #reply(n: number): ReplyModel {
    const { reply, replies } = this.#mock;
    if (!replies) return reply ?? {};
    if (n <= replies.length) return replies[n - 1];
    const problem = `receiver '${this.name}' was called ${n} times but replies: lists ${replies.length}`;
    this.#log.problems.push(problem);
    throw new UserError('CW_ERR_TEST_FAILED', problem, {
      hint: 'Add a reply for every call the flow makes.',
    });
  }
}

/** Stands in for a receiver the test does not mock: tests make no network calls. */
export class UnmockedReceiver implements Receiver {
  readonly name: string;
  readonly adapter: string;
  readonly #log: CallLog;

  constructor(name: string, adapter: string, log: CallLog) {
    this.name = name;
    this.adapter = adapter;
    this.#log = log;
  }

  async call(exchange: Exchange, pattern: CallPattern): Promise<void> {
    await this.#log.record(this.name, exchange, pattern);
    const problem = `receiver '${this.name}' is not mocked in this test; add it under receivers:`;
    if (!this.#log.problems.includes(problem)) this.#log.problems.push(problem);
    throw new UserError('CW_ERR_TEST_FAILED', problem, {
      hint: `For example:  receivers: { ${this.name}: { reply: { body: '…' } } }`,
    });
  }
}

/** Records the calls to a real receiver the test lets through (ProcessDirect to a flow under `flows:`). */
export class RecordingReceiver implements Receiver {
  readonly name: string;
  readonly adapter: string;
  readonly #inner: Receiver;
  readonly #log: CallLog;

  constructor(inner: Receiver, log: CallLog) {
    this.name = inner.name;
    this.adapter = inner.adapter;
    this.#inner = inner;
    this.#log = log;
  }

  async call(exchange: Exchange, pattern: CallPattern): Promise<void> {
    await this.#log.record(this.name, exchange, pattern);
    return this.#inner.call(exchange, pattern);
  }
}

/** A body as written in YAML: a string as is, anything else as JSON text, nothing as empty. */
export function bodyText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
