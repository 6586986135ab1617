import { type FSWatcher, watch } from 'node:fs';

/**
 * Calls `onChange` once things settle (`delayMs` after the last event) when one of `names` in `dir` is
 * written, renamed or removed. Atomic writes produce a burst of events (temporary file, rename); the
 * delay turns each burst into one call. Events without a file name (some platforms) count as a change.
 * The watcher does not keep the process alive. Returns a function that stops watching.
 */
export function watchFolder(
  dir: string,
  names: ReadonlySet<string>,
  onChange: () => void,
  onError: (error: Error) => void,
  delayMs = 100,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dir, { persistent: false }, (_event, name) => {
    if (name !== null && !names.has(name)) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, delayMs);
    timer.unref();
  });
  watcher.on('error', onError);
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
