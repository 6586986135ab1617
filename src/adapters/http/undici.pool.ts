import { createRequire } from 'node:module';
import type { Pool } from 'undici';

type PoolClass = typeof Pool;

let poolClass: PoolClass | undefined;

/**
 * undici's Pool, loaded on the first call of any HTTP receiver. The package's index also loads fetch,
 * WebSocket, caches and mocks: about 14 MB of resident memory in a running runtime, against about 4 MB
 * for the pool alone (with llhttp). A runtime without HTTP receiver calls loads neither.
 * The direct path is undici's internal layout; if a release moves it, the index still works.
 */
export function undiciPool(): PoolClass {
  if (poolClass) return poolClass;
  const require = createRequire(import.meta.url);
  try {
    poolClass = require('undici/lib/dispatcher/pool.js') as PoolClass;
    if (typeof poolClass !== 'function') throw new TypeError('undici pool.js exports no class');
  } catch {
    poolClass = (require('undici') as { Pool: PoolClass }).Pool;
  }
  return poolClass;
}

/** A keep-alive pool for one origin; `timeoutMs` bounds connecting, the answer's head, and each body gap. */
export function newPool(origin: string, timeoutMs: number): Pool {
  const PoolClass = undiciPool();
  return new PoolClass(origin, {
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs },
  });
}
