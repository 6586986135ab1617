import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { parseResponseHeaders, type ResponseHeaders } from './http.headers.ts';

/**
 * What to do with an answer's body, decided from its status before the body is read: take it as one
 * Buffer, keep it a stream, keep the first KB of a failure, or drop it (Send, retry, refused token).
 */
export type BodyMode = 'buffer' | 'stream' | 'snippet' | 'discard';

export interface Answer {
  status: number;
  headers: ResponseHeaders;
  /** A Buffer (buffer, snippet), a Readable (stream), or empty (discard). */
  body: Buffer | Readable;
  /** Snippet mode: the answer was longer than the snippet. */
  truncated: boolean;
}

/** Chooses the body mode from the status; implemented by the call, so no closure is made per request. */
export interface BodyPolicy {
  bodyMode(status: number, headers: ResponseHeaders): BodyMode;
}

/** How much of a failed answer goes into the error message. */
export const SNIPPET_BYTES = 1024;
const EMPTY = Buffer.alloc(0);

/**
 * One request on undici's low-level handler API: the answer's chunks land here directly, with no
 * Readable body or promise per chunk unless the answer is streamed on (measured in http.bench.ts).
 */
export class AnswerHandler implements Dispatcher.DispatchHandler {
  readonly promise: Promise<Answer>;
  readonly #policy: BodyPolicy;
  #resolve!: (answer: Answer) => void;
  #reject!: (error: Error) => void;
  #abort?: (error?: Error) => void;
  #answer?: Answer;
  #mode: BodyMode = 'discard';
  #chunks: Buffer[] = [];
  #size = 0;
  /** Content-Length of a body to buffer, when announced (0 otherwise). */
  #expected = 0;
  /** Allocated from Content-Length when the body comes in parts: they are copied in, with no concat. */
  #whole?: Buffer;
  #stream?: AnswerStream;
  #settled = false;
  /** The message was cancelled (cancelOn): why, kept to abort a request undici has not started yet. */
  #cancelled?: unknown;
  #signal?: AbortSignal;
  #onAbort?: () => void;

  constructor(policy: BodyPolicy) {
    this.#policy = policy;
    const { promise, resolve, reject } = Promise.withResolvers<Answer>();
    this.promise = promise;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /**
   * Ends the request when `signal` aborts (its message was cancelled): the promise rejects with the
   * signal's reason at once, and the request is aborted now, or when undici starts it if it still
   * waits for a connection. Called before the request is dispatched.
   */
  cancelOn(signal: AbortSignal): void {
    if (signal.aborted) {
      this.#cancel(signal.reason);
      return;
    }
    this.#signal = signal;
    this.#onAbort = () => this.#cancel(signal.reason);
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  onConnect(abort: (error?: Error) => void): void {
    this.#abort = abort;
    if (this.#cancelled !== undefined) abort(this.#cancelled as Error);
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    const headers = parseResponseHeaders(raw);
    const mode = this.#policy.bodyMode(status, headers);
    this.#mode = mode;
    this.#answer = { status, headers, body: EMPTY, truncated: false };
    if (mode === 'stream') {
      this.#stream = new AnswerStream(resume, this.#abort);
      this.#answer.body = this.#stream;
      this.#settle();
    } else if (mode === 'buffer') {
      const length = Number(headers['content-length']);
      if (length > 0 && length <= MAX_PREALLOCATED) this.#expected = length;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    const mode = this.#mode;
    if (mode === 'stream') return (this.#stream as AnswerStream).push(chunk);
    if (mode === 'discard' || this.#settled) return true;
    const whole = this.#whole;
    if (whole !== undefined && this.#size + chunk.length <= whole.length) chunk.copy(whole, this.#size);
    else if (this.#size === 0 && this.#expected > chunk.length) {
      this.#whole = Buffer.allocUnsafe(this.#expected);
      chunk.copy(this.#whole, 0);
    } else {
      if (whole !== undefined) this.#dropPreallocated();
      this.#chunks.push(chunk);
    }
    this.#size += chunk.length;
    if (mode === 'snippet' && this.#size > SNIPPET_BYTES) {
      // The rest of a failed answer is not needed: closing the connection is cheaper than reading it.
      this.#finish(true);
      this.#abort?.();
    }
    return true;
  }

  onComplete(): void {
    this.#unwatch();
    if (this.#mode === 'stream') (this.#stream as AnswerStream).complete();
    else this.#finish(false);
  }

  onError(error: Error): void {
    this.#unwatch();
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(error);
    } else if (this.#stream && !this.#stream.destroyed) this.#stream.destroy(error);
  }

  #cancel(reason: unknown): void {
    this.#cancelled = reason;
    this.#unwatch();
    // undici reports the abort through onError, which rejects or ends a streamed answer.
    if (this.#abort) this.#abort(reason as Error);
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(reason as Error);
    }
  }

  #unwatch(): void {
    if (this.#onAbort === undefined) return;
    (this.#signal as AbortSignal).removeEventListener('abort', this.#onAbort);
    this.#onAbort = undefined;
  }

  #finish(truncated: boolean): void {
    if (this.#settled) return;
    const answer = this.#answer as Answer;
    answer.truncated = truncated;
    if (this.#whole !== undefined && this.#size === this.#whole.length) answer.body = this.#whole;
    else if (this.#whole !== undefined) answer.body = this.#whole.subarray(0, this.#size);
    else answer.body = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#size);
    this.#settle();
  }

  #dropPreallocated(): void {
    this.#chunks.push((this.#whole as Buffer).subarray(0, this.#size));
    this.#whole = undefined;
  }

  #settle(): void {
    this.#settled = true;
    this.#resolve(this.#answer as Answer);
  }
}

/** Content-Length is the server's word: beyond this, chunks are collected instead of trusting it. */
const MAX_PREALLOCATED = 16 * 1024 * 1024;

/** A streamed answer: undici pauses while the reader is behind, and stops when the reader gives up. */
class AnswerStream extends Readable {
  readonly #resume: () => void;
  readonly #abort?: (error?: Error) => void;
  #complete = false;

  constructor(resume: () => void, abort: ((error?: Error) => void) | undefined) {
    super();
    this.#resume = resume;
    this.#abort = abort;
  }

  /** The last chunk arrived: nothing is left to abort. */
  complete(): void {
    this.#complete = true;
    this.push(null);
  }

  override _read(): void {
    this.#resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#complete) this.#abort?.(error ?? undefined);
    callback(error);
  }
}
