import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DispatchResult } from '../adapters/adapter.spec.ts';
import type { Exchange } from '../engine/exchange.ts';

/** Handles one request to an HTTPS sender address. `rest` is what a `/*` address matched. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse, rest: string) => void;

/** The runtime's one HTTP server, shared by every flow's HTTPS sender under `/http/`. */
export interface HttpRouter {
  /**
   * Serves `address` (as CPI: relative, case-insensitive, optional `/*` suffix) at `/http/<address>`.
   * Throws a UserError when another flow holds the address. Returns a function that removes it.
   */
  register(address: string, flowId: string, handler: HttpHandler): () => void;
  /** `http://127.0.0.1:PORT`, once listening. */
  baseUrl(): string;
}

/** Flow-to-flow calls in one runtime (CPI's ProcessDirect adapter). */
export interface ProcessDirectRegistry {
  register(
    address: string,
    flowId: string,
    consumer: (exchange: Exchange) => Promise<DispatchResult>,
  ): () => void;
  /** Runs the consumer flow of `address` with `exchange`'s message; a missing consumer is an error. */
  call(address: string, exchange: Exchange): Promise<DispatchResult>;
}

export type Credential =
  | { type: 'basic'; user: string; password: string }
  | {
      type: 'oauth2-client-credentials';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scope?: string;
      /** Send client id and secret as Basic auth (default) or in the form body. */
      clientAuthentication?: 'header' | 'body';
    }
  | { type: 'secure-parameter'; value: string };

/** Security material: named credentials (encrypted at rest) and users allowed to send messages. */
export interface SecureStore {
  credential(name: string): Credential | undefined;
  /**
   * Checks a user's password off the event loop; resolves to the user's roles when it matches, else
   * undefined. Rejects with an OperationalError `CW_ERR_AUTH_BUSY` when too many checks already wait
   * (answer 503 with Retry-After). Unknown users take as long as wrong passwords.
   */
  authenticate(user: string, password: string): Promise<string[] | undefined>;
  /**
   * The answer without waiting when this password was checked before: roles when right, null when wrong,
   * undefined when only `authenticate` can tell. Lets the HTTPS sender skip a promise on most requests.
   */
  knownPassword?(user: string, password: string): string[] | null | undefined;
}

/** Where finished message processing logs go (written in batches, off the message path). */
export interface MessageLogSink {
  write(entry: import('../observability/mpl.types.ts').MplEntry): void;
}

/** Everything the runtime offers to adapters. */
export interface RuntimeServices {
  http: HttpRouter;
  processDirect: ProcessDirectRegistry;
  secureStore: SecureStore;
  messageLogs: MessageLogSink;
}
