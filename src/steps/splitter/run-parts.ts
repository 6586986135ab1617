import { unlessAborted } from '../../engine/cancel.ts';

export interface PartFailure {
  index: number;
  error: unknown;
}

export interface RunPartsOptions {
  /** How many parts run at once; 1 is sequential. */
  limit: number;
  /** Start no new part once one failed (parts already running finish). */
  stopOnError: boolean;
  /** When it aborts, no new part starts and runParts returns at once (see `aborted`). */
  signal?: AbortSignal;
}

export interface RunPartsResult {
  /** Parts started. */
  count: number;
  /** In index order; after an abort, only those that failed before it. */
  failures: PartFailure[];
  /** The signal aborted before every part had finished. */
  aborted: boolean;
}

/**
 * Runs `work` on each item, at most `limit` at a time, pulling items lazily so that a streamed source
 * is read only as fast as parts finish. One item is read ahead to tell the worker whether its item is
 * the last (CamelSplitComplete) without knowing the count in advance.
 *
 * Failures do not reject: they are returned in index order, so the caller decides what a failure
 * means and no part is left running unobserved. The one exception is an abort: the parts still
 * running were given the same signal and end on their own at their next step or call (their failures
 * are dropped), and runParts does not wait for them, so that a timeout is a timeout.
 */
export async function runParts<T>(
  source: Iterable<T> | AsyncIterable<T>,
  options: RunPartsOptions,
  work: (item: T, index: number, last: boolean) => Promise<void> | void,
): Promise<RunPartsResult> {
  const { signal } = options;
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  const failures: PartFailure[] = [];
  const running = new Set<Promise<void>>();
  let count = 0;
  let current: IteratorResult<T> | undefined;
  let aborted = false;
  try {
    current = await unlessAborted(Promise.resolve(iterator.next()), signal);
    while (!current.done) {
      if (options.stopOnError && failures.length > 0) break;
      signal?.throwIfAborted();
      const following = await unlessAborted(Promise.resolve(iterator.next()), signal);
      const item = current.value;
      const index = count++;
      const task: Promise<void> = (async () => {
        try {
          await work(item, index, following.done === true);
        } catch (error) {
          if (!signal?.aborted) failures.push({ index, error });
        }
      })().finally(() => running.delete(task));
      running.add(task);
      if (running.size >= options.limit) await unlessAborted(Promise.race(running), signal);
      current = following;
    }
    await unlessAborted(Promise.all(running), signal);
  } catch (error) {
    if (!signal?.aborted || error !== signal.reason) {
      // The source failed: the parts already running finish first.
      await Promise.all(running);
      throw error;
    }
    aborted = true;
  } finally {
    // Stopped early: let a stream source close its file or socket; after an abort without waiting,
    // since a read may still be pending.
    if (!current?.done) {
      const closing = iterator.return?.();
      if (aborted) Promise.resolve(closing).catch(() => {});
      else await closing;
    }
  }
  failures.sort((a, b) => a.index - b.index);
  return { count, failures, aborted };
}
