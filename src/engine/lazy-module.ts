import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A dependency loaded on first use. Libraries that only some steps need (converters, encoders,
 * JSONata) then cost no start-up time or memory in a runtime whose flows do not use them.
 */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(id) as T;
    return loaded;
  };
}
