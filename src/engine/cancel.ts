import { setMaxListeners } from 'node:events';
import { UserError } from '../errors.ts';

/*
 * Stopping a message from outside its steps. A message that may have to stop carries an AbortSignal
 * (`exchange.signal`, handed on to split parts, multicast branches and ProcessDirect calls); most
 * messages carry none and pay nothing for it. The processor checks the signal between steps,
 * receivers end a pending call when it aborts, and the signal's reason is the error the message
 * (or the split part) ends with.
 */

/** The message was stopped from outside (a flow test's timeout): no further step runs. */
export class CancelledError extends UserError {
  override name = 'CancelledError';

  constructor(why: string, hint?: string) {
    super('CW_ERR_CANCELLED', `The message was cancelled: ${why}`, { hint });
  }
}

/**
 * The AbortSignal of some work that may have to stop: aborted by `abort`, by a timer (`abortAfter`),
 * or when the signal it was made under aborts (with that signal's reason). `dispose` lets go of the
 * timer and of the parent's listener once the work is over.
 */
export class CancelScope {
  readonly #controller = new AbortController();
  readonly #parent?: AbortSignal;
  #timer?: ReturnType<typeof setTimeout>;
  readonly #onParentAbort = (): void => this.abort((this.#parent as AbortSignal).reason);

  constructor(parent?: AbortSignal) {
    // Every part and every pending call under the scope listens to it: tens at once are normal.
    setMaxListeners(0, this.#controller.signal);
    this.#parent = parent;
    if (parent?.aborted) this.abort(parent.reason);
    else parent?.addEventListener('abort', this.#onParentAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Aborts with `reason` (the first reason stays). */
  abort(reason: unknown): void {
    clearTimeout(this.#timer);
    this.#controller.abort(reason);
  }

  /** Aborts after `ms` unless disposed or aborted before; `reason` is made when the time comes. */
  abortAfter(ms: number, reason: () => Error): this {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.abort(reason()), ms);
    return this;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }
}

/** Waits `ms`; with a signal, rejects with its reason as soon as it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `pending`'s outcome, or the signal's reason as soon as it aborts, for a wait that cannot be
 * aborted itself. `pending` is still observed afterwards, so its later failure is not unhandled.
 */
export function unlessAborted<T>(pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return pending;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
