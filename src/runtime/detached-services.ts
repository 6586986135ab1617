import { UnexpectedError } from '../errors.ts';
import type { MplEntry } from '../observability/mpl.types.ts';
import type { RuntimeServices } from './services.ts';

/**
 * Services for compiling a flow outside a running runtime (`causeway validate`, step tests): nothing
 * is served, security material is empty, and log entries are kept in memory for inspection.
 */
export function detachedServices(entries: MplEntry[] = []): RuntimeServices {
  const unavailable = (what: string) => () => {
    throw new UnexpectedError(`${what} is not available while a flow is compiled outside a runtime.`);
  };
  return {
    http: { register: unavailable('The HTTP server'), baseUrl: unavailable('The HTTP server') },
    processDirect: { register: () => () => {}, call: unavailable('ProcessDirect') },
    secureStore: { credential: () => undefined, authenticate: async () => undefined },
    messageLogs: { write: (entry) => void entries.push(entry) },
  };
}
