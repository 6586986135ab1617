export interface PartFailure {
  index: number;
  error: unknown;
}

export interface RunPartsOptions {
  /** How many parts run at once; 1 is sequential. */
  limit: number;
  /** Start no new part once one failed (parts already running finish). */
  stopOnError: boolean;
}

/**
 * Runs `work` on each item, at most `limit` at a time, pulling items lazily so that a streamed source
 * is read only as fast as parts finish. One item is read ahead to tell the worker whether its item is
 * the last (CamelSplitComplete) without knowing the count in advance.
 *
 * Failures do not reject: they are returned in index order, so the caller decides what a failure
 * means and no part is left running unobserved.
 */
export async function runParts<T>(
  source: Iterable<T> | AsyncIterable<T>,
  options: RunPartsOptions,
  work: (item: T, index: number, last: boolean) => Promise<void> | void,
): Promise<{ count: number; failures: PartFailure[] }> {
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  const failures: PartFailure[] = [];
  const running = new Set<Promise<void>>();
  let count = 0;
  let current = await iterator.next();
  try {
    while (!current.done) {
      if (options.stopOnError && failures.length > 0) break;
      const following = await iterator.next();
      const item = current.value;
      const index = count++;
      const task: Promise<void> = (async () => {
        try {
          await work(item, index, following.done === true);
        } catch (error) {
          failures.push({ index, error });
        }
      })().finally(() => running.delete(task));
      running.add(task);
      if (running.size >= options.limit) await Promise.race(running);
      current = following;
    }
  } finally {
    await Promise.all(running);
    // Stopped early: let a stream source close its file or socket.
    if (!current.done) await iterator.return?.();
  }
  failures.sort((a, b) => a.index - b.index);
  return { count, failures };
}
